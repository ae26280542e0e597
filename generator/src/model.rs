//! The intermediate model: plain data lowered from the spec, sorted and named, with no token
//! streams. Emission reads only this.

/// A Rust identifier as the code spells it (`r#type`) and bare (`type`), as text about
/// the code (README examples, docs, wire-name comparisons) writes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name {
    pub rust: String,
    pub bare: String,
}

impl Name {
    /// The name of a Rust spelling, raw (`r#type`) or not.
    pub fn new(rust: impl Into<String>) -> Self {
        let rust = rust.into();
        let bare = crate::naming::bare(&rust).to_string();
        Name { rust, bare }
    }
}

/// Everything the emitter needs to know about one API.
#[derive(Debug, Clone)]
pub struct Api {
    pub crate_name: String,
    pub crate_version: String,
    pub title: String,
    pub description: Option<String>,
    pub api_version: String,
    pub base_url: Option<String>,
    pub base_url_env: Option<String>,
    /// Every server the spec names, in its order.
    pub servers: Vec<Server>,
    pub auth: Auth,
    pub rate_limit: Option<RateLimit>,
    pub errors: Option<ErrorModel>,
    /// Statuses whose responses the spec marks `x-retryable: true`: worth retrying when the
    /// body carries no known code.
    pub retryable_statuses: Vec<u16>,
    /// Named types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Operation groups, sorted by module name.
    pub resources: Vec<Resource>,
    /// Example programs from `x-codeSamples` with `lang: Rust`, sorted by file stem.
    pub examples: Vec<Example>,
    /// The events the API sends to webhooks (`webhooks` or `x-webhooks`), when it
    /// describes any with an event type.
    pub events: Option<Events>,
    /// Some of the spec's prose has square brackets that are not web links (`data[0]`, a
    /// link to an item of another crate), which rustdoc would take for links it cannot
    /// resolve.
    pub prose_has_brackets: bool,
}

/// A server the spec names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// The URL with every variable at its default.
    pub url: String,
    /// The URL as the spec writes it, `{variables}` included.
    pub template: String,
    pub description: Option<String>,
}

/// How requests are authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    /// `Authorization: Bearer <key>`.
    Bearer {
        env: Option<String>,
    },
    /// The key in a request header of its own.
    ApiKeyHeader {
        header: String,
        env: Option<String>,
    },
}

/// The default request rate the spec declares (`x-rate-limit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window_seconds: u32,
}

/// How the API reports errors in response bodies.
#[derive(Debug, Clone)]
pub struct ErrorModel {
    /// The type of error bodies.
    pub body: String,
    /// Wire name of the property that holds the machine-readable code.
    pub code_property: Option<String>,
    /// Wire name of the property that holds the human-readable message.
    pub message_property: Option<String>,
    /// The enum of codes, when the spec gives one.
    pub code_type: Option<String>,
    /// Wire values of the codes worth retrying.
    pub retryable_codes: Vec<String>,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub doc: Option<String>,
    pub kind: TypeKind,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum with a catch-all variant for values this client does not know.
    Enum(Enum),
    /// An integer enum with a catch-all variant for values this client does not know.
    IntEnum(IntEnum),
    /// One of several schemas (`oneOf`/`anyOf`): tagged by a property when the spec gives a
    /// `discriminator`, else tried in order.
    OneOf(OneOf),
    /// The bodies of an operation whose success statuses have different bodies, one variant
    /// per status.
    Responses(Responses),
    /// A name for another type (`type Name = ...;`).
    Alias(TypeRef),
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// `additionalProperties` beside the properties: the other properties, kept in a map
    /// (`#[serde(flatten)]`) under this field name, with this value type.
    pub extra: Option<(String, TypeRef)>,
    /// Every field has a `Default`, so the struct derives it.
    pub default: bool,
    /// A request body or parameter leads to the type: users build values of it, so it has
    /// a constructor of its required fields and a setter per other field.
    pub built: bool,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: Name,
    pub wire_name: String,
    pub doc: Option<String>,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// The field's type leads back to the struct that holds it: box it.
    pub boxed: bool,
    /// The spec's `default`, as the Rust expression of a value of the field's type, when it
    /// has one that can be written so (scalars and known enum values).
    pub default: Option<DefaultValue>,
    /// The function that gives `default` (`default_settings_mode`), set whenever `default`
    /// is; unique in the crate.
    pub default_fn: Option<String>,
}

