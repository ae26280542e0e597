//! Paths and operations into resources (one per tag) with typed request builders.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use openapiv3::{
    Operation as SpecOperation, Parameter, ParameterSchemaOrContent, PathItem, QueryStyle,
    ReferenceOr, StatusCode,
};
use serde_json::Value;

use crate::context::{Ctx, child};
use crate::diagnostic::did_you_mean;
use crate::lower::types::{Shape, TypeSpace};
use crate::model::{
    Body, BodyKind, HttpMethod, Operation, Param, ParamStyle, Part, PartKind, PathPart, PathPiece,
    Resource, Response, ResponseBody, Responses, StatusVariant, TypeDef, TypeKind, TypeRef,
};
use crate::naming::{self, Scope};

/// The group of operations that have no tag.
const UNTAGGED: &str = "operations";

/// Names a builder uses for itself; parameters take other names.
const BUILDER_RESERVED: &[&str] = &[
    "client",
    "body",
    "options",
    "send",
    "into_future",
    "max_retries",
    "timeout",
    "deadline",
    "query",
    "header",
];

/// Resource modules the crate defines itself.
/// They are also methods of `Client` (the accessor of a resource has the module's name).
const MODULE_RESERVED: &[&str] = &[
    "api_key",
    "attempt",
    "base_url",
    "builder",
    "client",
    "clone",
    "error",
    "execute",
    "execute_empty",
    "execute_optional",
    "fmt",
    "from_env",
    "headers",
    "lib",
    "main",
    "new",
    "prelude",
    "rate_limit",
    "raw",
    "request",
    "response",
    "retry",
    "send",
    "spec",
    "types",
    "url",
    "webhook",
];

/// The operations of the spec, grouped by tag, sorted by module name.
pub fn lower<'a>(ctx: &mut Ctx<'a>, types: &mut TypeSpace) -> Vec<Resource> {
    let spec = ctx.spec;
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut operation_ids: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut modules = Scope::with_reserved(MODULE_RESERVED);
    let mut module_of_tag: BTreeMap<String, String> = BTreeMap::new();

    for (path, item) in &spec.paths.paths {
        let path_pointer = child("#/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                ctx.error(
                    &path_pointer,
                    format!("path item references (`{reference}`) are not supported yet"),
                );
                continue;
            }
        };
        for (method, http_method, operation) in operations_of(item) {
            let pointer = child(&path_pointer, method);
            let operation_id = match &operation.operation_id {
                Some(id) if !id.trim().is_empty() => id.clone(),
                _ => {
                    let derived = derived_operation_id(method, path);
                    ctx.warn(
                        &pointer,
                        format!(
                            "operation has no `operationId`; it is named `{derived}` from its method and path"
                        ),
                    );
                    derived
                }
            };
            if let Some((previous, first)) = operation_ids.get(&operation_id) {
                let line = ctx
                    .sources
                    .place(previous)
                    .line
                    .map(|line| format!(" at line {line}"))
                    .unwrap_or_default();
                ctx.error(
                    &child(&pointer, "operationId"),
                    format!(
                        "duplicate operationId `{operation_id}`: expected every operation to have its own, but `{first}`{line} already has it"
                    ),
                );
                continue;
            }
            operation_ids.insert(
                operation_id.clone(),
                (pointer.clone(), format!("{method} {path}")),
            );

            let tag = operation
                .tags
                .first()
                .cloned()
                .unwrap_or_else(|| UNTAGGED.to_string());
            let module = match module_of_tag.get(&tag) {
                Some(module) => module.clone(),
                None => {
                    let module = naming::field_name(&tag);
                    let module = match module.strip_prefix("r#") {
                        Some(bare) => format!("{bare}_"),
                        None => module,
                    };
                    let (module, _) = modules.claim(&module);
                    module_of_tag.insert(tag.clone(), module.clone());
                    module
                }
            };
            let group = groups.entry(module.clone()).or_insert_with(|| Group {
                tag: tag.clone(),
                handle: naming::type_name(&tag),
                builders: Scope::default(),
                operations: Vec::new(),
                short_names: Vec::new(),
            });
            if group.operations.is_empty() {
                group.builders.claim(&group.handle.clone());
            }
            let (short_name, method_name) = method_names(&operation_id, &tag);
            let (builder, _) = group.builders.claim(&naming::type_name(&operation_id));
            let lowered = lower_operation(
                ctx,
                types,
                OperationSite {
                    path,
                    item,
                    operation,
                    http_method,
                    pointer: pointer.clone(),
                    operation_id,
                    method_name,
                    builder,
                },
            );
            if let Some(lowered) = lowered {
                group.operations.push(lowered);
                group.short_names.push(short_name);
            }
        }
    }

    groups
        .into_iter()
        .map(|(module, mut group)| {
            assign_method_names(&mut group);
            (module, group)
        })
        .map(|(module, group)| Resource {
            doc: tag_description(ctx, &group.tag),
            tag: group.tag,
            handle: group.handle,
            module,
            operations: group.operations,
        })
        .collect()
}

