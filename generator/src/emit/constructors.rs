//! The constructor and setters of a struct users build (one a request reaches): `new` of
//! its required fields and a `with_` setter per other field, so that a field the API adds
//! later is a new setter, not a broken struct literal (see "Crates that grow" in the README).

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{ident, rust_type};
use crate::model::{Struct, TypeRef};

/// `new` of the required fields (those that are neither optional nor nullable) and a
/// `with_` setter per other field: with the struct `#[non_exhaustive]`, a field the API adds
/// later is a new setter, not a broken struct literal.
pub(super) fn constructor_and_setters(name: &str, s: &Struct) -> TokenStream {
    let ident_name = ident(name);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for f in &s.fields {
        let field = ident(&f.name.rust);
        let (arg_ty, value) = argument(&f.ty, &field);
        let value = if f.boxed {
            quote!(Box::new(#value))
        } else {
            value
        };
        if f.required && !f.nullable {
            args.push(quote!(#field: #arg_ty));
            if field == value.to_string() {
                inits.push(quote!(#field,));
            } else {
                inits.push(quote!(#field: #value,));
            }
            continue;
        }
        inits.push(quote!(#field: None,));
        let setter = ident(&format!("with_{}", f.name.bare));
        // rustdoc cannot link to a raw identifier (`Self::r#type`): name it only.
        let doc = if f.name.rust.starts_with("r#") {
            format!(" Sets `{}`.", f.name.bare)
        } else {
            format!(" Sets [`{}`](Self::{}).", f.name.bare, f.name.rust)
        };
        setters.push(quote! {
            #[doc = #doc]
            #[inline]
            pub fn #setter(mut self, #field: #arg_ty) -> Self {
                self.#field = Some(#value);
                self
            }
        });
    }
    if let Some((extra, _)) = &s.extra {
        let extra = ident(extra);
        inits.push(quote!(#extra: Default::default(),));
    }
    let new_doc = if args.is_empty() {
        " Every field starts unset.".to_string()
    } else {
        " Takes the required fields; every other field starts unset.".to_string()
    };
    quote! {
        impl #ident_name {
            #[doc = #new_doc]
            #[inline]
            pub fn new(#(#args),*) -> Self {
                Self {
                    #(#inits)*
                }
            }

            #(#setters)*
        }
    }
}

/// How a constructor or setter takes a value of `ty`, and the expression that turns the
/// argument `name` into it: text as `impl Into<String>`, the rest as it is.
fn argument(ty: &TypeRef, name: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::String => (quote!(impl Into<String>), quote!(#name.into())),
        other => (rust_type(other, &TokenStream::new()), quote!(#name)),
    }
}
