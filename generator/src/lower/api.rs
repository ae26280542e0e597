//! API-wide facts: servers, authentication, the default rate, the error model, examples,
//! the crate's name. All of it comes from the spec (standard fields and `x-` extensions).

use openapiv3::{ReferenceOr, SecurityScheme, StatusCode};
use serde_json::Value;

use crate::Options;
use crate::context::{Ctx, ext_str};
use crate::lower::types::TypeSpace;
use crate::model::{
    Api, Auth, ErrorModel, Example, RateLimit, Resource, Server, TypeDef, TypeKind, TypeRef,
};
use crate::naming;
use crate::pointer::{self, child};

/// How many references a chain of shared responses may take before it counts as a cycle.
const MAX_CHAIN: usize = 31;

pub fn assemble(
    ctx: &mut Ctx<'_>,
    options: &Options,
    types: Vec<TypeDef>,
    resources: Vec<Resource>,
    errors: Option<ErrorModel>,
) -> Api {
    let spec = ctx.spec;
    let crate_name = options
        .crate_name
        .clone()
        .or_else(|| ext_str(&spec.info.extensions, "x-crate-name").map(str::to_string))
        .unwrap_or_else(|| format!("{}-client", slug(&spec.info.title)));
    if !valid_crate_name(&crate_name) {
        ctx.error(
            "#/info",
            format!(
                "`{crate_name}` is not a valid crate name: use ASCII letters, digits, `-` and `_`, starting with a letter"
            ),
        );
    }
    let crate_version = ext_str(&spec.info.extensions, "x-crate-version")
        .unwrap_or("0.1.0")
        .to_string();
    let servers = servers(ctx);
    let (base_url, base_url_env) = base_url(ctx, &servers);
    Api {
        crate_name,
        crate_version,
        title: spec.info.title.clone(),
        description: spec.info.description.clone(),
        api_version: spec.info.version.clone(),
        base_url,
        base_url_env,
        servers,
        auth: auth(ctx),
        rate_limit: rate_limit(ctx),
        errors,
        retryable_statuses: retryable_statuses(ctx),
        types,
        examples: examples(ctx),
        events: None,
        resources,
        prose_has_brackets: prose_has_brackets(ctx.raw, 0),
    }
}

/// Whether a `description`, `summary` or `x-enum-descriptions` text anywhere in the
/// document has square brackets other than a Markdown link to a web address.
fn prose_has_brackets(value: &serde_json::Value, depth: usize) -> bool {
    use serde_json::Value;
    match value {
        _ if depth > 256 => false,
        Value::Object(map) => map.iter().any(|(key, value)| {
            let prose = matches!(key.as_str(), "description" | "summary")
                && value.as_str().is_some_and(has_non_link_brackets);
            let enum_prose = key == "x-enum-descriptions"
                && match value {
                    Value::Object(texts) => texts
                        .values()
                        .any(|t| t.as_str().is_some_and(has_non_link_brackets)),
                    Value::Array(texts) => texts
                        .iter()
                        .any(|t| t.as_str().is_some_and(has_non_link_brackets)),
                    _ => false,
                };
            prose || enum_prose || prose_has_brackets(value, depth + 1)
        }),
        Value::Array(items) => items.iter().any(|item| prose_has_brackets(item, depth + 1)),
        _ => false,
    }
}

/// `[text](https://...)`, `(http://`, `(mailto:` and `(#anchor)` links are fine; any other
/// `[` is not.
fn has_non_link_brackets(text: &str) -> bool {
    text.match_indices('[').any(|(at, _)| {
        let rest = text.get(at..).unwrap_or_default();
        let Some(close) = rest.find(']') else {
            return true;
        };
        let after = rest.get(close + 1..).unwrap_or_default();
        !["(http://", "(https://", "(mailto:", "(#"]
            .iter()
            .any(|target| after.starts_with(target))
    })
}

fn slug(title: &str) -> String {
    let slug = naming::bare(&naming::field_name(title)).replace('_', "-");
    if slug.is_empty() {
        "api".to_string()
    } else {
        slug
    }
}

fn valid_crate_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Every server of the spec, its variables at their defaults.
fn servers(ctx: &Ctx<'_>) -> Vec<Server> {
    ctx.spec
        .servers
        .iter()
        .map(|server| {
            let mut url = server.url.clone();
            for (name, variable) in server.variables.iter().flatten() {
                url = url.replace(&format!("{{{name}}}"), &variable.default);
            }
            Server {
                url,
                template: server.url.clone(),
                description: server.description.clone(),
            }
        })
        .collect()
}

