//! The statements that put an operation's request together from its builder: the path's
//! segments, the query and header parameters in their styles, and the body in its media
//! type. `resources.rs` wraps them into `send` and the paging methods.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::ident;
use crate::model::{Body, BodyKind, Operation, Param, ParamStyle, PartKind, PathPiece, TypeRef};

/// The statements that build the operation's request from the builder, into `request`.
pub(super) fn build_request(op: &Operation) -> TokenStream {
    let method = ident(op.http_method.as_upper());
    let segments = op.path.iter().map(|part| {
        let mut format = String::new();
        let mut args = Vec::new();
        let mut joined = false;
        for piece in &part.pieces {
            match piece {
                PathPiece::Literal(text) => {
                    format.push_str(&text.replace('{', "{{").replace('}', "}}"))
                }
                PathPiece::Param(name) => {
                    format.push_str("{}");
                    let array = op.path_params.iter().any(|p| {
                        &p.name.rust == name && matches!(p.style, ParamStyle::Array { .. })
                    });
                    let name = ident(name);
                    args.push(if array {
                        // `simple` style: the values joined by commas, in a local of the
                        // parameter's name (see `joins` below).
                        joined = true;
                        quote!(#name)
                    } else {
                        quote!(self.#name)
                    });
                }
            }
        }
        match (part.pieces.as_slice(), args.as_slice()) {
            ([PathPiece::Literal(text)], []) => quote!(#text.to_string()),
            ([PathPiece::Param(_)], [arg]) if joined => quote!(#arg),
            ([PathPiece::Param(_)], [arg]) => quote!(#arg.to_string()),
            _ => quote!(format!(#format, #(#args),*)),
        }
    });
    let joins = op
        .path_params
        .iter()
        .filter(|p| matches!(p.style, ParamStyle::Array { .. }))
        .map(|p| {
            let name = ident(&p.name.rust);
            quote!(let #name = crate::request::joined(&self.#name, ",");)
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
            encode_body(body, &quote!(self.body))
        } else {
            let encode = encode_body(body, &quote!(body));
            quote! {
                if let Some(body) = self.body {
                    #encode
                }
            }
        });
    }
    if let Some(header) = &op.idempotency_key {
        let header = header.to_ascii_lowercase();
        statements.push(quote!(request.idempotency_header(#header);));
    }
    statements.push(quote!(request.options = self.options;));
    if let Some(accept) = &op.response.accept {
        statements.push(quote!(request.accept(#accept);));
    }
    quote! {
        #(#joins)*
        let mut request = crate::request::Request::new(
            reqwest::Method::#method,
            vec![#(#segments),*],
        );
        #(#statements)*
    }
}

/// The statements that put the body (`value`: the builder's, unwrapped) into `request`.
fn encode_body(body: &Body, value: &TokenStream) -> TokenStream {
    let media_type = &body.media_type;
    match &body.kind {
        BodyKind::Json(_) => quote!(request.json(#value, #media_type)?;),
        BodyKind::Form(_) => quote!(request.form(#value)?;),
        BodyKind::Text => quote!(request.text(#value, #media_type);),
        BodyKind::Bytes => quote!(request.bytes(#value, #media_type);),
        BodyKind::Multipart { parts: None, .. } => quote! {
            let mut form = crate::request::Multipart::new();
            form.object(#value)?;
            request.multipart(form);
        },
        BodyKind::Multipart {
            parts: Some(parts), ..
        } => {
            let parts = parts.iter().map(|part| {
                let field = ident(&part.field);
                let wire = &part.wire_name;
                let add = |value: TokenStream| match part.kind {
                    PartKind::File => quote!(form.file(#wire, #value);),
                    PartKind::Files => quote! {
                        for file in #value {
                            form.file(#wire, file);
                        }
                    },
                    PartKind::Value => quote!(form.value(#wire, #value)?;),
                    PartKind::Extra => quote! {
                        for (name, value) in #value {
                            form.value(name, value)?;
                        }
                    },
                };
                if part.optional {
                    let statement = add(quote!(value));
                    quote! {
                        if let Some(value) = &#value.#field {
                            #statement
                        }
                    }
                } else {
                    add(quote!(&#value.#field))
                }
            });
            quote! {
                let mut form = crate::request::Multipart::new();
                #(#parts)*
                request.multipart(form);
            }
        }
    }
}

fn param_statement(param: &Param, query: bool) -> TokenStream {
    let name = ident(&param.name.rust);
    let wire = if query {
        param.wire_name.clone()
    } else {
        // Header names travel in lower case (HTTP/2 requires it; HTTP/1 does not care).
        param.wire_name.to_ascii_lowercase()
    };
    let add = |value: TokenStream| -> TokenStream {
        match (param.style, query) {
            (ParamStyle::Array { explode, delimiter }, true) => {
                if delimiter == ',' || explode {
                    quote!(request.query_list(#wire, #value, #explode);)
                } else {
                    let delimiter = delimiter.to_string();
                    quote!(request.query_joined(#wire, #value, #delimiter);)
                }
            }
            (ParamStyle::Object { deep }, true) => {
                quote!(request.query_object(#wire, #value, #deep)?;)
            }
            (ParamStyle::Array { .. }, false) => quote! {
                let joined: Vec<String> = #value.iter().map(ToString::to_string).collect();
                request.header(#wire, joined.join(","));
            },
            (ParamStyle::Object { .. }, false) => quote! {
                let text = serde_json::to_string(#value)
                    .map_err(|source| crate::Error::Encode { source })?;
                request.header(#wire, text);
            },
            (ParamStyle::Scalar, true) => quote!(request.query(#wire, #value);),
            (ParamStyle::Scalar, false) => quote!(request.header(#wire, #value);),
        }
    };
    if param.required {
        // A number or a boolean is passed by value: borrowing a `Copy` value for an
        // `impl Display` argument is a clippy warning in the generated crate.
        let copy = matches!(param.style, ParamStyle::Scalar)
            && matches!(
                param.ty,
                TypeRef::Integer(_) | TypeRef::Number | TypeRef::Boolean
            );
        if copy {
            add(quote!(self.#name))
        } else {
            add(quote!(&self.#name))
        }
    } else {
        let statement = add(quote!(value));
        quote! {
            if let Some(value) = &self.#name {
                #statement
            }
        }
    }
}
