//! The public API of a generated crate, in API terms: what `api-surface.json` beside the
//! crate records, so that the next run can say what a spec edit does to the crate's users
//! (see [`review`](crate::review)).
//!
//! It lists what a user's code can name: operations (the handle method, its arguments, the
//! builder's setters, what a call returns), types (fields with their Rust types, the
//! constructor's arguments, derived `Default`, enum values, alternatives), webhook events
//! and the client's constructors. Maps are sorted, one entry per line once written, so a
//! one-field edit changes one line of the file.

mod compare;
mod report;
mod version;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{
    Api, Auth, BodyKind, IntWidth, Operation, ResponseBody, Struct, TypeKind, TypeRef,
};

pub use compare::{Change, Level};
pub use report::ChangeReport;

/// The file the surface is written to, beside `Cargo.toml`.
pub const FILE: &str = "api-surface.json";

/// The version of the file's layout; a file of another version is not compared.
const FORMAT: u32 = 1;

/// The public API of one generated crate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Surface {
    /// Says where the file comes from (JSON has no comments).
    pub generated: String,
    pub format: u32,
    #[serde(rename = "crate")]
    pub crate_name: String,
    pub version: String,
    pub client: ClientSurface,
    /// By `module.method` (`emails.send`).
    pub operations: BTreeMap<String, OperationSurface>,
    /// By Rust type name.
    pub types: BTreeMap<String, TypeSurface>,
    /// The webhook event enum's variants and their types, when the API sends events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<BTreeMap<String, String>>,
}

/// The client's constructors and the behaviour the spec configures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientSurface {
    /// `Client` constructors other than the builder: `new(api_key: impl Into<String>)`, ...
    pub constructors: Vec<String>,
    pub base_url: Option<String>,
    pub auth: String,
    pub rate_limit: Option<String>,
    /// The enum of error codes, when the spec gives one.
    pub error_codes: Option<String>,
    pub retryable_codes: Vec<String>,
    pub retryable_statuses: Vec<u16>,
}

/// One operation: `client.<module>().<method>(arguments)`, then builder setters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationSurface {
    /// `POST /emails`.
    pub http: String,
    /// The request builder type the method returns.
    pub builder: String,
    /// The method's arguments in order: `name: Type`.
    pub arguments: Vec<String>,
    /// The builder's setters for optional parameters (and an optional body), by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    /// What a successful call gives.
    pub returns: String,
    /// The item type of `pages()`/`items()`, when the operation is a paginated list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
}

/// One named type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeSurface {
    Struct {
        /// Field name to `Type`, with ` as "wire"` when the JSON name differs.
        fields: BTreeMap<String, String>,
        /// The arguments of `new` (`name: Type`), for types a request reaches; `None`:
        /// the type has no constructor (users only read it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new: Option<Vec<String>>,
        /// The type implements `Default`.
        default: bool,
    },
    /// A string enum: variant to the value on the wire.
    Enum {
        values: BTreeMap<String, String>,
    },
    /// An integer enum: variant to value.
    IntEnum {
        values: BTreeMap<String, i64>,
    },
    /// `oneOf`/`anyOf`: variant to its type.
    Union {
        variants: BTreeMap<String, String>,
    },
    /// Bodies by status: variant to body.
    Responses {
        variants: BTreeMap<String, String>,
    },
    Alias {
        target: String,
    },
}

impl TypeSurface {
    fn kind(&self) -> &'static str {
        match self {
            TypeSurface::Struct { .. } => "struct",
            TypeSurface::Enum { .. } => "string enum",
            TypeSurface::IntEnum { .. } => "integer enum",
            TypeSurface::Union { .. } => "enum of alternatives",
            TypeSurface::Responses { .. } => "enum of responses",
            TypeSurface::Alias { .. } => "type alias",
        }
    }
}

impl Surface {
    /// The surface of the crate emitted from `api`. `generated` says which command and spec
    /// made the file.
    pub fn of(api: &Api, generated: String) -> Surface {
        let operations = api
            .resources
            .iter()
            .flat_map(|r| {
                r.operations
                    .iter()
                    .map(move |op| (format!("{}.{}", r.module.bare, op.method_name.bare), op))
            })
            .map(|(key, op)| (key, operation(op)))
            .collect();
        let types = api
            .types
            .iter()
            .map(|def| (def.name.clone(), type_surface(&def.kind)))
            .collect();
        let events = api.events.as_ref().map(|events| {
            events
                .variants
                .iter()
                .map(|v| (v.name.clone(), type_text(&v.ty)))
                .collect()
        });
        Surface {
            generated,
            format: FORMAT,
            crate_name: api.crate_name.clone(),
            version: api.crate_version.clone(),
            client: client(api),
            operations,
            types,
            events,
        }
    }

    /// The file's text: pretty JSON, keys sorted, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a file written by [`Surface::to_json`].
    pub fn from_json(text: &str) -> Result<Surface, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let format = value.get("format").and_then(serde_json::Value::as_u64);
        if format != Some(u64::from(FORMAT)) {
            return Err(format!(
                "layout version {} where this generator reads {FORMAT}",
                format.map_or_else(|| "missing".to_string(), |f| f.to_string())
            ));
        }
        serde_json::from_value(value).map_err(|e| e.to_string())
    }
}

