//! `src/<resource>.rs`: a handle per tag (`client.emails()`) with one method per operation,
//! each returning a request builder that is sent by awaiting it.
//!
//! Everything outside the module is named by its full path, so that a handle or builder
//! named after a spec's tag or operation (`Client`, `Request`, `Method`) cannot clash with it.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::{doc, doc_paragraphs, inner_doc_paragraphs};
use crate::emit::requests::build_request;
use crate::emit::{RustFile, ident, rust_type};
use crate::model::{
    Body, BodyKind, Operation, PageNext, Pagination, Param, Resource, ResponseBody, TypeRef,
};

pub fn resource_rs(resource: &Resource) -> RustFile<'_> {
    RustFile {
        path: format!("src/{}.rs", resource.module.rust),
        head: Box::new(|| head(resource)),
        pieces: resource.operations.len(),
        piece: Box::new(|index| {
            resource
                .operations
                .get(index)
                .map(builder)
                .unwrap_or_default()
        }),
    }
}

/// The file's doc, the accessor on `Client`, the handle and its methods.
fn head(resource: &Resource) -> TokenStream {
    let handle = ident(&resource.handle);
    let accessor = ident(&resource.module.rust);
    let accessor_name = resource.module.bare.as_str();
    let module_doc = format!(
        "Operations tagged `{}`: [`Client::{accessor_name}`](crate::Client::{accessor_name}) and the request builders it hands out.",
        resource.tag.replace('`', "'"),
    );
    let module_doc = inner_doc_paragraphs(&[Some(&module_doc)]);
    let handle_doc = doc_paragraphs(&[
        resource.doc.as_deref(),
        Some(&format!(
            "Reached through [`Client::{accessor_name}`](crate::Client::{accessor_name})."
        )),
    ]);
    let accessor_doc = doc_paragraphs(&[
        resource.doc.as_deref(),
        Some(&format!(
            "Operations tagged `{}`.",
            resource.tag.replace('`', "'")
        )),
    ]);
    let methods = resource.operations.iter().map(handle_method);
    quote! {
        #module_doc
        #![allow(clippy::too_many_arguments, clippy::should_implement_trait)]

        #[allow(unused_imports)]
        use crate::types;

        impl crate::Client {
            #accessor_doc
            #[inline]
            pub fn #accessor(&self) -> #handle<'_> {
                #handle { client: self }
            }
        }

        #handle_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'a> {
            client: &'a crate::Client,
        }

        impl<'a> #handle<'a> {
            #(#methods)*
        }
    }
}

/// The Rust type of a parameter or body, as stored in a builder.
fn stored_type(ty: &TypeRef) -> TokenStream {
    rust_type(ty, &quote!(types::))
}

fn argument_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(impl Into<String>),
        other => stored_type(other),
    }
}

