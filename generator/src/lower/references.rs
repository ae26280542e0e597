//! Every `$ref` of the document must lead somewhere, whether or not the client uses what it
//! names. Lowering only follows the references it needs (schemas, parameters, bodies,
//! responses of operations), so a typo in a response header, in a component no operation
//! uses yet, or in a spec without operations would otherwise go unnoticed.
//!
//! Works on the raw document after bundling, where every reference is local. Data (examples,
//! defaults, enums, `x-` extensions) is not looked into: a `$ref` key there is a value.

use serde_json::Value;

use crate::context::Ctx;
use crate::diagnostic::did_you_mean;
use crate::pointer::{self, child, dangling_component};
use crate::tree::Node;

/// Deeper than any real spec; the walk stops there rather than exhaust the stack.
const MAX_DEPTH: usize = 512;

/// Reports each `$ref` that points at nothing, once, and remembers where, so that lowering
/// does not report it again.
pub fn check(ctx: &mut Ctx<'_>) {
    let raw = ctx.raw;
    let mut dangling = Vec::new();
    let mut at = String::from("#");
    walk(raw, Node::Root, &mut at, 0, &mut |at, reference| {
        if let Some(message) = dangling_message(raw, reference) {
            dangling.push((child(at, "$ref"), message));
        }
    });
    for (pointer, message) in dangling {
        ctx.error(&pointer, message);
        ctx.dangling.insert(pointer);
    }
}

/// Calls `visit(pointer, reference)` for every `$ref` that is a reference (not data). `at`
/// is the pointer of `value`; a child's is written onto its end and taken off again, so
/// that the walk makes no string per node.
fn walk(
    value: &Value,
    role: Node,
    at: &mut String,
    depth: usize,
    visit: &mut dyn FnMut(&str, &str),
) {
    if role == Node::Data || depth > MAX_DEPTH {
        return;
    }
    let len = at.len();
    match value {
        Value::Object(entries) => {
            if let Some(reference) = entries.get("$ref").and_then(Value::as_str) {
                visit(at, reference);
            }
            for (key, value) in entries {
                if key != "$ref" {
                    pointer::push_child(at, key);
                    walk(value, role.child(key), at, depth + 1, visit);
                    at.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                pointer::push_child(at, &index.to_string());
                walk(value, role.item(), at, depth + 1, visit);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// What is wrong with a local reference that leads nowhere; `None` when it leads somewhere
/// (or is not local: bundling has already reported those).
fn dangling_message(raw: &Value, reference: &str) -> Option<String> {
    let pointer = reference.strip_prefix('#')?;
    if raw.pointer(pointer).is_some() {
        return None;
    }
    let tokens = pointer::tokens(pointer);
    // The deepest node that exists, and the first token that is not in it.
    let mut node = raw;
    let mut found = 0;
    for token in &tokens {
        let next = match node {
            Value::Object(map) => map.get(token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(next) => {
                node = next;
                found += 1;
            }
            None => break,
        }
    }
    let missing = tokens.get(found)?;
    let known: Vec<&str> = match node {
        Value::Object(map) => map.keys().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    let message = match (tokens.first().map(String::as_str), found) {
        (Some("components"), 2) => {
            let kind = tokens.get(1).map(String::as_str).unwrap_or_default();
            dangling_component(reference, kind, missing, known)
        }
        _ => {
            let parent = match tokens.get(..found) {
                Some(steps) if found > 0 => {
                    let at = steps
                        .iter()
                        .fold("#".to_string(), |at, step| child(&at, step));
                    format!("`{at}`")
                }
                _ => "the document".to_string(),
            };
            let hint = did_you_mean(missing, known);
            format!("dangling reference `{reference}`: {parent} has no `{missing}`{hint}")
        }
    };
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::dangling_message;
    use serde_json::json;

    #[test]
    fn a_reference_that_leads_somewhere_is_fine() {
        let doc =
            json!({"components": {"schemas": {"A": {"properties": {"b": {}}}}}, "tags": [{}]});
        assert_eq!(dangling_message(&doc, "#/components/schemas/A"), None);
        assert_eq!(
            dangling_message(&doc, "#/components/schemas/A/properties/b"),
            None
        );
        assert_eq!(dangling_message(&doc, "#/tags/0"), None);
        // Not local: bundling deals with those.
        assert_eq!(dangling_message(&doc, "other.yaml#/A"), None);
    }

    #[test]
    fn a_reference_that_leads_nowhere_names_the_missing_step() {
        let doc =
            json!({"components": {"schemas": {"Pet": {"properties": {"name": {}}}}}, "tags": [{}]});
        let message = dangling_message(&doc, "#/components/schemas/Pets").unwrap_or_default();
        assert!(
            message.contains("found `Pets`; did you mean `Pet`?"),
            "{message}"
        );
        let message =
            dangling_message(&doc, "#/components/schemas/Pet/properties/nme").unwrap_or_default();
        assert!(
            message.contains(
                "`#/components/schemas/Pet/properties` has no `nme`; did you mean `name`?"
            ),
            "{message}"
        );
        let message = dangling_message(&doc, "#/tags/3").unwrap_or_default();
        assert!(message.contains("`#/tags` has no `3`"), "{message}");
        let message = dangling_message(&doc, "#/definitions/Pet").unwrap_or_default();
        assert!(
            message.contains("the document has no `definitions`"),
            "{message}"
        );
    }
}