/// A field's default value.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    Bool(bool),
    Integer(i64),
    Number(f64),
    String(String),
    /// A variant of a string or integer enum: the enum's name and the variant's.
    Variant(String, String),
}

#[derive(Debug, Clone)]
pub struct Enum {
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub wire: String,
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct IntEnum {
    pub variants: Vec<IntVariant>,
}

#[derive(Debug, Clone)]
pub struct IntVariant {
    pub name: String,
    pub value: i64,
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct OneOf {
    /// The property that names the variant (`discriminator.propertyName`); `None`: untagged.
    pub tag: Option<String>,
    pub variants: Vec<OneOfVariant>,
}

#[derive(Debug, Clone)]
pub struct OneOfVariant {
    pub name: String,
    pub ty: TypeRef,
    pub doc: Option<String>,
    /// Tag values that select this variant, the one it is written with first.
    pub tags: Vec<String>,
    /// The variant's type leads back to the enum: box it.
    pub boxed: bool,
}

#[derive(Debug, Clone)]
pub struct Responses {
    pub variants: Vec<StatusVariant>,
    /// No `2XX` range is listed: a status the spec does not name lands in an `Other` variant
    /// with the raw body.
    pub other: bool,
}

#[derive(Debug, Clone)]
pub struct StatusVariant {
    pub name: String,
    /// `None`: the `2XX` range, which takes every status not listed.
    pub status: Option<u16>,
    pub doc: Option<String>,
    pub body: ResponseBody,
}

/// A type as used in a field, parameter or body.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    String,
    Integer(IntWidth),
    Number,
    Boolean,
    /// Any JSON value.
    Json,
    /// `format: binary`: bytes with an optional file name and media type (`crate::File`).
    File,
    Named(String),
    Vec(Box<TypeRef>),
    /// A JSON object with string keys.
    Map(Box<TypeRef>),
    /// A value that may be `null` (an item or map value whose schema is nullable).
    Nullable(Box<TypeRef>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IntWidth {
    I32,
    I64,
    U32,
    U64,
}

/// Operations that share a tag: one module, one handle (`client.emails()`).
#[derive(Debug, Clone)]
pub struct Resource {
    /// The spec's tag.
    pub tag: String,
    /// Module and accessor name (`emails`).
    pub module: Name,
    /// Handle type (`Emails`).
    pub handle: String,
    pub doc: Option<String>,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone)]
pub struct Operation {
    /// Method on the resource handle (`send`).
    pub method_name: Name,
    /// Request builder type (`SendEmail`).
    pub builder: String,
    pub operation_id: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub http_method: HttpMethod,
    /// The path template split into literal text and parameters.
    pub path: Vec<PathPart>,
    pub path_template: String,
    pub path_params: Vec<Param>,
    pub query_params: Vec<Param>,
    pub header_params: Vec<Param>,
    pub body: Option<Body>,
    pub response: Response,
    /// Name of the header parameter that carries an idempotency key, if any.
    pub idempotency_key: Option<String>,
    /// How the pages of a list link up, when the operation is a paginated list.
    pub pagination: Option<Pagination>,
}

/// A paginated list (`x-pagination`, `x-dropshot-pagination`): where a page keeps its items
/// and where the next page's position comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The page's property that holds the items (wire name); `None`: the page is the list.
    pub items: Option<ItemsField>,
    /// The type of one item.
    pub item: TypeRef,
    pub next: PageNext,
    /// Property path (wire names) of the boolean that says more pages follow.
    pub has_more: Option<Vec<String>>,
    /// The builder method that sets the page size, when the operation takes one.
    pub page_size: Option<Name>,
    /// The query parameter (wire name) of a backward cursor, set to the first item's
    /// property: with [`PageNext::LastItem`] only.
    pub backward: Option<String>,
}

/// The field of the page type that holds the items.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemsField {
    pub wire_name: String,
    pub field: Name,
    /// The field is an `Option` (not required, or nullable).
    pub optional: bool,
}

/// Where the next page's position comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum PageNext {
    /// A property of the last item, sent as the query parameter `param` (wire names).
    LastItem { param: String, property: String },
    /// A property of the page (a path of wire names), sent as the query parameter `param`.
    Property { param: String, path: Vec<String> },
    /// The `rel="next"` link of the `Link` header.
    LinkHeader,
}

impl Operation {
    /// The parameters the handle's method takes as arguments, in order: every path
    /// parameter, then the required query and header parameters.
    pub fn required_params(&self) -> impl Iterator<Item = &Param> {
        self.path_params.iter().chain(
            self.query_params
                .iter()
                .chain(&self.header_params)
                .filter(|p| p.required),
        )
    }

