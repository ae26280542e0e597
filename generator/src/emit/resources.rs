//! `src/<resource>.rs`: a handle per tag (`client.emails()`) with one method per operation,
//! each returning a request builder that is sent by awaiting it.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::{doc, doc_paragraphs};
use crate::emit::{ident, rust_type};
use crate::model::{Operation, Param, PathPiece, Resource, TypeRef};

pub fn resource_rs(resource: &Resource) -> TokenStream {
    let handle = ident(&resource.handle);
    let accessor = ident(&resource.module);
    let handle_doc = doc_paragraphs(&[
        resource.doc.as_deref(),
        Some(&format!(
            "Reached through [`Client::{}`].",
            crate::naming::bare(&resource.module)
        )),
    ]);
    let accessor_doc = doc_paragraphs(&[resource.doc.as_deref()]);
    let methods = resource.operations.iter().map(handle_method);
    let builders = resource.operations.iter().map(builder);
    let module_doc = format!(
        "Operations tagged `{}`: [`Client::{}`] and the request builders it hands out.",
        resource.tag,
        crate::naming::bare(&resource.module)
    );
    let module_doc = module_doc.lines().map(|line| {
        let line = format!(" {line}");
        quote!(#![doc = #line])
    });
    quote! {
        #(#module_doc)*
        #![allow(clippy::too_many_arguments, clippy::should_implement_trait)]

        use std::future::{Future, IntoFuture};
        use std::pin::Pin;

        use reqwest::Method;

        use crate::client::Client;
        use crate::error::Error;
        use crate::request::Request;
        use crate::response::ApiResponse;
        #[allow(unused_imports)]
        use crate::types;

        impl Client {
            #accessor_doc
            pub fn #accessor(&self) -> #handle<'_> {
                #handle { client: self }
            }
        }

        #handle_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'a> {
            client: &'a Client,
        }

        impl<'a> #handle<'a> {
            #(#methods)*
        }

        #(#builders)*
    }
}

fn types_prefix() -> TokenStream {
    quote!(types::)
}

/// How a parameter is taken by a method and stored in the builder.
fn stored_type(ty: &TypeRef) -> TokenStream {
    rust_type(ty, &types_prefix())
}

fn argument_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(impl Into<String>),
        other => stored_type(other),
    }
}

fn conversion(param: &Param) -> TokenStream {
    let name = ident(&param.name);
    match param.ty {
        TypeRef::String => quote!(#name.into()),
        _ => quote!(#name),
    }
}

fn success_type(op: &Operation) -> TokenStream {
    match &op.response.ty {
        Some(ty) => stored_type(ty),
        None => quote!(()),
    }
}

fn required_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.path_params.iter().chain(
        op.query_params
            .iter()
            .chain(&op.header_params)
            .filter(|p| p.required),
    )
}

fn optional_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.query_params
        .iter()
        .chain(&op.header_params)
        .filter(|p| !p.required)
}

fn operation_doc(op: &Operation) -> TokenStream {
    let request_line = format!("`{} {}`", op.http_method.as_upper(), op.path_template);
    let deprecated = op
        .deprecated
        .then_some("**Deprecated** by the API: avoid in new code.");
    doc_paragraphs(&[
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(&request_line),
        deprecated,
    ])
}

