//! Structs: one field per property (its Rust name, type, docs, `required`, `nullable`,
//! read-only and write-only notes, default) and a map of the other properties when
//! `additionalProperties` allows them.

use std::collections::BTreeSet;

use openapiv3::AdditionalProperties;
use serde_json::Value;

use crate::context::Ctx;
use crate::model::{Field, Name, Struct};
use crate::naming::{self, Scope};
use crate::pointer::child;

use super::finish::PendingDefault;
use super::shapes::nullable;
use super::{SchemaRef, TypeSpace, doc_of, resolve};

/// A property of a struct to be: its wire name, schema and pointer, and a description that
/// replaces the schema's (a later `allOf` member that only describes the property).
pub(super) struct Property<'s> {
    pub(super) wire: String,
    pub(super) schema: SchemaRef<'s>,
    pub(super) at: String,
    pub(super) doc: Option<String>,
    /// Other schemas of the same property (from other `allOf` members), with their
    /// pointers: the property's type is the intersection of all of them.
    pub(super) also: Vec<(SchemaRef<'s>, String)>,
}

impl TypeSpace {
    /// A struct from properties (each with its own pointer), the names of the required ones,
    /// and `additionalProperties`.
    pub(super) fn structure(
        &mut self,
        ctx: &mut Ctx<'_>,
        name: &str,
        properties: Vec<Property<'_>>,
        required: &[String],
        additional: Option<(&AdditionalProperties, String)>,
        pointer: &str,
    ) -> Struct {
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for Property {
            wire,
            schema,
            at,
            doc: doc_override,
            also,
        } in &properties
        {
            let (field, renamed) = scope.claim(&naming::field_name(wire));
            if renamed {
                ctx.warn(
                    at,
                    format!(
                        "property `{wire}` becomes the Rust field `{field}`: its plain name is taken by another property"
                    ),
                );
            }
            let hint = format!("{name}{}", naming::type_name(naming::bare(&field)));
            let mut facts = PropertyFacts::of(ctx, *schema, at);
            let ty = if also.is_empty() {
                self.lower_ref(ctx, *schema, &hint, at)
            } else {
                // Every member holds: `null` only if each allows it, read-only if any says so.
                for (other, other_at) in also {
                    let more = PropertyFacts::of(ctx, *other, other_at);
                    facts.nullable &= more.nullable;
                    facts.read_only |= more.read_only;
                    facts.write_only |= more.write_only;
                    facts.default = facts.default.or(more.default);
                    facts.doc = facts.doc.or(more.doc);
                }
                let mut members = vec![(*schema, at.clone())];
                members.extend(also.iter().cloned());
                let spec = ctx.spec;
                self.intersection(ctx, spec, &format!("property `{wire}`"), &hint, members)
            };
            let listed = required.iter().any(|r| r == wire);
            let mut notes = Vec::new();
            if facts.read_only {
                notes.push("Read-only: the API sets it; requests leave it out.".to_string());
            }
            if facts.write_only {
                notes.push("Write-only: sent in requests; responses leave it out.".to_string());
            }
            if let Some(default) = &facts.default {
                notes.push(format!(
                    "Default: `{}`.",
                    default.to_string().replace('`', "'")
                ));
            }
            let doc = join_docs(doc_override.clone().or(facts.doc), &notes);
            // A read-only property is absent from requests and a write-only one from
            // responses: whatever `required` says, one direction lacks it.
            let required = listed && !facts.read_only && !facts.write_only;
            if let (Some(default), true) = (facts.default, required) {
                self.defaults.push(PendingDefault {
                    owner: name.to_string(),
                    field: fields.len(),
                    value: default,
                });
            }
            fields.push(Field {
                name: Name::new(field),
                wire_name: wire.clone(),
                doc,
                ty,
                required,
                nullable: facts.nullable,
                boxed: false,
                default: None,
                default_fn: None,
            });
        }
        let mut listed: BTreeSet<&str> = BTreeSet::new();
        for wire in required {
            if !properties.iter().any(|p| p.wire == *wire) && listed.insert(wire) {
                ctx.warn(
                    &child(pointer, "required"),
                    format!("`{wire}` is listed as required but is not a property"),
                );
            }
        }
        let extra = match additional {
            Some((AdditionalProperties::Any(false), _)) | None => None,
            Some((additional, at)) => {
                let ty = self.map_value(ctx, Some(additional), name, &at);
                let (field, _) = scope.claim("extra");
                Some((field, ty))
            }
        };
        Struct {
            fields,
            extra,
            default: false,
            built: false,
        }
    }
}