struct Group {
    tag: String,
    handle: String,
    builders: Scope,
    operations: Vec<Operation>,
    /// Per operation, its method name without the tag's words, if that leaves any.
    short_names: Vec<Option<String>>,
}

/// Gives each operation its short method name where that name is unambiguous in the group
/// (no other operation shortens to it, and it is no other operation's full name), and its
/// full name otherwise: `deleteWidget` and `deleteWidgets` both stay whole rather than one of
/// them becoming `delete` by the accident of spec order.
fn assign_method_names(group: &mut Group) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for short in group.short_names.iter().flatten() {
        *counts.entry(short.as_str()).or_default() += 1;
    }
    let full_names: Vec<String> = group
        .operations
        .iter()
        .map(|op| op.method_name.clone())
        .collect();
    let mut scope = Scope::default();
    for (operation, short) in group.operations.iter_mut().zip(&group.short_names) {
        let preferred = match short {
            Some(short)
                if counts.get(short.as_str()) == Some(&1) && !full_names.contains(short) =>
            {
                short.clone()
            }
            _ => operation.method_name.clone(),
        };
        operation.method_name = scope.claim(&preferred).0;
    }
}

struct OperationSite<'s> {
    path: &'s str,
    item: &'s PathItem,
    operation: &'s SpecOperation,
    http_method: HttpMethod,
    pointer: String,
    operation_id: String,
    method_name: String,
    builder: String,
}

fn operations_of(item: &PathItem) -> Vec<(&'static str, HttpMethod, &SpecOperation)> {
    let all = [
        ("get", HttpMethod::Get, &item.get),
        ("put", HttpMethod::Put, &item.put),
        ("post", HttpMethod::Post, &item.post),
        ("delete", HttpMethod::Delete, &item.delete),
        ("options", HttpMethod::Options, &item.options),
        ("head", HttpMethod::Head, &item.head),
        ("patch", HttpMethod::Patch, &item.patch),
        ("trace", HttpMethod::Trace, &item.trace),
    ];
    all.into_iter()
        .filter_map(|(name, method, op)| op.as_ref().map(|op| (name, method, op)))
        .collect()
}

fn tag_description(ctx: &Ctx<'_>, tag: &str) -> Option<String> {
    ctx.spec
        .tags
        .iter()
        .find(|t| t.name == tag)
        .and_then(|t| t.description.clone())
}

/// `get /emails/{email_id}` -> `get_emails_email_id`.
fn derived_operation_id(method: &str, path: &str) -> String {
    let words: Vec<String> = path
        .split('/')
        .map(|segment| segment.trim_matches(|c| c == '{' || c == '}'))
        .filter(|segment| !segment.is_empty())
        .map(|segment| segment.to_snake_case())
        .collect();
    if words.is_empty() {
        format!("{method}_root")
    } else {
        format!("{method}_{}", words.join("_"))
    }
}

