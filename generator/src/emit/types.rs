//! `src/types.rs`: one Rust type per named schema.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::emit::docs::{doc, doc_paragraphs};
use crate::emit::{RustFile, ident, rust_type};
use crate::model::{
    Api, DefaultValue, Enum, Field, IntEnum, OneOf, ResponseBody, Responses, Struct, TypeDef,
    TypeKind,
};

pub fn types_rs(api: &Api) -> RustFile<'_> {
    RustFile {
        path: "src/types.rs".to_string(),
        head: Box::new(|| {
            quote! {
                //! The types of request and response bodies and parameters, one per schema of the spec.
                #![allow(
                    clippy::large_enum_variant,
                    clippy::enum_variant_names,
                    clippy::too_many_arguments,
                    clippy::new_without_default
                )]
            }
        }),
        pieces: api.types.len(),
        piece: Box::new(|index| api.types.get(index).map(type_def).unwrap_or_default()),
    }
}

fn type_def(def: &TypeDef) -> TokenStream {
    let docs = doc(def.doc.as_deref());
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(s) => structure(docs, &def.name, s),
        TypeKind::Enum(e) => enumeration(docs, &name, e),
        TypeKind::IntEnum(e) => int_enumeration(docs, &name, e),
        TypeKind::OneOf(o) => {
            let note = match &o.tag {
                Some(tag) => format!("The property `{tag}` says which alternative a value is."),
                None => "Decoding tries the alternatives in the order listed and takes the first that fits.".to_string(),
            };
            let docs = doc_paragraphs(&[def.doc.as_deref(), Some(&note)]);
            if o.tag.is_some() {
                tagged(docs, &name, o, "")
            } else {
                untagged(docs, &name, o)
            }
        }
        TypeKind::Responses(r) => responses(docs, &name, r),
        TypeKind::Alias(ty) => {
            let ty = rust_type(ty, &TokenStream::new());
            quote! {
                #docs
                pub type #name = #ty;
            }
        }
    }
}

