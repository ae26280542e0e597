//! Webhooks: the requests the API sends, described under `webhooks` (OpenAPI 3.1) or the
//! root extension `x-webhooks` (the same map, for 3.0 documents). Each entry is a path item
//! whose `post` has a JSON request body: that body's schema becomes a named type, and the
//! value of its `type` property (the event type) picks the entry's variant of one event
//! enum. The value comes from `x-event-type` on the entry, or else from the body schema's
//! `type` property when it allows exactly one string (`enum` of one value, or `const`).
//! An entry whose value cannot be found is left out with a warning, never refused.
//!
//! The root extension `x-webhook-signature` names how deliveries are signed; the only
//! scheme known is `standard-webhooks`.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use crate::context::Ctx;
use crate::model::{Events, OneOfVariant, Resource};
use crate::naming::{self, Scope};
use crate::pointer::child;

use super::types::TypeSpace;

/// The property of an event body that holds its type (as Standard Webhooks payloads do).
pub const TAG: &str = "type";

/// The module of the event enum, unless a resource took the name.
const MODULE: &str = "webhook_events";

/// The value of `x-webhook-signature` for the Standard Webhooks scheme.
const STANDARD_WEBHOOKS: &str = "standard-webhooks";

/// How many `$ref`s are followed before giving up (a cycle).
const MAX_STEPS: usize = 32;

/// The event enum of the document's webhooks, with their body types added to `space`;
/// `None` when the document describes no webhook that has an event type.
pub fn lower(ctx: &mut Ctx<'_>, space: &mut TypeSpace, resources: &[Resource]) -> Option<Events> {
    let verify = signature(ctx);
    let mut variants = Vec::new();
    let mut names = Scope::with_reserved(["Unknown"]);
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for root in ["webhooks", "x-webhooks"] {
        let Some(map) = ctx.raw.get(root).and_then(Value::as_object) else {
            continue;
        };
        let base = format!("#/{root}");
        for (name, entry) in map {
            let at = child(&base, name);
            let Some((schema, schema_at, doc)) = body_schema(ctx, entry, &at) else {
                ctx.warn(
                    &at,
                    format!(
                        "webhook `{name}` left out of the event enum: it has no `post` with a JSON request body"
                    ),
                );
                continue;
            };
            let Some(tag) = event_type(ctx, entry, schema) else {
                ctx.warn(
                    &at,
                    format!(
                        "webhook `{name}` left out of the event enum: its event type is not known; give its body schema a `{TAG}` property with one value (`enum: [...]` or `const`), or the entry `x-event-type: <value>`"
                    ),
                );
                continue;
            };
            if let Some(first) = seen.get(&tag) {
                ctx.warn(
                    &at,
                    format!(
                        "webhook `{name}` left out of the event enum: webhook `{first}` already has the event type `{tag}`"
                    ),
                );
                continue;
            }
            let parsed: ReferenceOr<Schema> = match serde_json::from_value(schema.clone()) {
                Ok(parsed) => parsed,
                Err(error) => {
                    ctx.warn(
                        &schema_at,
                        format!(
                            "webhook `{name}` left out of the event enum: its body schema cannot be read: {error}"
                        ),
                    );
                    continue;
                }
            };
            seen.insert(tag.clone(), name.clone());
            let hint = format!("{name} event");
            let ty = space.type_of(ctx, &parsed, &hint, &schema_at);
            let (variant, _) = names.claim(&naming::type_name(&tag));
            variants.push(OneOfVariant {
                name: variant,
                ty,
                doc,
                tags: vec![tag],
                boxed: false,
            });
        }
    }
    if variants.is_empty() {
        return None;
    }
    let mut modules = Scope::with_reserved(
        crate::runtime_names::module_reserved()
            .iter()
            .cloned()
            .chain(resources.iter().map(|r| r.module.rust.clone())),
    );
    let (module, _) = modules.claim(MODULE);
    Some(Events {
        module,
        tag: TAG.to_string(),
        variants,
        verify,
    })
}

/// Whether deliveries are signed in a scheme the runtime checks (`x-webhook-signature`).
fn signature(ctx: &mut Ctx<'_>) -> bool {
    let at = "#/x-webhook-signature";
    match ctx.raw.get("x-webhook-signature") {
        None => false,
        Some(Value::String(scheme)) if scheme == STANDARD_WEBHOOKS => true,
        Some(other) => {
            let found = match other {
                Value::String(text) => format!("`{text}`"),
                other => format!("`{other}`"),
            };
            ctx.warn(
                at,
                format!(
                    "`x-webhook-signature` is not a scheme the client knows: expected `{STANDARD_WEBHOOKS}`, found {found}; the event enum gets no verifying method"
                ),
            );
            false
        }
    }
}