/// The method names an operation may take: the operation id without the words of its tag
/// (`sendEmail` in `Emails` -> `send`), if that leaves any, and the whole id.
fn method_names(operation_id: &str, tag: &str) -> (Option<String>, String) {
    let full = naming::field_name(operation_id);
    let words: Vec<String> = naming::bare(&full).split('_').map(str::to_string).collect();
    let tag_snake = naming::bare(&naming::field_name(tag)).to_string();
    let tag_words: Vec<&str> = tag_snake.split('_').collect();
    let count = tag_words.len();
    if count == 0 || count > words.len() {
        return (None, full);
    }
    for start in 0..=(words.len() - count) {
        let Some(window) = words.get(start..start + count) else {
            continue;
        };
        let matches = window
            .iter()
            .zip(&tag_words)
            .enumerate()
            .all(|(i, (w, t))| {
                let last = i + 1 == count;
                w == t || (last && (naming::singular(w) == naming::singular(t)))
            });
        if matches {
            let rest: Vec<&str> = words
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < start || *i >= start + count)
                .map(|(_, w)| w.as_str())
                .collect();
            let short = (!rest.is_empty()).then(|| naming::field_name(&rest.join("_")));
            return (short, full);
        }
    }
    (None, full)
}

fn lower_operation<'a>(
    ctx: &mut Ctx<'a>,
    types: &mut TypeSpace,
    site: OperationSite<'a>,
) -> Option<Operation> {
    let OperationSite {
        path,
        item,
        operation,
        http_method,
        pointer,
        operation_id,
        method_name,
        builder,
    } = site;
    let pointer = pointer.as_str();
    let errors_before = ctx.diagnostics.len();

    // Parameters: the path item's, overridden by the operation's of the same name and place.
    let mut collected: Vec<(&Parameter, String)> = Vec::new();
    let path_pointer = child("#/paths", path);
    let sources = [
        (&item.parameters, child(&path_pointer, "parameters")),
        (&operation.parameters, child(pointer, "parameters")),
    ];
    for (list, list_pointer) in sources {
        for (index, parameter) in list.iter().enumerate() {
            let at = child(&list_pointer, &index.to_string());
            let Some((parameter, at)) =
                ctx.resolve("parameters", parameter, &at, |c| &c.parameters)
            else {
                continue;
            };
            let data = parameter.parameter_data_ref();
            let same = |(p, _): &(&Parameter, String)| {
                p.parameter_data_ref().name == data.name
                    && std::mem::discriminant(*p) == std::mem::discriminant(parameter)
            };
            collected.retain(|entry| !same(entry));
            collected.push((parameter, at));
        }
    }

    let mut names = Scope::with_reserved(BUILDER_RESERVED);
    let mut path_params = Vec::new();
    let mut query_params = Vec::new();
    let mut header_params = Vec::new();
    let mut idempotency_key = None;
    for (parameter, at) in collected {
        let data = parameter.parameter_data_ref();
        let (name, _) = names.claim(&naming::field_name(&data.name));
        let hint = format!("{builder}{}", naming::type_name(naming::bare(&name)));
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                types.type_of(ctx, schema, &hint, &child(&at, "schema"))
            }
            ParameterSchemaOrContent::Content(_) => {
                ctx.warn(
                    &at,
                    "a parameter described by `content` is sent as a string".to_string(),
                );
                TypeRef::String
            }
        };
        let mut ty = param_type(ty);
        let explode = data.explode.unwrap_or(matches!(
            parameter,
            Parameter::Query { .. } | Parameter::Cookie { .. }
        ));
        let deep = matches!(
            parameter,
            Parameter::Query {
                style: QueryStyle::DeepObject,
                ..
            }
        );
        let delimiter = match parameter {
            Parameter::Query {
                style: QueryStyle::SpaceDelimited,
                ..
            } => ' ',
            Parameter::Query {
                style: QueryStyle::PipeDelimited,
                ..
            } => '|',
            _ => ',',
        };
        let mut style = match types.shape_of(&ty) {
            Shape::Scalar => ParamStyle::Scalar,
            Shape::Array => ParamStyle::Array { explode, delimiter },
            Shape::Object => ParamStyle::Object { deep },
        };
        if types.is_scalar_union(&ty) {
            // One of several plain values: the caller gives its text.
            ty = TypeRef::String;
            style = ParamStyle::Scalar;
        } else if matches!(parameter, Parameter::Path { .. })
            && matches!(style, ParamStyle::Object { .. })
        {
            ctx.warn(
                &at,
                "a path parameter that is an object has no agreed text form: it is taken as a string",
            );
            ty = TypeRef::String;
            style = ParamStyle::Scalar;
        }
        let mut lowered = Param {
            name,
            wire_name: data.name.clone(),
            doc: data.description.clone(),
            ty,
            required: data.required,
            style,
        };
        match parameter {
            Parameter::Path { .. } => {
                lowered.required = true;
                path_params.push(lowered);
            }
            Parameter::Query { style, .. } => {
                let supported = match (style, lowered.style) {
                    (QueryStyle::Form, _) => true,
                    (QueryStyle::DeepObject, ParamStyle::Object { .. }) => true,
                    (
                        QueryStyle::SpaceDelimited | QueryStyle::PipeDelimited,
                        ParamStyle::Array { .. },
                    ) => true,
                    (QueryStyle::SpaceDelimited | QueryStyle::PipeDelimited, _) => false,
                    (QueryStyle::DeepObject, _) => false,
                };
                if !supported {
                    ctx.warn(
                        &at,
                        format!(
                            "query parameter style `{}` is not supported for this type; sent in `form` style",
                            query_style_name(style)
                        ),
                    );
                }
                query_params.push(lowered);
            }
            Parameter::Header { .. } => {
                if is_ignored_header(&data.name) {
                    ctx.warn(
                        &child(&at, "name"),
                        format!(
                            "header parameter `{}` is ignored, as OpenAPI says: the client sets this header itself (authentication comes from `securitySchemes`)",
                            data.name
                        ),
                    );
                    continue;
                }
                if is_reserved_header(&data.name) {
                    let message = format!(
                        "header parameter `{}` is one the client sets itself",
                        data.name
                    );
                    if data.required {
                        ctx.error(
                            &child(&at, "name"),
                            format!("{message}; a required one cannot be honoured, remove it"),
                        );
                    } else {
                        ctx.warn(&child(&at, "name"), format!("{message}: it is left out"));
                    }
                    continue;
                }
                let marked = data
                    .extensions
                    .get("x-idempotency-key")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if marked || data.name.eq_ignore_ascii_case("idempotency-key") {
                    idempotency_key = Some(data.name.clone());
                }
                header_params.push(lowered);
            }
            Parameter::Cookie { .. } => {
                ctx.warn(
                    &at,
                    format!(
                        "cookie parameter `{}` is not supported yet and is left out",
                        data.name
                    ),
                );
            }
        }
    }

    let segments = parse_path(ctx, path, &path_pointer, &path_params);
    let body = request_body(ctx, types, operation, pointer, &builder);
    let response = success_response(ctx, types, operation, pointer, &builder);

    if ctx
        .diagnostics
        .iter()
        .skip(errors_before)
        .any(|d| d.severity == crate::Severity::Error)
    {
        return None;
    }
    Some(Operation {
        method_name,
        builder,
        operation_id,
        summary: operation.summary.clone(),
        description: operation.description.clone(),
        deprecated: operation.deprecated,
        http_method,
        path: segments,
        path_template: path.to_string(),
        path_params,
        query_params,
        header_params,
        body,
        response,
        idempotency_key,
    })
}