/// What a property says about itself beyond its type, reading through a `$ref` (siblings
/// of the reference first, then the referenced schema).
pub(super) struct PropertyFacts {
    pub(super) doc: Option<String>,
    pub(super) nullable: bool,
    pub(super) read_only: bool,
    pub(super) write_only: bool,
    pub(super) default: Option<Value>,
}

impl PropertyFacts {
    fn of(ctx: &Ctx<'_>, schema: SchemaRef<'_>, at: &str) -> Self {
        match schema {
            SchemaRef::Item(schema) => PropertyFacts {
                doc: doc_of(schema),
                nullable: nullable(ctx.spec, SchemaRef::Item(schema), 0),
                read_only: schema.schema_data.read_only,
                write_only: schema.schema_data.write_only,
                default: schema.schema_data.default.clone(),
            },
            SchemaRef::Ref(reference) => {
                let sibling = |key: &str| ctx.raw_at(at).and_then(|node| node.get(key));
                let flag = |key: &str| sibling(key).and_then(Value::as_bool);
                let target = resolve(ctx.spec, reference).map(|(schema, _, _)| schema);
                PropertyFacts {
                    // A description beside the `$ref`, else the referenced schema's own.
                    doc: ctx.raw_string(at, "description").or_else(|| {
                        reference
                            .strip_prefix('#')
                            .and_then(|target| ctx.raw_string(target, "description"))
                    }),
                    nullable: flag("nullable").unwrap_or(false) || nullable(ctx.spec, schema, 0),
                    read_only: flag("readOnly")
                        .unwrap_or_else(|| target.is_some_and(|t| t.schema_data.read_only)),
                    write_only: flag("writeOnly")
                        .unwrap_or_else(|| target.is_some_and(|t| t.schema_data.write_only)),
                    default: sibling("default")
                        .cloned()
                        .or_else(|| target.and_then(|t| t.schema_data.default.clone())),
                }
            }
        }
    }
}

pub(super) fn join_docs(doc: Option<String>, notes: &[String]) -> Option<String> {
    if notes.is_empty() {
        return doc;
    }
    let mut parts: Vec<String> = doc.into_iter().collect();
    parts.push(notes.join(" "));
    Some(parts.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use crate::lower::types::test_support::{lowered, structure};

    #[test]
    fn read_only_and_write_only_properties_are_never_required() {
        let (types, _) = lowered(
            "  schemas:\n    Pet:\n      type: object\n      required: [id, name, secret]\n      properties:\n        id: {type: string, readOnly: true}\n        name: {type: string}\n        secret: {type: string, writeOnly: true}\n",
        );
        let fields: Vec<(String, bool)> = structure(&types, "Pet")
            .map(|s| {
                s.fields
                    .iter()
                    .map(|f| (f.name.rust.clone(), f.required))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            fields,
            [
                ("id".into(), false),
                ("name".into(), true),
                ("secret".into(), false)
            ]
        );
        let doc = structure(&types, "Pet")
            .and_then(|s| s.fields.first())
            .and_then(|f| f.doc.clone())
            .unwrap_or_default();
        assert!(doc.contains("Read-only"), "{doc}");
    }

    #[test]
    fn facts_beside_a_reference_win_over_the_referenced_schema() {
        let (types, _) = lowered(
            "  schemas:\n    Name: {type: string, description: the schema's}\n    Pet:\n      type: object\n      properties:\n        name:\n          $ref: '#/components/schemas/Name'\n          description: beside the reference\n          nullable: true\n",
        );
        let field = structure(&types, "Pet").and_then(|s| s.fields.first());
        assert_eq!(
            field.and_then(|f| f.doc.as_deref()),
            Some("beside the reference")
        );
        assert_eq!(field.map(|f| f.nullable), Some(true));
    }

    #[test]
    fn required_names_that_are_no_property_and_taken_names_are_warned_about() {
        let (types, messages) = lowered(
            "  schemas:\n    Pet:\n      type: object\n      required: [nme]\n      properties:\n        a-b: {type: string}\n        a_b: {type: string}\n",
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`nme` is listed as required")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("property `a_b` becomes the Rust field `a_b2`")),
            "{messages:?}"
        );
        assert_eq!(structure(&types, "Pet").map(|s| s.fields.len()), Some(2));
    }
}