/// The JSON body schema of a webhook entry's `post` (its pointer and the operation's
/// summary or description as docs).
fn body_schema<'v>(
    ctx: &Ctx<'v>,
    entry: &'v Value,
    at: &str,
) -> Option<(&'v Value, String, Option<String>)> {
    let post = entry.get("post")?;
    let post_at = child(at, "post");
    let doc = post
        .get("description")
        .or_else(|| post.get("summary"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let (body, body_at) = follow(
        ctx,
        post.get("requestBody")?,
        child(&post_at, "requestBody"),
    )?;
    let content = body.get("content")?.as_object()?;
    let (media, media_type) = content.iter().find(|(media, _)| is_json(media))?;
    let schema = media_type.get("schema")?;
    let schema_at = child(&child(&child(&body_at, "content"), media), "schema");
    Some((schema, schema_at, doc))
}

fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json")
}

/// A node with its local `$ref`s followed, and its pointer.
fn follow<'v>(ctx: &Ctx<'v>, node: &'v Value, at: String) -> Option<(&'v Value, String)> {
    let mut node = node;
    let mut at = at;
    for _ in 0..MAX_STEPS {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let target = reference.strip_prefix('#')?;
                node = ctx.raw_at(reference)?;
                at = format!("#{target}");
            }
            None => return Some((node, at)),
        }
    }
    None
}

/// The event type of a webhook entry: its `x-event-type`, or the one value its body
/// schema's `type` property allows.
fn event_type(ctx: &Ctx<'_>, entry: &Value, schema: &Value) -> Option<String> {
    if let Some(tag) = entry.get("x-event-type").and_then(Value::as_str) {
        return Some(tag.to_string());
    }
    let (schema, at) = follow(ctx, schema, String::new())?;
    let property = schema.get("properties")?.get(TAG)?;
    let (property, _) = follow(ctx, property, at)?;
    if let Some(Value::String(value)) = property.get("const") {
        return Some(value.clone());
    }
    match property.get("enum")?.as_array()?.as_slice() {
        [Value::String(value)] => Some(value.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::lower::test_support::{document, with_ctx};
    use crate::lower::types::TypeSpace;
    use crate::model::{Events, TypeRef};

    /// The events of a whole spec, and the messages given on the way.
    fn events(text: &str) -> (Option<Events>, Vec<String>) {
        let Some(document) = document(text) else {
            return (None, vec![format!("does not parse:\n{text}")]);
        };
        with_ctx(&document, |ctx| {
            let mut space = TypeSpace::new(ctx);
            space.lower_components(ctx);
            super::lower(ctx, &mut space, &[])
        })
    }

    /// The variants as (name, type, event type).
    fn variants(events: &Events) -> Vec<(String, TypeRef, String)> {
        events
            .variants
            .iter()
            .map(|v| (v.name.clone(), v.ty.clone(), v.tags.join("|")))
            .collect()
    }

    const BODY_31: &str = "
openapi: 3.1.0
info: {title: T, version: '1'}
x-webhook-signature: standard-webhooks
webhooks:
  thing.done:
    post:
      description: A thing was done.
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                type: {const: thing.done}
                id: {type: string}
      responses: {'200': {description: ok}}
";

    #[test]
    fn a_3_1_webhook_with_a_const_type_is_an_event_of_a_named_inline_type() {
        let (events, messages) = events(BODY_31);
        assert_eq!(messages, Vec::<String>::new());
        let Some(events) = events else {
            panic!("no events");
        };
        assert_eq!(
            variants(&events),
            [(
                "ThingDone".to_string(),
                TypeRef::Named("ThingDoneEvent".to_string()),
                "thing.done".to_string()
            )]
        );
        assert_eq!(events.tag, "type");
        assert_eq!(events.module, "webhook_events");
        assert!(events.verify);
        assert_eq!(
            events.variants.first().and_then(|v| v.doc.as_deref()),
            Some("A thing was done.")
        );
    }

    #[test]
    fn x_event_type_names_the_type_and_a_second_webhook_of_one_type_is_left_out() {
        let text = "
openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Body:
      type: object
      properties:
        type: {type: string, enum: [a.b]}
x-webhooks:
  first:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Body'}
      responses: {'200': {description: ok}}
  second:
    x-event-type: c.d
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Body'}
      responses: {'200': {description: ok}}
  third:
    post:
      requestBody:
        content:
          application/cloudevents+json:
            schema: {$ref: '#/components/schemas/Body'}
      responses: {'200': {description: ok}}
";
        let (events, messages) = events(text);
        let Some(events) = events else {
            panic!("no events: {messages:?}");
        };
        let body = TypeRef::Named("Body".to_string());
        assert_eq!(
            variants(&events),
            [
                ("AB".to_string(), body.clone(), "a.b".to_string()),
                ("CD".to_string(), body, "c.d".to_string()),
            ]
        );
        assert_eq!(
            messages,
            [
                "webhook `third` left out of the event enum: webhook `first` already has the event type `a.b`"
            ]
        );
        // No `x-webhook-signature`: no verifying method, and no warning.
        assert!(!events.verify);
    }

    #[test]
    fn an_unknown_signature_scheme_is_a_warning() {
        let text = BODY_31.replace("standard-webhooks", "{scheme: mine}");
        let (events, messages) = events(&text);
        assert_eq!(events.map(|e| e.verify), Some(false));
        assert_eq!(
            messages,
            [
                "`x-webhook-signature` is not a scheme the client knows: expected `standard-webhooks`, found `{\"scheme\":\"mine\"}`; the event enum gets no verifying method"
            ]
        );
    }

    #[test]
    fn no_webhooks_no_events() {
        let text = BODY_31.replace("type: {const: thing.done}", "type: {type: string}");
        let (events, messages) = events(&text);
        assert!(events.is_none());
        assert_eq!(messages.len(), 1, "{messages:?}");
    }
}