/// A parameter's type as the builder takes it: values go into text, so a file is a string
/// and a `null` item is not sent (nor representable).
fn param_type(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::File => TypeRef::String,
        TypeRef::Nullable(inner) => param_type(*inner),
        TypeRef::Vec(inner) => TypeRef::Vec(Box::new(param_type(*inner))),
        other => other,
    }
}

fn query_style_name(style: &QueryStyle) -> &'static str {
    match style {
        QueryStyle::Form => "form",
        QueryStyle::SpaceDelimited => "spaceDelimited",
        QueryStyle::PipeDelimited => "pipeDelimited",
        QueryStyle::DeepObject => "deepObject",
    }
}

/// Headers that OpenAPI says are ignored as header parameters.
fn is_ignored_header(name: &str) -> bool {
    ["accept", "content-type", "authorization"]
        .iter()
        .any(|ignored| name.eq_ignore_ascii_case(ignored))
}

/// Other headers the HTTP client owns.
fn is_reserved_header(name: &str) -> bool {
    ["content-length", "host"]
        .iter()
        .any(|reserved| name.eq_ignore_ascii_case(reserved))
}

/// Splits `/domains/{domain_id}/verify` into segments of literal text and parameters, and
/// checks that every template parameter is declared.
fn parse_path(ctx: &mut Ctx<'_>, path: &str, pointer: &str, params: &[Param]) -> Vec<PathPart> {
    let mut parts = Vec::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let mut pieces = Vec::new();
        let mut rest = segment;
        while !rest.is_empty() {
            match rest.find('{') {
                Some(open) => {
                    if open > 0 {
                        pieces.push(PathPiece::Literal(
                            rest.get(..open).unwrap_or("").to_string(),
                        ));
                    }
                    let after = rest.get(open + 1..).unwrap_or("");
                    let Some(close) = after.find('}') else {
                        ctx.error(pointer, format!("unclosed `{{` in path template `{path}`"));
                        return parts;
                    };
                    let name = after.get(..close).unwrap_or("");
                    match params.iter().find(|p| p.wire_name == name) {
                        Some(param) => pieces.push(PathPiece::Param(param.name.clone())),
                        None => {
                            let hint =
                                did_you_mean(name, params.iter().map(|p| p.wire_name.as_str()));
                            ctx.error(
                                pointer,
                                format!(
                                    "path template parameter `{{{name}}}` has no matching `in: path` parameter{hint}"
                                ),
                            );
                        }
                    }
                    rest = after.get(close + 1..).unwrap_or("");
                }
                None => {
                    pieces.push(PathPiece::Literal(rest.to_string()));
                    rest = "";
                }
            }
        }
        parts.push(PathPart { pieces });
    }
    for param in params {
        if !path.contains(&format!("{{{}}}", param.wire_name)) {
            ctx.warn(
                pointer,
                format!(
                    "path parameter `{}` does not appear in the path template",
                    param.wire_name
                ),
            );
        }
    }
    parts
}