fn handle_method(op: &Operation) -> TokenStream {
    let docs = operation_doc(op);
    let method = ident(&op.method_name);
    let builder = ident(&op.builder);
    let mut arguments = Vec::new();
    let mut fields = vec![quote!(client: self.client,)];
    for param in required_params(op) {
        let name = ident(&param.name);
        let ty = argument_type(&param.ty);
        arguments.push(quote!(#name: #ty));
        let value = conversion(param);
        fields.push(quote!(#name: #value,));
    }
    if let Some(body) = &op.body {
        let ty = stored_type(&body.ty);
        if body.required {
            arguments.push(quote!(body: &'a #ty));
            fields.push(quote!(body,));
        } else {
            fields.push(quote!(body: None,));
        }
    }
    for param in optional_params(op) {
        let name = ident(&param.name);
        fields.push(quote!(#name: None,));
    }
    quote! {
        #docs
        pub fn #method(&self, #(#arguments),*) -> #builder<'a> {
            #builder { #(#fields)* }
        }
    }
}

fn builder(op: &Operation) -> TokenStream {
    let builder = ident(&op.builder);
    let success = success_type(op);
    let builder_doc = format!(
        "The request of `{}` (`{} {}`). Set optional parameters with its methods, then `.await` it.",
        op.operation_id,
        op.http_method.as_upper(),
        op.path_template
    );

    let builder_doc = doc(Some(&builder_doc));
    let mut fields = vec![quote!(client: &'a Client,)];
    for param in required_params(op) {
        let name = ident(&param.name);
        let ty = stored_type(&param.ty);
        fields.push(quote!(#name: #ty,));
    }
    if let Some(body) = &op.body {
        let ty = stored_type(&body.ty);
        fields.push(if body.required {
            quote!(body: &'a #ty,)
        } else {
            quote!(body: Option<&'a #ty>,)
        });
    }
    let mut setters = Vec::new();
    for param in optional_params(op) {
        let name = ident(&param.name);
        let ty = stored_type(&param.ty);
        fields.push(quote!(#name: Option<#ty>,));
        let docs = doc(param.doc.as_deref());
        let (argument, value) = match param.ty {
            TypeRef::String => (quote!(impl Into<String>), quote!(value.into())),
            _ => (ty.clone(), quote!(value)),
        };
        setters.push(quote! {
            #docs
            pub fn #name(mut self, value: #argument) -> Self {
                self.#name = Some(#value);
                self
            }
        });
    }
    if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
        let ty = stored_type(&body.ty);
        let docs = doc(body.doc.as_deref());
        setters.push(quote! {
            #docs
            pub fn body(mut self, body: &'a #ty) -> Self {
                self.body = Some(body);
                self
            }
        });
    }

    let send_body = send_body(op);
    let send_doc = format!(
        "Sends the request. Awaiting the builder does the same.{}",
        op.response
            .doc
            .as_deref()
            .map(|d| format!("\n\nOn success: {}", d.trim()))
            .unwrap_or_default()
    );
    let send_doc = doc(Some(&send_doc));
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
            pub async fn send(self) -> Result<ApiResponse<#success>, Error> {
                #send_body
            }
        }

        impl<'a> IntoFuture for #builder<'a> {
            type Output = Result<ApiResponse<#success>, Error>;
            type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}

fn send_body(op: &Operation) -> TokenStream {
    let method = ident(op.http_method.as_upper());
    let segments = op.path.iter().map(|part| {
        let mut format = String::new();
        let mut args = Vec::new();
        for piece in &part.pieces {
            match piece {
                PathPiece::Literal(text) => {
                    format.push_str(&text.replace('{', "{{").replace('}', "}}"))
                }
                PathPiece::Param(name) => {
                    format.push_str("{}");
                    let name = ident(name);
                    args.push(quote!(self.#name));
                }
            }
        }
        match (part.pieces.as_slice(), args.as_slice()) {
            ([PathPiece::Literal(text)], []) => quote!(#text.to_string()),
            ([PathPiece::Param(_)], [arg]) => quote!(#arg.to_string()),
            _ => quote!(format!(#format, #(#args),*)),
        }
    });
    let mut statements = Vec::new();
    for param in &op.query_params {
        statements.push(param_statement(param, true));
    }
    for param in &op.header_params {
        statements.push(param_statement(param, false));
    }
    if let Some(body) = &op.body {
        statements.push(if body.required {
            quote!(request.json(self.body)?;)
        } else {
            quote! {
                if let Some(body) = self.body {
                    request.json(body)?;
                }
            }
        });
    }
    let execute = if op.response.ty.is_some() {
        quote!(self.client.execute(request).await)
    } else {
        quote!(self.client.execute_empty(request).await)
    };
    let mutability = (!statements.is_empty()).then(|| quote!(mut));
    quote! {
        let #mutability request = Request::new(Method::#method, vec![#(#segments),*]);
        #(#statements)*
        #execute
    }
}

fn param_statement(param: &Param, query: bool) -> TokenStream {
    let name = ident(&param.name);
    let wire = &param.wire_name;
    let explode = param.explode;
    let add = |value: TokenStream| -> TokenStream {
        match (&param.ty, query) {
            (TypeRef::Vec(_), true) => quote!(request.query_list(#wire, #value, #explode);),
            (TypeRef::Vec(_), false) => quote! {
                let joined: Vec<String> = #value.iter().map(ToString::to_string).collect();
                request.header(#wire, joined.join(","));
            },
            (_, true) => quote!(request.query(#wire, #value);),
            (_, false) => quote!(request.header(#wire, #value);),
        }
    };
    if param.required {
        let statement = add(quote!(&self.#name));
        quote!(#statement)
    } else {
        let statement = add(quote!(value));
        quote! {
            if let Some(value) = &self.#name {
                #statement
            }
        }
    }
}