fn client(api: &Api) -> ClientSurface {
    let (constructors, auth, env) = match &api.auth {
        Auth::None => (vec!["new()".to_string()], "none".to_string(), None),
        Auth::Bearer { env } => (
            vec!["new(api_key: String)".to_string()],
            "bearer".to_string(),
            env.as_deref(),
        ),
        Auth::ApiKeyHeader { header, env } => (
            vec!["new(api_key: String)".to_string()],
            format!("API key in header {header}"),
            env.as_deref(),
        ),
    };
    let mut constructors = constructors;
    if env.is_some() {
        constructors.push("from_env()".to_string());
    }
    let errors = api.errors.as_ref();
    ClientSurface {
        constructors,
        base_url: api.base_url.clone(),
        auth,
        rate_limit: api
            .rate_limit
            .map(|r| format!("{} per {} s", r.requests, r.window_seconds)),
        error_codes: errors.and_then(|e| e.code_type.clone()),
        retryable_codes: errors
            .map(|e| e.retryable_codes.clone())
            .unwrap_or_default(),
        retryable_statuses: api.retryable_statuses.clone(),
    }
}

fn operation(op: &Operation) -> OperationSurface {
    let mut arguments: Vec<String> = op
        .required_params()
        .map(|p| format!("{}: {}", p.name.bare, type_text(&p.ty)))
        .collect();
    let mut options: BTreeMap<String, String> = op
        .optional_params()
        .map(|p| (p.name.bare.clone(), type_text(&p.ty)))
        .collect();
    if let Some(body) = &op.body {
        let ty = match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) | BodyKind::Multipart { ty, .. } => {
                format!("&{}", type_text(ty))
            }
            BodyKind::Text => "String".to_string(),
            BodyKind::Bytes => "Bytes".to_string(),
        };
        if body.required {
            arguments.push(format!("body: {ty}"));
        } else {
            options.insert("body".to_string(), ty);
        }
    }
    let returns = match &op.response.body {
        ResponseBody::Json(ty) if op.response.optional => format!("Option<{}>", type_text(ty)),
        body => body_text(body),
    };
    OperationSurface {
        http: format!("{} {}", op.http_method.as_upper(), op.path_template),
        builder: op.builder.clone(),
        arguments,
        options,
        returns,
        pages: op.pagination.as_ref().map(|p| type_text(&p.item)),
        deprecated: op.deprecated,
    }
}

fn type_surface(kind: &TypeKind) -> TypeSurface {
    match kind {
        TypeKind::Struct(s) => structure(s),
        TypeKind::Enum(e) => TypeSurface::Enum {
            values: e
                .variants
                .iter()
                .map(|v| (v.name.clone(), v.wire.clone()))
                .collect(),
        },
        TypeKind::IntEnum(e) => TypeSurface::IntEnum {
            values: e
                .variants
                .iter()
                .map(|v| (v.name.clone(), v.value))
                .collect(),
        },
        TypeKind::OneOf(o) => TypeSurface::Union {
            variants: o
                .variants
                .iter()
                .map(|v| {
                    let ty = type_text(&v.ty);
                    (
                        v.name.clone(),
                        if v.boxed { format!("Box<{ty}>") } else { ty },
                    )
                })
                .collect(),
        },
        TypeKind::Responses(r) => TypeSurface::Responses {
            variants: r
                .variants
                .iter()
                .map(|v| (v.name.clone(), body_text(&v.body)))
                .chain(r.other.then(|| ("Other".to_string(), "Bytes".to_string())))
                .collect(),
        },
        TypeKind::Alias(ty) => TypeSurface::Alias {
            target: type_text(ty),
        },
    }
}

fn structure(s: &Struct) -> TypeSurface {
    let mut fields = BTreeMap::new();
    let mut new = Vec::new();
    for f in &s.fields {
        let mut ty = type_text(&f.ty);
        if f.boxed {
            ty = format!("Box<{ty}>");
        }
        if f.required && !f.nullable {
            new.push(format!("{}: {ty}", f.name.bare));
        } else {
            ty = format!("Option<{ty}>");
        }
        if f.name.bare != f.wire_name {
            ty = format!("{ty} as {:?}", f.wire_name);
        }
        fields.insert(f.name.bare.clone(), ty);
    }
    if let Some((extra, ty)) = &s.extra {
        fields.insert(
            extra.clone(),
            format!("BTreeMap<String, {}> (other properties)", type_text(ty)),
        );
    }
    TypeSurface::Struct {
        fields,
        new: s.built.then_some(new),
        default: s.default,
    }
}

/// The Rust type a successful response body is decoded into.
fn body_text(body: &ResponseBody) -> String {
    match body {
        ResponseBody::Json(ty) => type_text(ty),
        ResponseBody::Empty => "()".to_string(),
        ResponseBody::Text => "String".to_string(),
        ResponseBody::Bytes => "Bytes".to_string(),
        ResponseBody::ByStatus(name) => name.clone(),
    }
}

/// A type as Rust code names it, without module paths.
pub(crate) fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_string(),
        TypeRef::Integer(IntWidth::I32) => "i32".to_string(),
        TypeRef::Integer(IntWidth::I64) => "i64".to_string(),
        TypeRef::Integer(IntWidth::U32) => "u32".to_string(),
        TypeRef::Integer(IntWidth::U64) => "u64".to_string(),
        TypeRef::Number => "f64".to_string(),
        TypeRef::Boolean => "bool".to_string(),
        TypeRef::Json => "serde_json::Value".to_string(),
        TypeRef::File => "File".to_string(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Vec(inner) => format!("Vec<{}>", type_text(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", type_text(inner)),
        TypeRef::Nullable(inner) => format!("Option<{}>", type_text(inner)),
    }
}