/// The media type without parameters, in lower case (`text/plain; charset=utf-8` ->
/// `text/plain`).
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

fn is_text(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence.starts_with("text/") || essence.ends_with("/xml") || essence.ends_with("+xml")
}

/// How a body of some media type is read or written, in order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Media {
    Json,
    Form,
    Multipart,
    Text,
    Bytes,
}

fn media_of(media_type: &str) -> Media {
    let essence = essence(media_type);
    if is_json(media_type) {
        Media::Json
    } else if essence == "application/x-www-form-urlencoded" {
        Media::Form
    } else if essence == "multipart/form-data" {
        Media::Multipart
    } else if is_text(media_type) {
        Media::Text
    } else {
        Media::Bytes
    }
}

/// The preferred entry of a `content` map (JSON first, raw bytes last; spec order between
/// equals), with how it is read or written.
fn preferred<'c, T>(
    content: &'c indexmap::IndexMap<String, T>,
    allowed: &[Media],
) -> Option<(&'c String, &'c T, Media)> {
    content
        .iter()
        .map(|(media, item)| (media, item, media_of(media)))
        .filter(|(_, _, kind)| allowed.contains(kind))
        .min_by_key(|(_, _, kind)| *kind)
}

/// A concrete media type to send in a header: the spec's, unless it has a wildcard or
/// characters a header cannot carry.
fn concrete(media_type: &str, fallback: &str) -> String {
    let essence = essence(media_type);
    if essence.contains('/') && !essence.contains('*') && is_header_text(&essence) {
        essence
    } else {
        fallback.to_string()
    }
}

