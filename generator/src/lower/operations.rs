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
    Body, HttpMethod, Operation, Param, ParamStyle, PathPart, PathPiece, Resource, Response,
    TypeRef,
};
use crate::naming::{self, Scope};

/// The group of operations that have no tag.
const UNTAGGED: &str = "operations";

/// Names a builder uses for itself; parameters take other names.
const BUILDER_RESERVED: &[&str] = &["client", "body", "options", "send", "into_future"];

/// Resource modules the crate defines itself.
/// They are also methods of `Client` (the accessor of a resource has the module's name).
const MODULE_RESERVED: &[&str] = &[
    "api_key",
    "base_url",
    "builder",
    "client",
    "clone",
    "error",
    "execute",
    "execute_empty",
    "fmt",
    "from_env",
    "lib",
    "main",
    "new",
    "prelude",
    "raw",
    "request",
    "response",
    "send",
    "spec",
    "types",
    "url",
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
                    .map
                    .locate(previous)
                    .map(|(line, _)| format!(" at line {line}"))
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
        let style = match types.shape_of(&ty) {
            Shape::Scalar => ParamStyle::Scalar,
            Shape::Array => ParamStyle::Array { explode },
            Shape::Object => ParamStyle::Object { deep },
        };
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
                if is_reserved_header(&data.name) {
                    ctx.error(
                        &child(&at, "name"),
                        format!(
                            "header parameter `{}` is one the client sets itself; OpenAPI says such parameters are ignored, remove it",
                            data.name
                        ),
                    );
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
    let Ok(body) = request_body(ctx, types, operation, pointer, &builder) else {
        return None;
    };
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

fn query_style_name(style: &QueryStyle) -> &'static str {
    match style {
        QueryStyle::Form => "form",
        QueryStyle::SpaceDelimited => "spaceDelimited",
        QueryStyle::PipeDelimited => "pipeDelimited",
        QueryStyle::DeepObject => "deepObject",
    }
}

/// Headers that OpenAPI says are ignored as parameters, or that the client owns.
fn is_reserved_header(name: &str) -> bool {
    [
        "accept",
        "content-type",
        "authorization",
        "content-length",
        "host",
    ]
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

fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

fn request_body<'a>(
    ctx: &mut Ctx<'a>,
    types: &mut TypeSpace,
    operation: &'a SpecOperation,
    pointer: &str,
    builder: &str,
) -> Result<Option<Body>, Skipped> {
    let Some(body) = operation.request_body.as_ref() else {
        return Ok(None);
    };
    let at = child(pointer, "requestBody");
    let Some((body, at)) = ctx.resolve("requestBodies", body, &at, |c| &c.request_bodies) else {
        return Ok(None);
    };
    let json = body.content.iter().find(|(media, _)| is_json(media));
    let Some((media, content)) = json else {
        let kinds: Vec<&str> = body.content.keys().map(String::as_str).collect();
        ctx.warn(
            &child(&at, "content"),
            format!(
                "request bodies of type {} are not supported yet (only JSON): the operation is left out of the client",
                kinds.join(", ")
            ),
        );
        return Err(Skipped);
    };
    let schema_pointer = child(&child(&child(&at, "content"), media), "schema");
    // A shared request body is named after its component, an inline one after the operation.
    let hint = at
        .strip_prefix("#/components/requestBodies/")
        .map(crate::context::unescape_token)
        .unwrap_or_else(|| format!("{builder}Request"));
    let ty = match &content.schema {
        Some(schema) => types.type_of(ctx, schema, &hint, &schema_pointer),
        None => TypeRef::Json,
    };
    let media_type = media
        .split(';')
        .next()
        .map(str::trim)
        .filter(|m| m.contains('/') && !m.contains('*'))
        .unwrap_or("application/json")
        .to_ascii_lowercase();
    Ok(Some(Body {
        ty,
        media_type,
        required: body.required,
        doc: body.description.clone(),
    }))
}

/// The operation cannot be generated; a warning says why.
struct Skipped;

fn success_response<'a>(
    ctx: &mut Ctx<'a>,
    types: &mut TypeSpace,
    operation: &'a SpecOperation,
    pointer: &str,
    builder: &str,
) -> Response {
    let responses_pointer = child(pointer, "responses");
    let mut successes: Vec<(u16, &StatusCode, _)> = operation
        .responses
        .responses
        .iter()
        .filter_map(|(code, response)| match code {
            StatusCode::Code(n) if (200..300).contains(n) => Some((*n, code, response)),
            StatusCode::Range(2) => Some((299, code, response)),
            _ => None,
        })
        .collect();
    successes.sort_by_key(|(n, _, _)| *n);

    // The body type of each success response: `None` where it has no JSON body.
    let mut bodies: Vec<(String, Option<TypeRef>)> = Vec::new();
    let mut doc = None;
    for (index, (status, code, response)) in successes.iter().enumerate() {
        let at = child(&responses_pointer, &code.to_string());
        let Some((response, at)) = ctx.resolve("responses", response, &at, |c| &c.responses) else {
            continue;
        };
        if index == 0 {
            doc = Some(response.description.clone()).filter(|d| !d.trim().is_empty());
        }
        let hint = if index == 0 {
            format!("{builder}Response")
        } else {
            format!("{builder}Response{status}")
        };
        let json = response.content.iter().find(|(media, _)| is_json(media));
        let ty = match json {
            Some((media, content)) => match &content.schema {
                Some(schema) => {
                    let schema_pointer = child(&child(&child(&at, "content"), media), "schema");
                    Some(types.type_of(ctx, schema, &hint, &schema_pointer))
                }
                None => Some(TypeRef::Json),
            },
            None => {
                if !response.content.is_empty() {
                    ctx.warn(
                        &child(&at, "content"),
                        "non-JSON response bodies are not decoded yet; the call returns no body",
                    );
                }
                None
            }
        };
        bodies.push((code.to_string(), ty));
    }

    let mut distinct: Vec<&TypeRef> = bodies.iter().filter_map(|(_, ty)| ty.as_ref()).collect();
    distinct.sort();
    distinct.dedup();
    let ty = match distinct.as_slice() {
        [] => None,
        [only] => Some((*only).clone()),
        _ => {
            let codes: Vec<&str> = bodies.iter().map(|(code, _)| code.as_str()).collect();
            ctx.warn(
                &responses_pointer,
                format!(
                    "the success responses {} have different bodies; the call returns the body as a JSON value",
                    codes.join(", ")
                ),
            );
            Some(TypeRef::Json)
        }
    };
    let optional = ty.is_some() && bodies.iter().any(|(_, ty)| ty.is_none());
    Response {
        status: successes
            .first()
            .map(|(status, _, _)| *status)
            .filter(|status| *status != 299),
        ty,
        optional,
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
                ty: None,
                optional: false,
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
