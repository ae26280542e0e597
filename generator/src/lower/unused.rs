//! Components that nothing uses: legal, but usually a leftover or a typo in a `$ref`
//! elsewhere, so each gets a warning.
//!
//! Works on the raw document: a component is used when a `$ref` outside `components`
//! reaches it, directly or through other components. Schemas that carry the error model's
//! extensions are used by the generator itself.
//!
//! A spec without operations is left alone: its components are the vocabulary of operations
//! still to be described (shared error responses, rate-limit headers), not leftovers.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::context::Ctx;
use crate::pointer::{self, child};

/// The component kinds checked, with what an unused one amounts to.
const KINDS: &[(&str, &str)] = &[
    (
        "schemas",
        "it is still generated as a type that no operation uses",
    ),
    ("responses", "it has no effect on the client"),
    ("parameters", "it has no effect on the client"),
    ("headers", "it has no effect on the client"),
    ("requestBodies", "it has no effect on the client"),
];

/// Extensions that make a schema used without any `$ref` to it.
const USED_BY_GENERATOR: &[&str] = &["x-error-code", "x-error-message"];

type Component = (String, String);

pub fn warn_unused(ctx: &mut Ctx<'_>) {
    if ctx.spec.operations().next().is_none() {
        return;
    }
    let Some(root) = ctx.raw.as_object() else {
        return;
    };
    let mut used: Vec<Component> = Vec::new();
    let mut edges: BTreeMap<Component, Vec<Component>> = BTreeMap::new();
    for (key, value) in root {
        if key != "components" {
            references(value, &mut used);
        }
    }
    let components = root.get("components").and_then(Value::as_object);
    for (kind, items) in components.into_iter().flatten() {
        let Some(items) = items.as_object() else {
            continue;
        };
        for (name, value) in items {
            let component = (kind.clone(), name.clone());
            let marked = USED_BY_GENERATOR
                .iter()
                .any(|extension| value.get(extension).is_some());
            if kind == "schemas" && marked {
                used.push(component.clone());
            }
            let mut targets = Vec::new();
            references(value, &mut targets);
            edges.insert(component, targets);
        }
    }

    let mut reached: BTreeSet<Component> = BTreeSet::new();
    while let Some(component) = used.pop() {
        if reached.contains(&component) {
            continue;
        }
        if let Some(targets) = edges.get(&component) {
            used.extend(targets.iter().cloned());
        }
        reached.insert(component);
    }

    for (kind, consequence) in KINDS {
        let items = components
            .and_then(|components| components.get(*kind))
            .and_then(Value::as_object);
        for name in items.into_iter().flat_map(|items| items.keys()) {
            if reached.contains(&((*kind).to_string(), name.clone())) {
                continue;
            }
            ctx.warn(
                &child(&format!("#/components/{kind}"), name),
                format!(
                    "`{name}` in `components/{kind}` is never referenced by any operation, directly or through other components: {consequence}; remove it or refer to it with `$ref: '#/components/{kind}/{name}'`"
                ),
            );
        }
    }
}

/// Every local `$ref` to a component within `value`, walked without recursion.
fn references(value: &Value, out: &mut Vec<Component>) {
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(entries) => {
                if let Some(target) = entries.get("$ref").and_then(Value::as_str) {
                    if let Some(component) = component_of(target) {
                        out.push(component);
                    }
                }
                stack.extend(entries.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}

/// `#/components/<kind>/<name>...` as (kind, name); `None` for anything else. A reference
/// into a component (`.../User/properties/id`) uses the component too.
fn component_of(reference: &str) -> Option<Component> {
    pointer::component_of(reference).map(|component| (component.kind, component.name))
}
