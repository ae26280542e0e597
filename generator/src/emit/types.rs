//! `src/types.rs`: one Rust type per named schema.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::doc;
use crate::emit::{ident, rust_type};
use crate::model::{Api, Enum, Field, Struct, TypeDef, TypeKind};

pub fn types_rs(api: &Api) -> TokenStream {
    let items = api.types.iter().map(type_def);
    quote! {
        //! The types of request and response bodies and parameters, one per schema of the spec.
        #![allow(clippy::large_enum_variant, clippy::enum_variant_names)]

        #(#items)*
    }
}

fn type_def(def: &TypeDef) -> TokenStream {
    let docs = doc(def.doc.as_deref());
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(s) => structure(docs, &name, s),
        TypeKind::Enum(e) => enumeration(docs, &name, e),
        TypeKind::Alias(ty) => {
            let ty = rust_type(ty, &TokenStream::new());
            quote! {
                #docs
                pub type #name = #ty;
            }
        }
    }
}

fn structure(docs: TokenStream, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let default = s.default.then(|| quote!(Default,));
    let fields = s.fields.iter().map(field);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn field(field: &Field) -> TokenStream {
    let docs = doc(field.doc.as_deref());
    let name = ident(&field.name);
    let mut ty = rust_type(&field.ty, &TokenStream::new());
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    let rename = (crate::naming::bare(&field.name) != field.wire_name).then(|| {
        let wire = &field.wire_name;
        quote!(#[serde(rename = #wire)])
    });
    if field.required && !field.nullable {
        quote! {
            #docs
            #rename
            pub #name: #ty,
        }
    } else if field.required {
        // Always sent, possibly as `null`.
        quote! {
            #docs
            #rename
            pub #name: Option<#ty>,
        }
    } else {
        quote! {
            #docs
            #rename
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub #name: Option<#ty>,
        }
    }
}

fn enumeration(docs: TokenStream, name: &proc_macro2::Ident, e: &Enum) -> TokenStream {
    let variants = e.variants.iter().map(|v| {
        let fallback = format!("`{}`", v.wire.replace('`', "'"));
        let docs = doc(Some(v.doc.as_deref().unwrap_or(&fallback)));
        let variant = ident(&v.name);
        quote! {
            #docs
            #variant,
        }
    });
    let to_wire = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(Self::#variant => #wire,)
    });
    let from_wire = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(#wire => Self::#variant,)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know; the API may have added it.
            Unknown(String),
        }

        impl #name {
            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
    }
}