fn is_header_text(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

fn request_body<'a>(
    ctx: &mut Ctx<'a>,
    types: &mut TypeSpace,
    operation: &'a SpecOperation,
    pointer: &str,
    builder: &str,
) -> Option<Body> {
    let body = operation.request_body.as_ref()?;
    let at = child(pointer, "requestBody");
    let (body, at) = ctx.resolve("requestBodies", body, &at, |c| &c.request_bodies)?;
    let all = [
        Media::Json,
        Media::Form,
        Media::Multipart,
        Media::Text,
        Media::Bytes,
    ];
    let Some((media, content, kind)) = preferred(&body.content, &all) else {
        ctx.warn(
            &child(&at, "content"),
            "the request body lists no media type: the operation is sent without a body",
        );
        return None;
    };
    let schema_pointer = child(&child(&child(&at, "content"), media), "schema");
    // A shared request body is named after its component, an inline one after the operation.
    let hint = at
        .strip_prefix("#/components/requestBodies/")
        .map(crate::context::unescape_token)
        .unwrap_or_else(|| format!("{builder}Request"));
    let lower = |ctx: &mut Ctx<'a>, types: &mut TypeSpace| match &content.schema {
        Some(schema) => types.type_of(ctx, schema, &hint, &schema_pointer),
        None => TypeRef::Json,
    };
    let (kind, media_type) = match kind {
        Media::Json => (
            BodyKind::Json(lower(ctx, types)),
            concrete(media, "application/json"),
        ),
        Media::Form => (
            BodyKind::Form(lower(ctx, types)),
            "application/x-www-form-urlencoded".to_string(),
        ),
        Media::Multipart => {
            let ty = lower(ctx, types);
            let parts = multipart_parts(types, &ty);
            (
                BodyKind::Multipart { ty, parts },
                "multipart/form-data".to_string(),
            )
        }
        Media::Text => (BodyKind::Text, concrete(media, "text/plain")),
        Media::Bytes => (BodyKind::Bytes, concrete(media, "application/octet-stream")),
    };
    Some(Body {
        kind,
        media_type,
        required: body.required,
        doc: body.description.clone(),
    })
}

/// The parts of a multipart body whose type is a struct: one per field.
fn multipart_parts(types: &TypeSpace, ty: &TypeRef) -> Option<Vec<Part>> {
    let TypeRef::Named(name) = types.resolve_alias(ty) else {
        return None;
    };
    let TypeKind::Struct(s) = &types.get(name)?.kind else {
        return None;
    };
    let mut parts: Vec<Part> = s
        .fields
        .iter()
        .map(|f| Part {
            field: f.name.clone(),
            wire_name: f.wire_name.clone(),
            optional: !f.required || f.nullable,
            kind: match types.resolve_alias(&f.ty) {
                TypeRef::File => PartKind::File,
                TypeRef::Vec(item) if **item == TypeRef::File => PartKind::Files,
                _ => PartKind::Value,
            },
        })
        .collect();
    if let Some((extra, _)) = &s.extra {
        parts.push(Part {
            field: extra.clone(),
            wire_name: String::new(),
            optional: false,
            kind: PartKind::Extra,
        });
    }
    Some(parts)
}

/// Name of the enum variant for a success status.
fn status_variant(status: Option<u16>) -> String {
    match status {
        None => "Success".to_string(),
        Some(200) => "Ok".to_string(),
        Some(201) => "Created".to_string(),
        Some(202) => "Accepted".to_string(),
        Some(203) => "NonAuthoritative".to_string(),
        Some(204) => "NoContent".to_string(),
        Some(205) => "ResetContent".to_string(),
        Some(206) => "PartialContent".to_string(),
        Some(207) => "MultiStatus".to_string(),
        Some(208) => "AlreadyReported".to_string(),
        Some(226) => "ImUsed".to_string(),
        Some(other) => format!("Status{other}"),
    }
}

