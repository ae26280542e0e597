//! Planning: what a schema becomes (a struct, a merged `allOf`, an enum, a union, one of
//! its members, or a shape that needs no name), decided from the schema alone before
//! anything is lowered. Warnings about keywords the plan leaves unused are given here.

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use crate::context::Ctx;
use crate::lower::schema::{Kind, View, is_null_member};
use crate::pointer::child;

use super::enums::DocumentedValue;
use super::{SchemaRef, TypeSpace};

/// What a schema becomes.
pub(super) enum Plan<'s> {
    /// A composition that stands for one of its members (`allOf: [$ref]` beside a
    /// `description`, `oneOf: [X, {nullable}]`): that member's type.
    Single(SchemaRef<'s>, String),
    StringEnum(Vec<String>),
    IntEnum(Vec<i64>),
    /// An object with properties.
    Struct,
    /// `allOf` with several members: one struct with all their properties.
    Merge,
    /// `oneOf`/`anyOf` with several members other than `null`: (index, member, pointer).
    Union(Vec<(usize, SchemaRef<'s>, String)>),
    /// `oneOf`/`anyOf` whose members are each one string value (`{enum: [running],
    /// description}`), all different: a string enum, each value with its member's
    /// description.
    ValueUnion(Vec<DocumentedValue>),
    /// Scalars, lists, maps, free-form JSON: no name needed.
    Shape,
}

impl TypeSpace {
    /// Sorts a schema into what it becomes. Warnings about keywords left unused are given here,
    /// once per schema.
    pub(super) fn plan<'s>(
        &self,
        ctx: &mut Ctx<'_>,
        schema: &'s Schema,
        pointer: &str,
    ) -> Plan<'s> {
        let view = View::of(schema);
        let own_object = view.has_properties() || view.additional.is_some();
        if !view.all_of.is_empty() {
            // Members that shape the value, and members that only list required properties
            // (which make a merged struct too: the requirement changes the type).
            let typed: Vec<(usize, SchemaRef<'s>)> = view
                .all_of
                .iter()
                .enumerate()
                .map(|(index, member)| (index, SchemaRef::from(member)))
                .filter(|(_, member)| is_typed(*member))
                .collect();
            let requires = view.all_of.iter().any(|member| match member {
                ReferenceOr::Item(schema) => !View::of(schema).required.is_empty(),
                ReferenceOr::Reference { .. } => false,
            });
            return match typed.as_slice() {
                [] if !own_object => Plan::Shape,
                [(index, only)] if !own_object && !requires => {
                    Plan::Single(*only, child(&child(pointer, "allOf"), &index.to_string()))
                }
                _ => Plan::Merge,
            };
        }
        let (keyword, members) = if view.one_of.is_empty() {
            ("anyOf", view.any_of)
        } else {
            ("oneOf", view.one_of)
        };
        if !members.is_empty() {
            let real: Vec<(usize, SchemaRef<'s>, String)> = members
                .iter()
                .enumerate()
                .filter(|(_, member)| match member {
                    ReferenceOr::Item(schema) => !is_null_member(schema),
                    ReferenceOr::Reference { .. } => true,
                })
                .map(|(index, member)| {
                    (
                        index,
                        SchemaRef::from(member),
                        child(&child(pointer, keyword), &index.to_string()),
                    )
                })
                .collect();
            let real: Vec<_> = real
                .into_iter()
                .filter(|(_, member, _)| match member {
                    SchemaRef::Item(schema) => !View::of(schema).only_constrains(),
                    SchemaRef::Ref(_) => true,
                })
                .collect();
            let typed = !real.is_empty();
            if typed && own_object {
                ctx.warn(
                    &child(pointer, keyword),
                    format!(
                        "`{keyword}` beside `properties` is not supported: the type has only the properties listed beside it"
                    ),
                );
            } else if typed {
                return match real.as_slice() {
                    [(_, only, at)] => Plan::Single(*only, at.clone()),
                    _ => match documented_values(&real) {
                        Some(values) => Plan::ValueUnion(values),
                        None => Plan::Union(real),
                    },
                };
            }
            // Members that only constrain (`required: [a]`): the schema is what stands beside them.
        }
        let values = view.values();
        if !values.is_empty() {
            let strings: Option<Vec<String>> = values
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect();
            let integers: Option<Vec<i64>> = values.iter().map(|v| v.as_i64()).collect();
            match (view.kind, strings, integers) {
                (Kind::String | Kind::Untyped, Some(strings), _) => {
                    return Plan::StringEnum(strings);
                }
                // `type: string` with numbers written bare: the values are strings on the wire.
                (Kind::String, None, _) => {
                    return Plan::StringEnum(values.iter().map(|v| plain(v)).collect());
                }
                (Kind::Integer | Kind::Untyped, _, Some(integers)) => {
                    return Plan::IntEnum(integers);
                }
                (Kind::Untyped, None, None) => {
                    ctx.warn(
                        &child(pointer, "enum"),
                        "an enum of mixed values (strings and numbers, ...) is typed as a JSON value",
                    );
                    return Plan::Shape;
                }
                _ => {}
            }
        }
        if view.has_properties() && matches!(view.kind, Kind::Object | Kind::Untyped) {
            return Plan::Struct;
        }
        Plan::Shape
    }
}

pub(super) fn is_typed(schema: SchemaRef<'_>) -> bool {
    match schema {
        SchemaRef::Ref(_) => true,
        SchemaRef::Item(schema) => View::of(schema).is_typed(),
    }
}

/// A JSON scalar as text (`1`, `true`, `abc`).
pub(super) fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The members of a union when each is an inline string schema of one value, all values
/// different: each value with the member's description (or title).
fn documented_values(members: &[(usize, SchemaRef<'_>, String)]) -> Option<Vec<DocumentedValue>> {
    let mut values: Vec<DocumentedValue> = Vec::new();
    for (_, member, at) in members {
        let SchemaRef::Item(schema) = member else {
            return None;
        };
        let view = View::of(schema);
        if !matches!(view.kind, Kind::String | Kind::Untyped) || schema.schema_data.nullable {
            return None;
        }
        let values_here = view.values();
        let [only] = values_here.as_slice() else {
            return None;
        };
        let value = only.as_str()?;
        if values.iter().any(|seen| seen.value == value) {
            return None;
        }
        values.push(DocumentedValue {
            value: value.to_string(),
            doc: super::doc_of(schema),
            at: child(&child(at, "enum"), "0"),
        });
    }
    Some(values)
}

#[cfg(test)]
mod tests {
    use openapiv3::{ReferenceOr, Schema};

    use super::Plan;
    use crate::lower::test_support::{document, spec, with_ctx};
    use crate::lower::types::TypeSpace;

    /// What the schema in `yaml` is planned as, in one word, and the messages given.
    fn plan_of(yaml: &str) -> (&'static str, Vec<String>) {
        let text = spec(&format!(
            "paths: {{}}\ncomponents:\n  schemas:\n    S: {yaml}\n"
        ));
        let Some(document) = document(&text) else {
            return ("unparsed", Vec::new());
        };
        let schema: Option<&Schema> = document
            .spec
            .components
            .as_ref()
            .and_then(|c| c.schemas.get("S"))
            .and_then(ReferenceOr::as_item);
        let Some(schema) = schema else {
            return ("missing", Vec::new());
        };
        with_ctx(&document, |ctx| {
            let space = TypeSpace::new(ctx);
            match space.plan(ctx, schema, "#/components/schemas/S") {
                Plan::Single(..) => "single",
                Plan::StringEnum(_) => "string enum",
                Plan::IntEnum(_) => "int enum",
                Plan::Struct => "struct",
                Plan::Merge => "merge",
                Plan::Union(_) => "union",
                Plan::ValueUnion(_) => "value union",
                Plan::Shape => "shape",
            }
        })
    }

    /// A value whose variant name is taken is reported where the value is written: in its
    /// alternative, not in an `enum` the union does not have.
    #[test]
    fn a_value_union_warns_where_the_value_is_written() {
        let text = spec(
            "paths: {}\ncomponents:\n  schemas:\n    S:\n      oneOf:\n        - {type: string, enum: [a-b]}\n        - {type: string, enum: [a_b]}\n",
        );
        let options = crate::Options {
            crate_name: Some("x".to_string()),
            spec_path: "s.yaml".to_string(),
            regenerate_command: "x".to_string(),
        };
        let warnings = crate::model(&text, &options)
            .map(|(_, w)| w)
            .unwrap_or_default();
        let pointers: Vec<&str> = warnings
            .iter()
            .filter(|w| w.message.contains("becomes the variant"))
            .map(|w| w.pointer.as_str())
            .collect();
        assert_eq!(pointers, ["#/components/schemas/S/oneOf/1/enum/0"]);
    }

    #[test]
    fn schemas_are_sorted_by_what_they_become() {
        assert_eq!(
            plan_of("{type: object, properties: {a: {type: string}}}").0,
            "struct"
        );
        assert_eq!(plan_of("{type: string, enum: [a, b]}").0, "string enum");
        // Each member one string value: the values, each described by its member.
        assert_eq!(
            plan_of("{oneOf: [{type: string, enum: [a], description: A}, {enum: [b]}]}").0,
            "value union"
        );
        assert_eq!(
            plan_of("{oneOf: [{type: string, enum: [a]}, {type: string, enum: [a]}]}").0,
            "union"
        );
        assert_eq!(
            plan_of("{oneOf: [{type: string, enum: [a]}, {type: string, enum: [b, c]}]}").0,
            "union"
        );
        assert_eq!(
            plan_of("{oneOf: [{type: string, enum: [a]}, {type: string}]}").0,
            "union"
        );
        assert_eq!(plan_of("{type: integer, enum: [1, 2]}").0, "int enum");
        // Numbers written bare under `type: string` are strings on the wire.
        assert_eq!(plan_of("{type: string, enum: [1, 2]}").0, "string enum");
        assert_eq!(plan_of("{type: array, items: {type: string}}").0, "shape");
        assert_eq!(
            plan_of("{oneOf: [{type: string}, {type: integer}]}").0,
            "union"
        );
    }

    #[test]
    fn a_composition_of_one_member_is_that_member() {
        assert_eq!(
            plan_of("{allOf: [{type: string}], description: d}").0,
            "single"
        );
        assert_eq!(
            plan_of("{oneOf: [{type: string}, {type: 'null'}]}").0,
            "single"
        );
        assert_eq!(
            plan_of("{anyOf: [{type: string}, {required: [a]}]}").0,
            "single"
        );
        // A member that lists required properties changes the type: a merged struct.
        assert_eq!(
            plan_of("{allOf: [{type: object, properties: {a: {type: string}}}, {required: [a]}]}")
                .0,
            "merge"
        );
    }

    #[test]
    fn keywords_the_plan_leaves_unused_are_warned_about() {
        let (plan, messages) = plan_of(
            "{type: object, properties: {a: {type: string}}, oneOf: [{type: string}, {type: integer}]}",
        );
        assert_eq!(plan, "struct");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`oneOf` beside `properties`")),
            "{messages:?}"
        );
        let (plan, messages) = plan_of("{enum: [a, 1]}");
        assert_eq!(plan, "shape");
        assert!(
            messages.iter().any(|m| m.contains("mixed values")),
            "{messages:?}"
        );
    }
}