/// How a method argument becomes a builder field: `name` (shorthand) or `name: name.into()`.
fn field_init(param: &Param) -> TokenStream {
    let name = ident(&param.name.rust);
    match param.ty {
        TypeRef::String => quote!(#name: #name.into(),),
        _ => quote!(#name,),
    }
}

/// What a successful call returns.
fn success_type(op: &Operation) -> TokenStream {
    match &op.response.body {
        ResponseBody::Json(ty) if op.response.optional => {
            let ty = stored_type(ty);
            quote!(Option<#ty>)
        }
        ResponseBody::Json(ty) => stored_type(ty),
        ResponseBody::Empty => quote!(()),
        ResponseBody::Text => quote!(String),
        ResponseBody::Bytes => quote!(bytes::Bytes),
        ResponseBody::ByStatus(name) => stored_type(&TypeRef::Named(name.clone())),
    }
}

/// How a body is held by the builder: borrowed for typed bodies, owned for text and bytes.
/// The second value is the type a method takes it as.
fn body_types(body: &Body) -> (TokenStream, TokenStream) {
    match &body.kind {
        BodyKind::Json(ty) | BodyKind::Form(ty) | BodyKind::Multipart { ty, .. } => {
            let ty = stored_type(ty);
            (quote!(&'a #ty), quote!(&'a #ty))
        }
        BodyKind::Text => (quote!(String), quote!(impl Into<String>)),
        BodyKind::Bytes => (quote!(bytes::Bytes), quote!(impl Into<bytes::Bytes>)),
    }
}

/// Whether the body is taken by `impl Into<...>` and needs `.into()`.
fn body_converts(body: &Body) -> bool {
    matches!(body.kind, BodyKind::Text | BodyKind::Bytes)
}

fn operation_doc(op: &Operation) -> TokenStream {
    let request_line = format!("`{} {}`", op.http_method.as_upper(), op.path_template);
    // The arguments the spec describes, one list item each.
    let described = |name: &str, text: Option<&str>| {
        let text = text?.trim();
        (!text.is_empty()).then(|| format!("- `{name}`: {}", text.replace('\n', " ")))
    };
    let mut arguments: Vec<String> = op
        .required_params()
        .filter_map(|p| described(p.name.bare.as_str(), p.doc.as_deref()))
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        arguments.extend(described("body", body.doc.as_deref()));
    }
    let arguments = (!arguments.is_empty()).then(|| arguments.join("\n"));
    doc_paragraphs(&[
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(&request_line),
        arguments.as_deref(),
    ])
}

fn handle_method(op: &Operation) -> TokenStream {
    let docs = operation_doc(op);
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated(note = "the API marks this operation deprecated")]));
    // An operation called `new` hands out its builder, not the handle.
    let not_a_constructor =
        (op.method_name.rust == "new").then(|| quote!(#[allow(clippy::new_ret_no_self)]));
    let method = ident(&op.method_name.rust);
    let builder = ident(&op.builder);
    let mut arguments = Vec::new();
    let mut fields = vec![quote!(client: self.client,)];
    for param in op.required_params() {
        let name = ident(&param.name.rust);
        let ty = argument_type(&param.ty);
        arguments.push(quote!(#name: #ty));
        fields.push(field_init(param));
    }
    if let Some(body) = &op.body {
        let (_, argument) = body_types(body);
        if body.required {
            arguments.push(quote!(body: #argument));
            fields.push(if body_converts(body) {
                quote!(body: body.into(),)
            } else {
                quote!(body,)
            });
        } else {
            fields.push(quote!(body: None,));
        }
    }
    for param in op.optional_params() {
        let name = ident(&param.name.rust);
        fields.push(quote!(#name: None,));
    }
    fields.push(quote!(options: Default::default(),));
    quote! {
        #docs
        #deprecated
        #not_a_constructor
        #[inline]
        pub fn #method(&self, #(#arguments),*) -> #builder<'a> {
            #builder { #(#fields)* }
        }
    }
}

fn builder(op: &Operation) -> TokenStream {
    let builder = ident(&op.builder);
    let success = success_type(op);
    let builder_doc = doc(Some(&format!(
        "The request of `{}` (`{} {}`). Set optional parameters with its methods, then `.await` it.",
        op.operation_id,
        op.http_method.as_upper(),
        op.path_template
    )));

    let mut fields = vec![quote!(client: &'a crate::Client,)];
    for param in op.required_params() {
        let name = ident(&param.name.rust);
        let ty = stored_type(&param.ty);
        fields.push(quote!(#name: #ty,));
    }
    if let Some(body) = &op.body {
        let (stored, _) = body_types(body);
        fields.push(if body.required {
            quote!(body: #stored,)
        } else {
            quote!(body: Option<#stored>,)
        });
    }
    let mut setters = Vec::new();
    for param in op.optional_params() {
        let name = ident(&param.name.rust);
        let ty = stored_type(&param.ty);
        fields.push(quote!(#name: Option<#ty>,));
        let docs = if op.idempotency_key.as_deref() == Some(param.wire_name.as_str()) {
            doc_paragraphs(&[
                param.doc.as_deref(),
                Some(
                    "When it is not set, the client makes up a key for the call and keeps it across retries, so that a retried request is not acted on twice.",
                ),
            ])
        } else {
            doc(param.doc.as_deref())
        };
        let (argument, value) = match param.ty {
            TypeRef::String => (quote!(impl Into<String>), quote!(value.into())),
            _ => (ty.clone(), quote!(value)),
        };
        setters.push(quote! {
            #docs
            #[inline]
            pub fn #name(mut self, value: #argument) -> Self {
                self.#name = Some(#value);
                self
            }
        });
    }
    if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
        let (_, argument) = body_types(body);
        let value = if body_converts(body) {
            quote!(body.into())
        } else {
            quote!(body)
        };
        let docs = doc(body.doc.as_deref());
        setters.push(quote! {
            #docs
            #[inline]
            pub fn body(mut self, body: #argument) -> Self {
                self.body = Some(#value);
                self
            }
        });
    }

    fields.push(quote!(options: crate::request::CallOptions,));
    let build = build_request(op);
    let decoder = decoder(op);
    let paging = op
        .pagination
        .as_ref()
        .map(|pagination| paging_methods(pagination, &success));
    let on_success = op
        .response
        .doc
        .as_deref()
        .map(|d| format!("On success: {}", d.trim()));
    let send_doc = doc_paragraphs(&[
        Some("Sends the request. Awaiting the builder does the same."),
        on_success.as_deref(),
    ]);
    quote! {
        #builder_doc
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #builder<'a> {
            #(#fields)*
        }

        impl<'a> #builder<'a> {
            #(#setters)*

            #send_doc
            #[inline]
            pub fn send(
                self,
            ) -> impl std::future::Future<Output = Result<crate::ApiResponse<#success>, crate::Error>>
                   + Send
                   + 'a {
                std::future::IntoFuture::into_future(self)
            }

            #paging

            /// The request, built from the builder without sending it.
            #[inline]
            fn into_request(self) -> Result<crate::request::Request, crate::Error> {
                #build
                Ok(request)
            }
        }

        crate::request::call_options!(#builder);

        impl<'a> std::future::IntoFuture for #builder<'a> {
            type Output = Result<crate::ApiResponse<#success>, crate::Error>;
            type IntoFuture = std::pin::Pin<
                Box<dyn std::future::Future<Output = Self::Output> + Send + 'a>,
            >;

            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                let client = self.client;
                crate::client::call(client, self.into_request(), #decoder)
            }
        }
    }
}

/// The function that turns the operation's successful response into what `send` returns:
/// one of the runtime's `decode_*` functions (see `client.rs`).
fn decoder(op: &Operation) -> TokenStream {
    match &op.response.body {
        ResponseBody::Json(_) if op.response.optional => quote!(crate::client::decode_optional),
        ResponseBody::Json(_) => quote!(crate::client::decode_json),
        ResponseBody::Empty => quote!(crate::client::decode_empty),
        ResponseBody::Text => quote!(crate::client::decode_text),
        ResponseBody::Bytes => quote!(crate::client::decode_bytes),
        ResponseBody::ByStatus(name) => {
            let name = ident(name);
            quote! {
                |status, headers, bytes| {
                    crate::client::decode_by_status(status, headers, bytes, types::#name::decode)
                }
            }
        }
    }
}

/// `.pages()` and `.items()` of a paginated list, and the request they start from.
fn paging_methods(pagination: &Pagination, page: &TokenStream) -> TokenStream {
    let items_path: Vec<&str> = pagination
        .items
        .iter()
        .map(|items| items.wire_name.as_str())
        .collect();
    let next = match &pagination.next {
        PageNext::LastItem { param, property } => quote! {
            crate::paginate::Next::LastItem { param: #param, property: #property }
        },
        PageNext::Property { param, path } => quote! {
            crate::paginate::Next::Property { param: #param, path: &[#(#path),*] }
        },
        PageNext::LinkHeader => quote!(crate::paginate::Next::LinkHeader),
    };
    let has_more = match &pagination.has_more {
        Some(path) => quote!(Some(&[#(#path),*])),
        None => quote!(None),
    };
    let backward = match &pagination.backward {
        Some(param) => quote!(Some(#param)),
        None => quote!(None),
    };
    let item = stored_type(&pagination.item);
    let items_of = match &pagination.items {
        None => quote!(std::convert::identity),
        Some(items) => {
            let field = ident(&items.field.rust);
            if items.optional {
                quote!(|page: #page| page.#field.unwrap_or_default())
            } else {
                quote!(|page: #page| page.#field)
            }
        }
    };
    let how = match &pagination.next {
        PageNext::LastItem { param, property } => {
            format!("the next page is asked for with `{param}` set to the `{property}` of the last item")
        }
        PageNext::Property { param, path } => format!(
            "the next page is asked for with `{param}` set to the page's `{}`",
            path.join(".")
        ),
        PageNext::LinkHeader => {
            "the next page is the `rel=\"next\"` link of the `Link` header, followed only while it stays under the client's base URL".to_string()
        }
    };
    let how = match (&pagination.next, &pagination.backward) {
        (PageNext::LastItem { property, .. }, Some(backward)) => format!(
            "{how} (with `{backward}` set here, the walk goes backward: `{backward}` is set to the `{property}` of the first item)"
        ),
        _ => how,
    };
    let size = pagination.page_size.as_ref().map(|size| {
        format!(
            "Set the page size with `.{}(...)`: it is sent with every page (without it, the server's default applies).",
            size.bare
        )
    });
    let pages_doc = doc_paragraphs(&[
        Some(
            "Every page of the list, one request per page, as a stream (`futures_core::Stream`, or `.next().await`) of the responses `send` gives.",
        ),
        Some(&format!(
            "The parameters set here are sent with every page; {how}. Each page goes through the client's pacing, retries and deadline; the stream ends after the last page, or with the first error as its last item."
        )),
        size.as_deref(),
    ]);
    let items_doc = doc_paragraphs(&[
        Some(
            "Every item of the list, page after page, as a stream (`futures_core::Stream`, or `.next().await`; `.collect_all().await` reads them all).",
        ),
        Some(
            "Pages are asked for as the items are read, as [`pages`](Self::pages) does; the stream ends after the last item, or with the first error as its last item.",
        ),
        size.as_deref(),
    ]);
    quote! {
        #pages_doc
        #[inline]
        pub fn pages(self) -> crate::Pages<'a, #page> {
            static PAGING: crate::paginate::Paging = crate::paginate::Paging {
                items: &[#(#items_path),*],
                next: #next,
                has_more: #has_more,
                backward: #backward,
            };
            let client = self.client;
            crate::paginate::Pages::new(client, self.into_request(), &PAGING)
        }

        #items_doc
        #[inline]
        pub fn items(self) -> crate::Items<'a, #page, #item> {
            crate::paginate::Items::new(self.pages(), #items_of)
        }
    }
}