    /// The parameters the builder sets with methods of their own: the optional query and
    /// header parameters.
    pub fn optional_params(&self) -> impl Iterator<Item = &Param> {
        self.query_params
            .iter()
            .chain(&self.header_params)
            .filter(|p| !p.required)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    pub fn as_upper(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

/// One segment of a path: a sequence of literal text and parameter pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPart {
    pub pieces: Vec<PathPiece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPiece {
    Literal(String),
    /// Rust name of the parameter.
    Param(String),
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: Name,
    pub wire_name: String,
    pub doc: Option<String>,
    pub ty: TypeRef,
    pub required: bool,
    pub style: ParamStyle,
}

/// How a parameter's value is written into the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// One value, written with `Display`.
    Scalar,
    /// A list: the name repeated per value (`explode`) or the values joined by `delimiter`
    /// (`,` for `form`, ` ` for `spaceDelimited`, `|` for `pipeDelimited`).
    Array { explode: bool, delimiter: char },
    /// An object: one pair per property, or `name[property]` pairs (`deep`).
    Object { deep: bool },
}

#[derive(Debug, Clone)]
pub struct Body {
    pub kind: BodyKind,
    /// The media type the body is sent as (for multipart, without the boundary).
    pub media_type: String,
    pub required: bool,
    pub doc: Option<String>,
}

/// How a request body is encoded.
#[derive(Debug, Clone)]
pub enum BodyKind {
    /// JSON (`application/json` or a `+json` type).
    Json(TypeRef),
    /// `application/x-www-form-urlencoded`: the value's properties as `name=value` pairs.
    Form(TypeRef),
    /// `multipart/form-data`: one part per property. `parts` lists the properties when the
    /// type is a struct; otherwise every property of the serialized value is a text part.
    Multipart {
        ty: TypeRef,
        parts: Option<Vec<Part>>,
    },
    /// Text (`text/plain` and the like), given as a `String`.
    Text,
    /// Raw bytes (`application/octet-stream`, images, ...), given as `bytes::Bytes`.
    Bytes,
}

/// One property of a multipart body.
#[derive(Debug, Clone)]
pub struct Part {
    /// Rust field name in the body struct.
    pub field: String,
    pub wire_name: String,
    /// The field is an `Option`.
    pub optional: bool,
    pub kind: PartKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// A `crate::File`: a file part.
    File,
    /// A list of files: one file part each.
    Files,
    /// Anything else: text, or JSON for objects (a list gives one part per item).
    Value,
    /// The map of extra properties: one part per entry.
    Extra,
}

/// What a successful call gives back.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: Option<u16>,
    pub body: ResponseBody,
    /// Some success responses have the body and some have none: decode it when present
    /// (JSON bodies only).
    pub optional: bool,
    /// The `Accept` header to send, when it is not `application/json`.
    pub accept: Option<String>,
    pub doc: Option<String>,
}

/// The body of a successful response.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// No body to decode.
    Empty,
    Json(TypeRef),
    /// Text, decoded as UTF-8 (invalid sequences replaced).
    Text,
    /// Raw bytes.
    Bytes,
    /// Different bodies per status: the named enum of [`TypeKind::Responses`].
    ByStatus(String),
}

/// The webhook events: one enum, a variant per event type, tagged by a property of the body.
#[derive(Debug, Clone)]
pub struct Events {
    /// The module that holds the enum (`webhook_events`, numbered if a resource has that name).
    pub module: String,
    /// The body property that holds the event type.
    pub tag: String,
    /// One per event type, in spec order; their types are named types of `types`.
    pub variants: Vec<OneOfVariant>,
    /// The spec declares a signature scheme the runtime's `Webhook` checks
    /// (`x-webhook-signature: standard-webhooks`): give it a method that decodes events.
    pub verify: bool,
}

#[derive(Debug, Clone)]
pub struct Example {
    /// File stem under `examples/`.
    pub name: String,
    pub source: String,
}

#[cfg(test)]
mod tests {
    use super::Name;

    #[test]
    fn a_name_knows_its_bare_spelling() {
        let raw = Name::new("r#type");
        assert_eq!((raw.rust.as_str(), raw.bare.as_str()), ("r#type", "type"));
        let plain = Name::new("send");
        assert_eq!((plain.rust.as_str(), plain.bare.as_str()), ("send", "send"));
    }
}