/// The default base URL (the first server, when it is absolute) and the environment
/// variable that may override it (`x-env`).
fn base_url(ctx: &mut Ctx<'_>, servers: &[Server]) -> (Option<String>, Option<String>) {
    let Some(Server { url, .. }) = servers.first() else {
        ctx.warn(
            "#",
            "the spec names no `servers`: callers must give the base URL themselves",
        );
        return (None, None);
    };
    let env = ctx
        .spec
        .servers
        .first()
        .and_then(|server| ext_str(&server.extensions, "x-env"))
        .map(str::to_string);
    if url.contains('{') {
        ctx.error(
            "#/servers/0/url",
            format!("server URL `{url}` has a variable with no default"),
        );
    } else if !url.contains("://") {
        ctx.warn(
            "#/servers/0/url",
            format!(
                "server URL `{url}` is relative; the client needs an absolute base URL at run time"
            ),
        );
        return (None, env);
    }
    (Some(url.clone()), env)
}

/// The security scheme of the first global requirement.
fn auth(ctx: &mut Ctx<'_>) -> Auth {
    let spec = ctx.spec;
    let requirement = spec
        .security
        .as_ref()
        .and_then(|list| list.first())
        .and_then(|req| req.keys().next());
    let Some(name) = requirement else {
        return Auth::None;
    };
    let pointer = child("#/components/securitySchemes", name);
    let scheme = spec
        .components
        .as_ref()
        .and_then(|c| c.security_schemes.get(name));
    let scheme = match scheme {
        Some(ReferenceOr::Item(scheme)) => scheme,
        Some(ReferenceOr::Reference { reference }) => {
            ctx.error(
                &pointer,
                format!("security scheme references (`{reference}`) are not supported"),
            );
            return Auth::None;
        }
        None => {
            ctx.error(
                "#/security/0",
                format!("security requirement names `{name}`, which is not in components.securitySchemes"),
            );
            return Auth::None;
        }
    };
    match scheme {
        SecurityScheme::HTTP {
            scheme, extensions, ..
        } if scheme.eq_ignore_ascii_case("bearer") => Auth::Bearer {
            env: ext_str(extensions, "x-env").map(str::to_string),
        },
        SecurityScheme::APIKey {
            location: openapiv3::APIKeyLocation::Header,
            name,
            extensions,
            ..
        } => Auth::ApiKeyHeader {
            header: name.clone(),
            env: ext_str(extensions, "x-env").map(str::to_string),
        },
        _ => {
            ctx.warn(
                &pointer,
                "only http bearer and header API-key schemes are supported; requests are sent without credentials",
            );
            Auth::None
        }
    }
}

/// `x-rate-limit: {requests: N, window-seconds: S}` at the root.
fn rate_limit(ctx: &mut Ctx<'_>) -> Option<RateLimit> {
    let value = ctx.spec.extensions.get("x-rate-limit")?;
    let number = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0)
    };
    match (number("requests"), number("window-seconds")) {
        (Some(requests), Some(window_seconds)) => Some(RateLimit {
            requests,
            window_seconds,
        }),
        _ => {
            ctx.error(
                "#/x-rate-limit",
                "`x-rate-limit` must be an object with positive integers `requests` and `window-seconds`",
            );
            None
        }
    }
}

/// The schema marked with `x-error-code` / `x-error-message`, its code enum, and which codes
/// and statuses are worth retrying.
pub fn error_model(ctx: &mut Ctx<'_>, space: &TypeSpace) -> Option<ErrorModel> {
    let components = ctx.spec.components.as_ref()?;
    let marked = components
        .schemas
        .iter()
        .find_map(|(key, schema)| match schema {
            ReferenceOr::Item(schema)
                if schema.schema_data.extensions.contains_key("x-error-code")
                    || schema
                        .schema_data
                        .extensions
                        .contains_key("x-error-message") =>
            {
                Some((key, schema))
            }
            _ => None,
        });
    let (key, schema) = marked?;
    let pointer = child("#/components/schemas", key);
    let body = space.component_name(key)?.to_string();
    let fields = match space.get(&body).map(|def| &def.kind) {
        Some(TypeKind::Struct(s)) => s.fields.clone(),
        _ => {
            ctx.error(
                &pointer,
                "the error schema must be an object with properties",
            );
            return None;
        }
    };
    let extensions = &schema.schema_data.extensions;
    let mut find = |ext: &str| {
        let wire = ext_str(extensions, ext)?;
        match fields.iter().find(|f| f.wire_name == wire) {
            Some(field) => Some(field.clone()),
            None => {
                ctx.error(
                    &child(&pointer, ext),
                    format!("`{ext}` names `{wire}`, which is not a property of this schema"),
                );
                None
            }
        }
    };
    let code = find("x-error-code");
    let message = find("x-error-message");

    let code_type = code.as_ref().and_then(|f| match &f.ty {
        TypeRef::Named(name) => match space.get(name).map(|d| &d.kind) {
            Some(TypeKind::Enum(_)) => Some(name.clone()),
            _ => None,
        },
        _ => None,
    });
    let retryable_codes = code_type
        .as_ref()
        .map(|name| retryable_codes(ctx, space, name))
        .unwrap_or_default();
    Some(ErrorModel {
        body,
        code_property: code.map(|f| f.wire_name),
        message_property: message.map(|f| f.wire_name),
        code_type,
        retryable_codes,
    })
}

