//! `oneOf`/`anyOf` with several alternatives: an enum with one variant per alternative,
//! tagged when a discriminator names every alternative (or, without one, a required property
//! of one value of its own in each alternative tells them apart), else tried in turn.

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use crate::context::Ctx;
use crate::model::{OneOf, OneOfVariant, TypeRef};
use crate::naming::{self, Scope};
use crate::pointer::{self, child};

use super::enums::ENUM_RESERVED;
use super::{SchemaRef, TypeSpace, doc_of, resolve};

impl TypeSpace {
    /// `oneOf`/`anyOf` with several members: an enum with one variant per member.
    pub(super) fn union(
        &mut self,
        ctx: &mut Ctx<'_>,
        name: &str,
        schema: &Schema,
        members: Vec<(usize, SchemaRef<'_>, String)>,
        pointer: &str,
    ) -> OneOf {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut tags: Option<Vec<Vec<String>>> = None;
        if let Some(discriminator) = discriminator {
            let at = child(pointer, "discriminator");
            let keys: Option<Vec<String>> = members
                .iter()
                .map(|(_, member, _)| match member {
                    SchemaRef::Ref(reference) => pointer::component_name(reference, "schemas"),
                    SchemaRef::Item(_) => None,
                })
                .collect();
            match keys {
                Some(keys) => {
                    let mut per_member: Vec<Vec<String>> = vec![Vec::new(); keys.len()];
                    for (value, target) in &discriminator.mapping {
                        let key = pointer::component_name(target, "schemas")
                            .unwrap_or_else(|| target.clone());
                        match keys.iter().position(|k| *k == key) {
                            Some(index) => {
                                if let Some(list) = per_member.get_mut(index) {
                                    list.push(value.clone());
                                }
                            }
                            None => ctx.warn(
                                &child(&child(&at, "mapping"), value),
                                format!(
                                    "the mapping names `{target}`, which is not one of the alternatives; the value `{value}` reads as unknown"
                                ),
                            ),
                        }
                    }
                    for (list, key) in per_member.iter_mut().zip(&keys) {
                        if list.is_empty() {
                            list.push(key.clone());
                        }
                    }
                    tags = Some(per_member);
                }
                None => ctx.warn(
                    &at,
                    "a discriminator needs every alternative to be a `$ref` (an inline schema has no name to be tagged with): the enum is untagged, each alternative tried in turn",
                ),
            }
        }
        let mut tag = discriminator.map(|d| d.property_name.clone());
        if discriminator.is_none() {
            if let Some((property, values)) = inferred_tag(ctx.spec, &members) {
                tag = Some(property);
                tags = Some(values.into_iter().map(|value| vec![value]).collect());
            }
        }
        let mut scope = Scope::with_reserved(if tags.is_some() { ENUM_RESERVED } else { &[] });
        let mut variants = Vec::new();
        for (position, (index, member, at)) in members.iter().enumerate() {
            let title = match member {
                SchemaRef::Item(schema) => schema.schema_data.title.as_deref(),
                SchemaRef::Ref(_) => None,
            };
            // An alternative without a title is named by its tag value when it has one.
            // (A value that does not start with a letter would give a made-up name.)
            let tag_value = tags
                .as_ref()
                .and_then(|t| t.get(position))
                .and_then(|values| values.first())
                .filter(|value| value.starts_with(|c: char| c.is_ascii_alphabetic()))
                .map(|value| naming::type_name(value));
            let suffix = match (title, tag_value) {
                (Some(title), _) => naming::type_name(title),
                (None, Some(name)) => name,
                (None, None) => format!("Variant{}", index + 1),
            };
            let ty = self.lower_ref(ctx, *member, &format!("{name}{suffix}"), at);
            let variant = match (&ty, member) {
                (TypeRef::Named(named), SchemaRef::Ref(_)) => named.clone(),
                (TypeRef::Named(named), SchemaRef::Item(_))
                    if self.components.values().any(|c| c == named) =>
                {
                    named.clone()
                }
                (TypeRef::Named(_), SchemaRef::Item(_)) => suffix,
                // A plain value is named by its title when it has one (`id`, `name`).
                (_, SchemaRef::Item(_)) if title.is_some() => suffix,
                (other, _) => variant_of(other),
            };
            let (variant, _) = scope.claim(&variant);
            let doc = match member {
                SchemaRef::Item(schema) => doc_of(schema),
                SchemaRef::Ref(_) => None,
            };
            variants.push(OneOfVariant {
                name: variant,
                ty,
                doc,
                tags: tags
                    .as_ref()
                    .and_then(|t| t.get(position))
                    .cloned()
                    .unwrap_or_default(),
                boxed: false,
            });
        }
        if tags.is_none() {
            // Untagged variants are tried in order. An integer is also a number and anything is
            // a JSON value, so those go after the variants they would swallow.
            let has_integer = variants.iter().any(|v| matches!(v.ty, TypeRef::Integer(_)));
            variants.sort_by_key(|v| match v.ty {
                TypeRef::Json => 2,
                TypeRef::Number if has_integer => 1,
                _ => 0,
            });
        }
        OneOf {
            tag: tags.and(tag),
            variants,
        }
    }
}

/// A property that tells the alternatives apart where the spec gives no `discriminator`:
/// required in every alternative (each an object), and each time a string of one value
/// (`enum: [blank]`, a 3.1 `const`) that no other alternative has. The first such property
/// of the first alternative, with each alternative's value. Tried in turn, alternatives
/// that differ only there would all be read as the first one whose value is open.
fn inferred_tag(
    spec: &OpenAPI,
    members: &[(usize, SchemaRef<'_>, String)],
) -> Option<(String, Vec<String>)> {
    let schemas: Vec<&Schema> = members
        .iter()
        .map(|(_, member, _)| match member {
            SchemaRef::Ref(reference) => resolve(spec, reference).map(|(schema, _, _)| schema),
            SchemaRef::Item(schema) => Some(*schema),
        })
        .collect::<Option<_>>()?;
    let SchemaKind::Type(Type::Object(first)) = &schemas.first()?.schema_kind else {
        return None;
    };
    if schemas.len() < 2 {
        return None;
    }
    'properties: for property in first.properties.keys() {
        let mut values: Vec<String> = Vec::new();
        for schema in &schemas {
            match single_value(spec, schema, property) {
                Some(value) if !values.contains(&value) => values.push(value),
                _ => continue 'properties,
            }
        }
        return Some((property.clone(), values));
    }
    None
}

/// The one string value `property` of an object schema may have, when it is required.
fn single_value(spec: &OpenAPI, schema: &Schema, property: &str) -> Option<String> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    if !object.required.iter().any(|name| name == property) {
        return None;
    }
    let schema = match object.properties.get(property)? {
        ReferenceOr::Item(schema) => schema.as_ref(),
        ReferenceOr::Reference { reference } => resolve(spec, reference)?.0,
    };
    if schema.schema_data.nullable {
        return None;
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => match string.enumeration.as_slice() {
            [Some(value)] => Some(value.clone()),
            _ => None,
        },
        // Untyped, one value (`{enum: [blank]}`): a string when the value is one.
        SchemaKind::Any(any) if any.typ.is_none() => match any.enumeration.as_slice() {
            [serde_json::Value::String(value)] => Some(value.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The variant name of an alternative that is not a named type.
pub(super) fn variant_of(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer(_) => "Integer".into(),
        TypeRef::Number => "Number".into(),
        TypeRef::Boolean => "Boolean".into(),
        TypeRef::Json => "Any".into(),
        TypeRef::File => "File".into(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Vec(inner) => format!("{}List", variant_of(inner)),
        TypeRef::Map(inner) => format!("{}Map", variant_of(inner)),
        TypeRef::Nullable(inner) => variant_of(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::variant_of;
    use crate::lower::types::test_support::lowered;
    use crate::model::{OneOf, TypeKind, TypeRef};

    fn union(components: &str, name: &str) -> (Option<OneOf>, Vec<String>) {
        let (mut types, messages) = lowered(components);
        let union = match types.remove(name).map(|def| def.kind) {
            Some(TypeKind::OneOf(union)) => Some(union),
            _ => None,
        };
        (union, messages)
    }

    /// Each variant's name and tag values.
    fn tags_of(union: &OneOf) -> Vec<(&str, Vec<String>)> {
        union
            .variants
            .iter()
            .map(|v| (v.name.as_str(), v.tags.clone()))
            .collect()
    }

    #[test]
    fn a_discriminator_tags_each_variant_with_its_mapped_values() {
        let (union, messages) = union(
            "  schemas:\n    Cat: {type: object, properties: {kind: {type: string}}}\n    Dog: {type: object, properties: {kind: {type: string}}}\n    Pet:\n      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]\n      discriminator:\n        propertyName: kind\n        mapping: {cat: '#/components/schemas/Cat'}\n",
            "Pet",
        );
        assert!(messages.is_empty(), "{messages:?}");
        let union = union.expect("Pet is a union");
        assert_eq!(union.tag.as_deref(), Some("kind"));
        // An alternative the mapping leaves out is tagged with its component name.
        assert_eq!(
            tags_of(&union),
            [
                ("Cat", vec!["cat".to_string()]),
                ("Dog", vec!["Dog".to_string()])
            ]
        );
    }

    /// Without a discriminator, a required property of one value of its own in each
    /// alternative tags them (tried in turn, an open enum would take every value first).
    #[test]
    fn a_property_of_one_value_per_alternative_tags_them() {
        let source = |second: &str| {
            format!(
                "  schemas:\n    Image: {{type: object, required: [type, id], properties: {{type: {{type: string, enum: [image]}}, id: {{type: string}}}}}}\n    Source:\n      oneOf:\n        - {{type: object, required: [type, size], properties: {{type: {{type: string, enum: [blank]}}, size: {{type: integer}}}}}}\n        - {second}\n        - {{$ref: '#/components/schemas/Image'}}\n"
            )
        };
        let (found, messages) = union(
            &source(
                "{type: object, required: [type, id], properties: {id: {type: string}, type: {type: string, enum: [global_image]}}}",
            ),
            "Source",
        );
        assert!(messages.is_empty(), "{messages:?}");
        let source_union = found.expect("Source is a union");
        assert_eq!(source_union.tag.as_deref(), Some("type"));
        // Inline alternatives are named by their value.
        assert_eq!(
            tags_of(&source_union),
            [
                ("Blank", vec!["blank".to_string()]),
                ("GlobalImage", vec!["global_image".to_string()]),
                ("Image", vec!["image".to_string()])
            ]
        );
        // An untyped property of one value tags too.
        let (untyped, _) = union(
            &source("{type: object, required: [type], properties: {type: {enum: [other]}}}"),
            "Source",
        );
        assert_eq!(untyped.and_then(|u| u.tag).as_deref(), Some("type"));
        // Not when a value repeats, is optional, or is open.
        for second in [
            "{type: object, required: [type], properties: {type: {type: string, enum: [blank]}}}",
            "{type: object, properties: {type: {type: string, enum: [other]}}}",
            "{type: object, required: [type], properties: {type: {type: string, enum: [a, b]}}}",
            "{type: object, required: [type], properties: {type: {type: string}}}",
        ] {
            let (other, _) = union(&source(second), "Source");
            assert_eq!(other.map(|u| u.tag), Some(None), "{second}");
        }
    }

    #[test]
    fn untagged_alternatives_that_would_swallow_others_go_last() {
        let (union, _) = union(
            "  schemas:\n    N:\n      oneOf: [{type: number}, {}, {type: integer}]\n",
            "N",
        );
        let names: Vec<String> = union
            .map(|u| u.variants.iter().map(|v| v.name.clone()).collect())
            .unwrap_or_default();
        assert_eq!(names, ["Integer", "Number", "Any"]);
    }

    #[test]
    fn plain_alternatives_are_named_after_their_type() {
        assert_eq!(
            variant_of(&TypeRef::Vec(Box::new(TypeRef::String))),
            "StringList"
        );
        assert_eq!(variant_of(&TypeRef::Map(Box::new(TypeRef::Json))), "AnyMap");
    }
}