/// What tells two response bodies apart: how they are read, and for JSON the schema.
type BodyKey<'a> = (Media, Option<&'a ReferenceOr<openapiv3::Schema>>);

/// One success response, before its body is lowered.
struct Success<'a> {
    status: Option<u16>,
    code: String,
    doc: Option<String>,
    media: Option<(
        String,
        Media,
        Option<&'a ReferenceOr<openapiv3::Schema>>,
        String,
    )>,
}

fn success_response<'a>(
    ctx: &mut Ctx<'a>,
    types: &mut TypeSpace,
    operation: &'a SpecOperation,
    pointer: &str,
    builder: &str,
) -> Response {
    let responses_pointer = child(pointer, "responses");
    let mut listed: Vec<(u16, &StatusCode, _)> = operation
        .responses
        .responses
        .iter()
        .filter_map(|(code, response)| match code {
            StatusCode::Code(n) if (200..300).contains(n) => Some((*n, code, response)),
            StatusCode::Range(2) => Some((299, code, response)),
            _ => None,
        })
        .collect();
    listed.sort_by_key(|(n, _, _)| *n);

    let mut successes: Vec<Success<'a>> = Vec::new();
    for (status, code, response) in &listed {
        let at = child(&responses_pointer, &code.to_string());
        let Some((response, at)) = ctx.resolve("responses", response, &at, |c| &c.responses) else {
            continue;
        };
        let media = preferred(&response.content, &[Media::Json, Media::Text, Media::Bytes]).map(
            |(media, content, kind)| {
                let schema_pointer = child(&child(&child(&at, "content"), media), "schema");
                (media.clone(), kind, content.schema.as_ref(), schema_pointer)
            },
        );
        if media.is_none() && !response.content.is_empty() {
            ctx.warn(
                &child(&at, "content"),
                "only multipart and form bodies are listed, which responses are not decoded from; the call returns no body",
            );
        }
        successes.push(Success {
            status: (*status != 299).then_some(*status),
            code: code.to_string(),
            doc: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
            media,
        });
    }

    // Bodies that differ: by kind, and for JSON by schema.
    let mut distinct: Vec<BodyKey<'_>> = Vec::new();
    for success in &successes {
        if let Some((_, kind, schema, _)) = &success.media {
            let key = (*kind, if *kind == Media::Json { *schema } else { None });
            if !distinct.contains(&key) {
                distinct.push(key);
            }
        }
    }

    let accept = {
        let mut media_types: Vec<String> = Vec::new();
        for success in &successes {
            if let Some((media, _, _, _)) = &success.media {
                let media = essence(media);
                if is_header_text(&media) && !media_types.contains(&media) {
                    media_types.push(media);
                }
            }
        }
        (!media_types.is_empty() && media_types != ["application/json"])
            .then(|| media_types.join(", "))
    };
    let status = successes.first().and_then(|s| s.status);
    let doc = successes.first().and_then(|s| s.doc.clone());

    let lower_body = |ctx: &mut Ctx<'a>,
                      types: &mut TypeSpace,
                      media: &Option<(
        String,
        Media,
        Option<&'a ReferenceOr<openapiv3::Schema>>,
        String,
    )>,
                      hint: &str| match media {
        None => ResponseBody::Empty,
        Some((_, Media::Text, _, _)) => ResponseBody::Text,
        Some((_, Media::Json, Some(schema), schema_pointer)) => {
            ResponseBody::Json(types.type_of(ctx, schema, hint, schema_pointer))
        }
        Some((_, Media::Json, None, _)) => ResponseBody::Json(TypeRef::Json),
        Some(_) => ResponseBody::Bytes,
    };

    if distinct.len() <= 1 {
        let first = successes.iter().find(|s| s.media.is_some());
        let body = match first {
            Some(success) => lower_body(ctx, types, &success.media, &format!("{builder}Response")),
            None => ResponseBody::Empty,
        };
        let optional =
            matches!(body, ResponseBody::Json(_)) && successes.iter().any(|s| s.media.is_none());
        return Response {
            status,
            body,
            optional,
            accept,
            doc,
        };
    }

    // Several different bodies: an enum with a variant per status.
    let name = types.claim(&format!("{builder}Response"));
    let mut lowered: Vec<(BodyKey<'_>, ResponseBody)> = Vec::new();
    let mut scope = Scope::with_reserved(&["Other"]);
    let mut variants = Vec::new();
    for success in &successes {
        let body = match &success.media {
            None => ResponseBody::Empty,
            Some((_, kind, schema, _)) => {
                let key = (*kind, if *kind == Media::Json { *schema } else { None });
                match lowered.iter().find(|(k, _)| *k == key) {
                    Some((_, body)) => body.clone(),
                    None => {
                        let hint = format!("{builder}Response{}", success.code);
                        let body = lower_body(ctx, types, &success.media, &hint);
                        lowered.push((key, body.clone()));
                        body
                    }
                }
            }
        };
        variants.push(StatusVariant {
            name: scope.claim(&status_variant(success.status)).0,
            status: success.status,
            doc: success.doc.clone(),
            body,
        });
    }
    let other = variants.iter().all(|v| v.status.is_some());
    types.insert(TypeDef {
        name: name.clone(),
        doc: Some(format!(
            "What a successful `{}` gives back: the body of each success status.",
            operation.operation_id.as_deref().unwrap_or(builder)
        )),
        kind: TypeKind::Responses(Responses { variants, other }),
    });
    Response {
        status,
        body: ResponseBody::ByStatus(name),
        optional: false,
        accept,
        doc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_drop_the_tag() {
        let short = |id: &str, tag: &str| method_names(id, tag).0;
        assert_eq!(short("sendEmail", "Emails").as_deref(), Some("send"));
        assert_eq!(
            short("sendBatchEmails", "Emails").as_deref(),
            Some("send_batch")
        );
        assert_eq!(short("listApiKeys", "API Keys").as_deref(), Some("list"));
        assert_eq!(short("deleteApiKey", "API Keys").as_deref(), Some("delete"));
        assert_eq!(short("emails", "Emails"), None);
        assert_eq!(method_names("emails", "Emails").1, "emails");
    }

    #[test]
    fn ambiguous_short_names_keep_the_whole_id() {
        let op = |id: &str| Operation {
            method_name: naming::field_name(id),
            builder: naming::type_name(id),
            operation_id: id.to_string(),
            summary: None,
            description: None,
            deprecated: false,
            http_method: HttpMethod::Delete,
            path: Vec::new(),
            path_template: String::new(),
            path_params: Vec::new(),
            query_params: Vec::new(),
            header_params: Vec::new(),
            body: None,
            response: Response {
                status: None,
                body: ResponseBody::Empty,
                optional: false,
                accept: None,
                doc: None,
            },
            idempotency_key: None,
        };
        let ids = ["deleteWidgets", "deleteWidget", "getWidget"];
        let mut group = Group {
            tag: "Widgets".to_string(),
            handle: "Widgets".to_string(),
            builders: Scope::default(),
            operations: ids.iter().map(|id| op(id)).collect(),
            short_names: ids.iter().map(|id| method_names(id, "Widgets").0).collect(),
        };
        assign_method_names(&mut group);
        let names: Vec<&str> = group
            .operations
            .iter()
            .map(|o| o.method_name.as_str())
            .collect();
        assert_eq!(names, ["delete_widgets", "delete_widget", "get"]);
    }

    #[test]
    fn derived_ids_are_stable() {
        assert_eq!(
            derived_operation_id("get", "/emails/{email_id}"),
            "get_emails_email_id"
        );
        assert_eq!(derived_operation_id("post", "/"), "post_root");
    }
}