/// `x-retryable: [code, ...]` on the schema of the code enum.
fn retryable_codes(ctx: &mut Ctx<'_>, space: &TypeSpace, enum_name: &str) -> Vec<String> {
    let components = ctx.spec.components.as_ref();
    let Some((key, schema)) = components.and_then(|c| {
        c.schemas
            .iter()
            .find(|(key, _)| space.component_name(key) == Some(enum_name))
    }) else {
        return Vec::new();
    };
    let ReferenceOr::Item(schema) = schema else {
        return Vec::new();
    };
    let pointer = child(&child("#/components/schemas", key), "x-retryable");
    let Some(list) = schema.schema_data.extensions.get("x-retryable") else {
        return Vec::new();
    };
    let known: Vec<String> = match space.get(enum_name).map(|d| &d.kind) {
        Some(TypeKind::Enum(e)) => e.variants.iter().map(|v| v.wire.clone()).collect(),
        _ => Vec::new(),
    };
    let Some(list) = list.as_array() else {
        ctx.error(&pointer, "`x-retryable` must be a list of error codes");
        return Vec::new();
    };
    let mut codes = Vec::new();
    for (index, item) in list.iter().enumerate() {
        match item.as_str() {
            Some(code) if known.iter().any(|k| k == code) => codes.push(code.to_string()),
            Some(code) => ctx.error(
                &child(&pointer, &index.to_string()),
                format!("`{code}` is not one of the values of this enum"),
            ),
            None => ctx.error(
                &child(&pointer, &index.to_string()),
                "expected an error code (a string)",
            ),
        }
    }
    codes.sort();
    codes.dedup();
    codes
}

/// Statuses whose response (shared or not) carries `x-retryable: true`.
fn retryable_statuses(ctx: &mut Ctx<'_>) -> Vec<u16> {
    let spec = ctx.spec;
    let mut statuses = Vec::new();
    for (_, _, operation) in spec.operations() {
        for (code, response) in &operation.responses.responses {
            let StatusCode::Code(status) = code else {
                continue;
            };
            let response = match response {
                ReferenceOr::Item(response) => Some(response),
                ReferenceOr::Reference { reference } => {
                    let shared = spec.components.as_ref().map(|c| &c.responses);
                    pointer::follow(reference, "#", "responses", shared, MAX_CHAIN)
                        .ok()
                        .map(|target| target.item)
                }
            };
            let flagged = response
                .and_then(|r| r.extensions.get("x-retryable"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if flagged {
                statuses.push(*status);
            }
        }
    }
    statuses.sort_unstable();
    statuses.dedup();
    statuses
}

/// Example programs: `x-codeSamples` entries with `lang: Rust` and a `label`.
fn examples(ctx: &mut Ctx<'_>) -> Vec<Example> {
    let spec = ctx.spec;
    let mut out: Vec<Example> = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in item.iter() {
            let Some(samples) = operation.extensions.get("x-codeSamples") else {
                continue;
            };
            let pointer = child(&child(&child("#/paths", path), method), "x-codeSamples");
            for (index, sample) in samples.as_array().into_iter().flatten().enumerate() {
                let lang = sample.get("lang").and_then(Value::as_str).unwrap_or("");
                if !lang.eq_ignore_ascii_case("rust") {
                    continue;
                }
                let at = child(&pointer, &index.to_string());
                let label = sample.get("label").and_then(Value::as_str);
                let source = sample.get("source").and_then(Value::as_str);
                let (Some(label), Some(source)) = (label, source) else {
                    ctx.error(&at, "a Rust code sample needs a `label` (the example's file name) and a `source`");
                    continue;
                };
                let name = naming::bare(&naming::field_name(label)).to_string();
                if out.iter().any(|e| e.name == name) {
                    ctx.error(
                        &at,
                        format!("two Rust code samples are both named `{name}`"),
                    );
                    continue;
                }
                if let Err(error) = syn::parse_file(source) {
                    let start = error.span().start();
                    ctx.error(
                        &child(&at, "source"),
                        format!(
                            "the Rust code sample does not parse (line {}, column {} of the sample): {error}",
                            start.line,
                            start.column + 1
                        ),
                    );
                    continue;
                }
                out.push(Example {
                    name,
                    source: source.to_string(),
                });
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}