fn structure(docs: TokenStream, name: &str, s: &Struct) -> TokenStream {
    let ident_name = ident(name);
    // The functions that give the spec's defaults, by field.
    let default_fns: Vec<Option<(proc_macro2::Ident, TokenStream)>> = s
        .fields
        .iter()
        .map(|f| {
            let value = f.default.as_ref()?;
            let fn_ident = ident(f.default_fn.as_deref()?);
            let ty = rust_type(&f.ty, &TokenStream::new());
            let value = default_value(value);
            let item = quote! {
                fn #fn_ident() -> #ty {
                    #value
                }
            };
            Some((fn_ident, item))
        })
        .collect();
    let manual_default = s.default && default_fns.iter().any(Option::is_some);
    let derive_default = (s.default && !manual_default).then(|| quote!(Default,));
    // A struct without further properties reads through `decode::object!`, which compiles to a
    // fraction of what `derive(Deserialize)` does; one that collects them (`flatten`) derives,
    // and so does one without fields (an intersection of objects can give one), which has
    // nothing to read.
    let derived = s.extra.is_some() || s.fields.is_empty();
    let mut fields: Vec<TokenStream> = s
        .fields
        .iter()
        .zip(&default_fns)
        .map(|(f, d)| {
            let default_fn = d.as_ref().map(|(fn_ident, _)| fn_ident.to_string());
            field(f, default_fn, derived)
        })
        .collect();
    if let Some((extra, ty)) = &s.extra {
        let extra = ident(extra);
        let ty = rust_type(ty, &TokenStream::new());
        fields.push(quote! {
            /// Properties other than those above (the schema's `additionalProperties`).
            #[serde(flatten)]
            pub #extra: std::collections::BTreeMap<String, #ty>,
        });
    }
    let default_impl = manual_default.then(|| {
        let mut inits: Vec<TokenStream> = s
            .fields
            .iter()
            .zip(&default_fns)
            .map(|(f, d)| {
                let field = ident(&f.name.rust);
                match d {
                    Some((fn_ident, _)) => quote!(#field: #fn_ident(),),
                    None => quote!(#field: Default::default(),),
                }
            })
            .collect();
        if let Some((extra, _)) = &s.extra {
            let extra = ident(extra);
            inits.push(quote!(#extra: Default::default(),));
        }
        quote! {
            impl Default for #ident_name {
                /// Every field at the spec's default, or empty.
                fn default() -> Self {
                    Self {
                        #(#inits)*
                    }
                }
            }
        }
    });
    let fns = default_fns.iter().flatten().map(|(_, item)| item);
    let builders = s
        .built
        .then(|| super::constructors::constructor_and_setters(name, s));
    let (derive_deserialize, object) = if derived {
        (Some(quote!(serde::Deserialize)), None)
    } else {
        (None, Some(object(&ident_name, s, &default_fns)))
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_default serde::Serialize, #derive_deserialize)]
        #[non_exhaustive]
        pub struct #ident_name {
            #(#fields)*
        }

        #object

        #builders

        #default_impl

        #(#fns)*
    }
}

/// The struct's `Deserialize` through the runtime's `decode::object!`: each field with its
/// property's name and what its absence means.
fn object(
    name: &proc_macro2::Ident,
    s: &Struct,
    default_fns: &[Option<(proc_macro2::Ident, TokenStream)>],
) -> TokenStream {
    let fields = s.fields.iter().zip(default_fns).map(|(f, d)| {
        let field = ident(&f.name.rust);
        let wire = &f.wire_name;
        if f.required && !f.nullable {
            match d {
                // `self::`: a field's slot (a local of the same name) cannot hide it.
                Some((fn_ident, _)) => quote!(#field: or_else(#wire, self::#fn_ident),),
                None => quote!(#field: required(#wire),),
            }
        } else {
            quote!(#field: optional(#wire),)
        }
    });
    quote! {
        crate::decode::object!(#name {
            #(#fields)*
        });
    }
}

fn default_value(value: &DefaultValue) -> TokenStream {
    match value {
        DefaultValue::Bool(flag) => quote!(#flag),
        DefaultValue::Integer(n) => {
            let literal = Literal::u64_unsuffixed(n.unsigned_abs());
            if *n < 0 {
                quote!(-#literal)
            } else {
                quote!(#literal)
            }
        }
        DefaultValue::Number(n) => {
            let literal = Literal::f64_unsuffixed(n.abs());
            if *n < 0.0 {
                quote!(-#literal)
            } else {
                quote!(#literal)
            }
        }
        DefaultValue::String(text) => quote!(#text.to_string()),
        DefaultValue::Variant(ty, variant) => {
            let ty = ident(ty);
            let variant = ident(variant);
            quote!(#ty::#variant)
        }
    }
}

/// A struct's field. `derived`: its `Deserialize` is derived, and the field carries what
/// reading needs (its default); else only what writing needs.
fn field(field: &Field, default_fn: Option<String>, derived: bool) -> TokenStream {
    let docs = doc(field.doc.as_deref());
    let name = ident(&field.name.rust);
    let mut ty = rust_type(&field.ty, &TokenStream::new());
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    let rename = (field.name.bare.as_str() != field.wire_name).then(|| {
        let wire = &field.wire_name;
        quote!(#[serde(rename = #wire)])
    });
    if field.required && !field.nullable {
        let default = default_fn
            .filter(|_| derived)
            .map(|f| quote!(#[serde(default = #f)]));
        quote! {
            #docs
            #rename
            #default
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
        let default = derived.then(|| quote!(default,));
        quote! {
            #docs
            #rename
            #[serde(#default skip_serializing_if = "Option::is_none")]
            pub #name: Option<#ty>,
        }
    }
}

const UNKNOWN_DOC: &str =
    " A value this version of the client does not know; the API may have added it.";

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
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #UNKNOWN_DOC]
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

        crate::enums::string_enum!(#name);
    }
}

/// An integer literal, with its sign as a separate token (as Rust parses it).
fn int_literal(value: i64) -> TokenStream {
    let literal = Literal::u64_unsuffixed(value.unsigned_abs());
    if value < 0 {
        quote!(-#literal)
    } else {
        quote!(#literal)
    }
}

fn int_enumeration(docs: TokenStream, name: &proc_macro2::Ident, e: &IntEnum) -> TokenStream {
    let variants = e.variants.iter().map(|v| {
        let fallback = format!("`{}`", v.value);
        let docs = doc(Some(v.doc.as_deref().unwrap_or(&fallback)));
        let variant = ident(&v.name);
        quote! {
            #docs
            #variant,
        }
    });
    let to_wire = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = int_literal(v.value);
        quote!(Self::#variant => #value,)
    });
    let from_wire = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = int_literal(v.value);
        quote!(#value => Self::#variant,)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #UNKNOWN_DOC]
            Unknown(i64),
        }

        impl #name {
            /// The value as the API sends it.
            pub fn value(self) -> i64 {
                match self {
                    #(#to_wire)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::Unknown(other),
                }
            }
        }

        impl From<#name> for i64 {
            fn from(value: #name) -> Self {
                value.value()
            }
        }

        crate::enums::int_enum!(#name);
    }
}

/// The docs of an alternative: the spec's, else what it holds. `module` is where named types
/// live, as a path prefix (`crate::types::`), or empty inside `types.rs`.
fn variant_doc(o: &OneOf, index: usize, module: &str) -> TokenStream {
    let Some(v) = o.variants.get(index) else {
        return TokenStream::new();
    };
    let holds = match &v.ty {
        crate::model::TypeRef::Named(name) if module.is_empty() => format!("A [`{name}`]."),
        crate::model::TypeRef::Named(name) => format!("A [`{name}`]({module}{name})."),
        other => format!(
            "A value of type `{}`.",
            rust_type(other, &TokenStream::new())
                .to_string()
                .replace(' ', "")
                .replace(',', ", ")
                .replace("std::collections::", "")
        ),
    };
    let tagged = match (&o.tag, v.tags.as_slice()) {
        (Some(tag), [first, rest @ ..]) => {
            let mut values = vec![format!("`{first}`")];
            values.extend(rest.iter().map(|t| format!("`{t}`")));
            Some(format!("Its `{tag}` is {}.", values.join(" or ")))
        }
        _ => None,
    };
    doc_paragraphs(&[Some(v.doc.as_deref().unwrap_or(&holds)), tagged.as_deref()])
}

fn variant_type(v: &crate::model::OneOfVariant, prefix: &TokenStream) -> TokenStream {
    let ty = rust_type(&v.ty, prefix);
    if v.boxed { quote!(Box<#ty>) } else { ty }
}

fn untagged(docs: TokenStream, name: &proc_macro2::Ident, o: &OneOf) -> TokenStream {
    let variants = o.variants.iter().enumerate().map(|(index, v)| {
        let docs = variant_doc(o, index, "");
        let variant = ident(&v.name);
        let ty = variant_type(v, &TokenStream::new());
        quote! {
            #docs
            #variant(#ty),
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// A tagged enum of alternatives with hand-written serde impls. `module` is the path of the
/// module the variants' named types live in (`crate::types::`), empty inside it.
pub(super) fn tagged(
    docs: TokenStream,
    name: &proc_macro2::Ident,
    o: &OneOf,
    module: &str,
) -> TokenStream {
    let tag = o.tag.as_deref().unwrap_or_default();
    let prefix: TokenStream = module.parse().unwrap_or_default();
    let variants = o.variants.iter().enumerate().map(|(index, v)| {
        let docs = variant_doc(o, index, module);
        let variant = ident(&v.name);
        let ty = variant_type(v, &prefix);
        quote! {
            #docs
            #variant(#ty),
        }
    });
    let unknown_doc = format!(
        " A value whose `{tag}` this version of the client does not know (or that has none), as received."
    );
    let to_value = o.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let first = v.tags.first().map(String::as_str).unwrap_or_default();
        let known = &v.tags;
        quote!(Self::#variant(value) => (serde_json::to_value(value), #first, &[#(#known),*][..]),)
    });
    let from_value = o.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let known = &v.tags;
        quote! {
            Some(#(#known)|*) => serde_json::from_value(value)
                .map(Self::#variant)
                .map_err(serde::de::Error::custom),
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            Unknown(serde_json::Value),
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let (value, tag, known) = match self {
                    #(#to_value)*
                    Self::Unknown(value) => return serde::Serialize::serialize(value, serializer),
                };
                let mut value = value.map_err(serde::ser::Error::custom)?;
                if let serde_json::Value::Object(map) = &mut value {
                    // The variant says which tag the value has, unless it holds one of its own.
                    let tagged = map
                        .get(#tag)
                        .and_then(serde_json::Value::as_str)
                        .is_some_and(|present| known.contains(&present));
                    if !tagged {
                        map.insert(#tag.to_string(), serde_json::Value::from(tag));
                    }
                }
                serde::Serialize::serialize(&value, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let tag = value
                    .get(#tag)
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_string);
                match tag.as_deref() {
                    #(#from_value)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    }
}

fn responses(docs: TokenStream, name: &proc_macro2::Ident, r: &Responses) -> TokenStream {
    let variants = r.variants.iter().map(|v| {
        let status = match v.status {
            Some(status) => format!("`{status}`"),
            None => "Any other success status (`2XX`)".to_string(),
        };
        let text = match v.doc.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => format!("{status}: {d}"),
            None => format!("{status}."),
        };
        let docs = doc(Some(&text));
        let variant = ident(&v.name);
        let payload = match &v.body {
            ResponseBody::Empty | ResponseBody::ByStatus(_) => TokenStream::new(),
            ResponseBody::Json(ty) => {
                let ty = rust_type(ty, &TokenStream::new());
                quote!((#ty))
            }
            ResponseBody::Text => quote!((String)),
            ResponseBody::Bytes => quote!((bytes::Bytes)),
        };
        quote! {
            #docs
            #variant #payload,
        }
    });
    let arm = |v: &crate::model::StatusVariant| {
        let variant = ident(&v.name);
        match &v.body {
            ResponseBody::Empty | ResponseBody::ByStatus(_) => quote!(Ok(Self::#variant)),
            ResponseBody::Json(_) => quote!(serde_json::from_slice(&body).map(Self::#variant)),
            ResponseBody::Text => {
                quote!(Ok(Self::#variant(String::from_utf8_lossy(&body).into_owned())))
            }
            ResponseBody::Bytes => quote!(Ok(Self::#variant(body))),
        }
    };
    let arms = r.variants.iter().filter_map(|v| {
        let status = Literal::u16_unsuffixed(v.status?);
        let value = arm(v);
        Some(quote!(#status => #value,))
    });
    let fallback = match r.variants.iter().find(|v| v.status.is_none()) {
        Some(range) => arm(range),
        None => quote!(Ok(Self::Other(body))),
    };
    let other = r.other.then(|| {
        quote! {
            /// A success status the spec does not list, with the body as received.
            Other(bytes::Bytes),
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #other
        }

        impl #name {
            /// Decodes a successful response's body by its status.
            #[inline]
            pub(crate) fn decode(
                status: reqwest::StatusCode,
                body: bytes::Bytes,
            ) -> Result<Self, serde_json::Error> {
                match status.as_u16() {
                    #(#arms)*
                    _ => #fallback,
                }
            }
        }
    }
}
