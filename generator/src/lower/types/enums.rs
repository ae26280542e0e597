//! String and integer enums: a variant per distinct value, named from `x-enum-varnames`
//! (or `x-enumNames`) or the value, described by `x-enum-descriptions`.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::Schema;
use serde_json::Value;

use crate::context::Ctx;
use crate::model::{Enum, IntEnum, IntVariant, Variant};
use crate::naming::{self, Scope};
use crate::pointer::child;

use super::TypeSpace;

/// A value of a union whose members are each one string value (`Plan::ValueUnion`): the
/// value, its member's description, and where the value is written.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct DocumentedValue {
    pub value: String,
    pub doc: Option<String>,
    pub at: String,
}

/// Names of the variant and helper the emitted enums use themselves.
pub(super) const ENUM_RESERVED: &[&str] = &["Unknown"];

impl TypeSpace {
    pub(super) fn enumeration(
        &mut self,
        ctx: &mut Ctx<'_>,
        values: &[String],
        schema: &Schema,
        pointer: &str,
    ) -> Enum {
        let place = |index: usize| child(&child(pointer, "enum"), &index.to_string());
        self.enumeration_at(ctx, values, schema, &place)
    }

    /// [`Self::enumeration`], each value at the place `place` gives by its index.
    fn enumeration_at(
        &mut self,
        ctx: &mut Ctx<'_>,
        values: &[String],
        schema: &Schema,
        place: &dyn Fn(usize) -> String,
    ) -> Enum {
        let variants = enum_variants(ctx, values, schema, place, |value| {
            naming::variant_name(value)
        });
        Enum {
            variants: variants
                .into_iter()
                .map(|(name, wire, doc)| Variant { name, wire, doc })
                .collect(),
        }
    }

    /// A string enum of the values of a union's members (each one value, see
    /// `Plan::ValueUnion`), each value described and placed by its member.
    pub(super) fn documented_enumeration(
        &mut self,
        ctx: &mut Ctx<'_>,
        values: Vec<DocumentedValue>,
        schema: &Schema,
    ) -> Enum {
        let wires: Vec<String> = values.iter().map(|v| v.value.clone()).collect();
        let places: Vec<String> = values.iter().map(|v| v.at.clone()).collect();
        let docs: Vec<Option<String>> = values.into_iter().map(|v| v.doc).collect();
        let place = |index: usize| places.get(index).cloned().unwrap_or_default();
        let mut this = self.enumeration_at(ctx, &wires, schema, &place);
        for (variant, doc) in this.variants.iter_mut().zip(docs) {
            if doc.is_some() {
                variant.doc = doc;
            }
        }
        this
    }

    pub(super) fn int_enumeration(
        &mut self,
        ctx: &mut Ctx<'_>,
        values: &[i64],
        schema: &Schema,
        pointer: &str,
    ) -> IntEnum {
        let place = |index: usize| child(&child(pointer, "enum"), &index.to_string());
        let variants = enum_variants(ctx, values, schema, &place, |value| {
            if *value < 0 {
                format!("Minus{}", value.unsigned_abs())
            } else {
                format!("V{value}")
            }
        });
        IntEnum {
            variants: variants
                .into_iter()
                .map(|(name, value, doc)| IntVariant { name, value, doc })
                .collect(),
        }
    }
}

/// The variants of an enum: a name for each distinct value (from `x-enum-varnames` or
/// `x-enumNames` when given, else `plain_name`), numbered in spec order when two names
/// collide, with the value's description (`x-enum-descriptions`, by value or by position).
pub(super) fn enum_variants<V: Clone + Ord + std::fmt::Display>(
    ctx: &mut Ctx<'_>,
    values: &[V],
    schema: &Schema,
    place: &dyn Fn(usize) -> String,
    plain_name: impl Fn(&V) -> String,
) -> Vec<(String, V, Option<String>)> {
    let extensions = &schema.schema_data.extensions;
    let descriptions = enum_descriptions(extensions);
    let names = enum_names(extensions, values.len());
    let mut scope = Scope::with_reserved(ENUM_RESERVED);
    let mut seen = BTreeSet::new();
    let mut variants = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let at = place(index);
        if !seen.insert(value.clone()) {
            ctx.warn(&at, format!("enum value `{value}` is listed twice"));
            continue;
        }
        let wanted = match names.as_ref().and_then(|n| n.get(index)) {
            Some(name) => naming::variant_name(name),
            None => plain_name(value),
        };
        let (name, renamed) = scope.claim(&wanted);
        if renamed {
            ctx.warn(
                &at,
                format!(
                    "enum value `{value}` becomes the variant `{name}`: its plain name is taken"
                ),
            );
        }
        let doc = descriptions
            .get(&value.to_string())
            .cloned()
            .or_else(|| descriptions.get(&index.to_string()).cloned());
        variants.push((name, value.clone(), doc));
    }
    variants
}

/// `x-enum-descriptions`, as a map from value to text or a list in the order of `enum`
/// (keyed then by index).
pub(super) fn enum_descriptions(extensions: &IndexMap<String, Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match extensions.get("x-enum-descriptions") {
        Some(Value::Object(map)) => {
            for (key, value) in map {
                if let Some(text) = value.as_str() {
                    out.insert(key.clone(), text.to_string());
                }
            }
        }
        Some(Value::Array(list)) => {
            for (index, value) in list.iter().enumerate() {
                if let Some(text) = value.as_str() {
                    out.insert(index.to_string(), text.to_string());
                }
            }
        }
        _ => {}
    }
    out
}

/// Variant names the spec gives (`x-enum-varnames`, or `x-enumNames`), a list in the order
/// of `enum`; ignored unless it has one string per value.
pub(super) fn enum_names(
    extensions: &IndexMap<String, Value>,
    count: usize,
) -> Option<Vec<String>> {
    let list = extensions
        .get("x-enum-varnames")
        .or_else(|| extensions.get("x-enumNames"))?
        .as_array()?;
    let names: Option<Vec<String>> = list
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect();
    names.filter(|n| n.len() == count)
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;
    use serde_json::json;

    use super::{enum_descriptions, enum_names};
    use crate::lower::types::test_support::lowered;
    use crate::model::TypeKind;

    #[test]
    fn names_from_the_spec_count_only_when_there_is_one_per_value() {
        let mut extensions = IndexMap::new();
        extensions.insert("x-enum-varnames".to_string(), json!(["One", "Two"]));
        assert_eq!(
            enum_names(&extensions, 2),
            Some(vec!["One".into(), "Two".into()])
        );
        assert_eq!(enum_names(&extensions, 3), None);
        extensions.insert("x-enum-descriptions".to_string(), json!(["first"]));
        assert_eq!(
            enum_descriptions(&extensions).get("0").map(String::as_str),
            Some("first")
        );
    }

    #[test]
    fn repeated_values_and_taken_names_are_warned_about() {
        let (types, messages) =
            lowered("  schemas:\n    E: {type: string, enum: [a, a, Unknown, unknown]}\n");
        assert!(
            messages.iter().any(|m| m.contains("`a` is listed twice")),
            "{messages:?}"
        );
        // `Unknown` is the emitted enum's own catch-all variant.
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`Unknown` becomes the variant `Unknown2`")),
            "{messages:?}"
        );
        let names: Vec<String> = match types.get("E").map(|d| &d.kind) {
            Some(TypeKind::Enum(e)) => e.variants.iter().map(|v| v.name.clone()).collect(),
            _ => Vec::new(),
        };
        assert_eq!(names, ["A", "Unknown2", "Unknown3"]);
    }
}
