//! `allOf`: the members (through references and nested `allOf`) merged into one struct; a
//! property several members define is typed by their intersection ([`super::intersect`]).

use std::collections::BTreeMap;

use openapiv3::{AdditionalProperties, OpenAPI, Schema};

use crate::context::Ctx;
use crate::lower::schema::{Kind, View};
use crate::model::{IntWidth, TypeKind, TypeRef};
use crate::pointer::{self, child};

use super::plan::is_typed;
use super::shapes::int_width;
use super::structs::Property;
use super::{MAX_DEPTH, SchemaRef, TypeSpace, doc_of, resolve};

/// The members of an `allOf`, flattened.
#[derive(Default)]
pub(super) struct Merged<'s> {
    /// In the order met.
    pub(super) properties: Vec<Property<'s>>,
    pub(super) required: Vec<String>,
    pub(super) additional: Option<(&'s AdditionalProperties, String)>,
    /// Members that are not objects (a `string`, a list...), with their pointers.
    pub(super) others: Vec<(SchemaRef<'s>, String)>,
}

impl TypeSpace {
    /// `allOf` with several members: their properties in one struct.
    pub(super) fn merged(
        &mut self,
        ctx: &mut Ctx<'_>,
        name: &str,
        schema: &Schema,
        pointer: &str,
    ) -> TypeKind {
        let mut merged = Merged::default();
        let mut stack = Vec::new();
        let spec = ctx.spec;
        self.merge(
            ctx,
            spec,
            SchemaRef::Item(schema),
            pointer,
            &mut merged,
            &mut stack,
            0,
        );
        let Merged {
            properties,
            required,
            additional,
            others,
        } = merged;
        if properties.is_empty() && additional.is_none() {
            if others.is_empty() {
                return TypeKind::Alias(TypeRef::Map(Box::new(TypeRef::Json)));
            }
            // Members that are not objects: the value is all of them at once.
            return TypeKind::Alias(self.intersection(ctx, spec, "the value", name, others));
        }
        if let Some((other, at)) = others.first() {
            ctx.warn(
                at,
                format!(
                    "this `allOf` member is {}, which no object with the properties of the others can be: no value is both, so it is typed as any JSON value (`serde_json::Value`)",
                    describe(peek(*other, &self.components).as_ref())
                ),
            );
            return TypeKind::Alias(TypeRef::Json);
        }
        TypeKind::Struct(self.structure(ctx, name, properties, &required, additional, pointer))
    }

    /// Adds one member of an `allOf` (and, through references and nested `allOf`, everything
    /// it includes) to `merged`. `stack` holds the components being merged, to stop at cycles.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn merge<'s>(
        &self,
        ctx: &mut Ctx<'_>,
        spec: &'s OpenAPI,
        member: SchemaRef<'s>,
        pointer: &str,
        merged: &mut Merged<'s>,
        stack: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let schema = match member {
            SchemaRef::Ref(reference) => {
                let Some((schema, at, key)) = resolve(spec, reference) else {
                    if ctx.dangling.contains(&child(pointer, "$ref")) {
                        // Already reported by the check of every reference.
                        return;
                    }
                    ctx.error(
                        pointer,
                        format!("`{reference}` does not name a schema in components"),
                    );
                    return;
                };
                if stack.contains(&key) {
                    ctx.error(
                        pointer,
                        format!(
                            "`allOf` includes `{key}`, which includes this schema again: the properties would never end"
                        ),
                    );
                    return;
                }
                stack.push(key);
                let view = View::of(schema);
                if is_object_like(&view) {
                    self.merge(
                        ctx,
                        spec,
                        SchemaRef::Item(schema),
                        &at,
                        merged,
                        stack,
                        depth + 1,
                    );
                } else if view.is_typed() {
                    // A named non-object: kept by reference, so that its type keeps its name.
                    merged.others.push((member, pointer.to_string()));
                }
                stack.pop();
                return;
            }
            SchemaRef::Item(schema) => schema,
        };
        let view = View::of(schema);
        if !is_object_like(&view) {
            if view.is_typed() {
                merged.others.push((member, pointer.to_string()));
            }
            merged.required.extend(view.required.iter().cloned());
            return;
        }
        let properties_pointer = child(pointer, "properties");
        for (wire, property) in view.properties.into_iter().flatten() {
            let at = child(&properties_pointer, wire);
            add_property(merged, wire, property.into(), at);
        }
        merged.required.extend(view.required.iter().cloned());
        if merged.additional.is_none() {
            if let Some(additional) = view.additional {
                merged.additional = Some((additional, pointer.to_string()));
            }
        }
        for (index, inner) in view.all_of.iter().enumerate() {
            let at = child(&child(pointer, "allOf"), &index.to_string());
            self.merge(ctx, spec, inner.into(), &at, merged, stack, depth + 1);
        }
        for (keyword, members) in [("oneOf", view.one_of), ("anyOf", view.any_of)] {
            if members.iter().any(|m| is_typed(m.into())) {
                ctx.warn(
                    &child(pointer, keyword),
                    format!(
                        "`{keyword}` inside `allOf` is not supported: the struct has the properties of the other members only"
                    ),
                );
            }
        }
    }
}

/// Adds a property met while merging. A property met again that only describes it gives
/// it its description; one that shapes it too joins the schemas the property's type is
/// the intersection of (see [`super::intersect`]).
fn add_property<'s>(merged: &mut Merged<'s>, wire: &str, schema: SchemaRef<'s>, at: String) {
    let Some(existing) = merged.properties.iter_mut().find(|p| p.wire == wire) else {
        merged.properties.push(Property {
            wire: wire.to_string(),
            schema,
            at,
            doc: None,
            also: Vec::new(),
        });
        return;
    };
    if !is_typed(schema) {
        // Only describes the property: the later description wins.
        if let SchemaRef::Item(schema) = schema {
            if let Some(doc) = doc_of(schema) {
                existing.doc = Some(doc);
            }
        }
        return;
    }
    if same_schema(existing.schema, schema)
        || existing
            .also
            .iter()
            .any(|(seen, _)| same_schema(*seen, schema))
    {
        return;
    }
    if !is_typed(existing.schema) {
        existing.schema = schema;
        existing.at = at;
        return;
    }
    existing.also.push((schema, at));
}

/// An object, or a schema whose members make one (`allOf`), as far as merging goes.
pub(super) fn is_object_like(view: &View<'_>) -> bool {
    match view.kind {
        Kind::Object => true,
        Kind::Untyped => view.items.is_none() && view.values().is_empty(),
        _ => false,
    }
}

pub(super) fn same_schema(a: SchemaRef<'_>, b: SchemaRef<'_>) -> bool {
    match (a, b) {
        (SchemaRef::Ref(a), SchemaRef::Ref(b)) => a == b,
        (SchemaRef::Item(a), SchemaRef::Item(b)) => a == b,
        _ => false,
    }
}

/// The type a schema has when that needs no new name (a reference, a scalar, a list of
/// such), without lowering anything; `None` for schemas that would need a name.
pub(super) fn peek(
    schema: SchemaRef<'_>,
    components: &BTreeMap<String, String>,
) -> Option<TypeRef> {
    match schema {
        SchemaRef::Ref(reference) => {
            let key = pointer::component_name(reference, "schemas")?;
            components.get(&key).cloned().map(TypeRef::Named)
        }
        SchemaRef::Item(schema) => {
            let view = View::of(schema);
            if !view.values().is_empty()
                || !view.all_of.is_empty()
                || !view.one_of.is_empty()
                || !view.any_of.is_empty()
            {
                return None;
            }
            match view.kind {
                Kind::String if view.format.as_deref() == Some("binary") => Some(TypeRef::File),
                Kind::String => Some(TypeRef::String),
                Kind::Integer => Some(TypeRef::Integer(int_width(view.format.as_deref()))),
                Kind::Number => Some(TypeRef::Number),
                Kind::Boolean => Some(TypeRef::Boolean),
                Kind::Array => match view.items {
                    Some(items) => {
                        peek(items.into(), components).map(|t| TypeRef::Vec(Box::new(t)))
                    }
                    None => Some(TypeRef::Vec(Box::new(TypeRef::Json))),
                },
                _ => None,
            }
        }
    }
}

/// A type as a message shows it.
pub(super) fn describe(ty: Option<&TypeRef>) -> String {
    fn text(ty: &TypeRef) -> String {
        match ty {
            TypeRef::String => "String".into(),
            TypeRef::Integer(IntWidth::I32) => "i32".into(),
            TypeRef::Integer(IntWidth::I64) => "i64".into(),
            TypeRef::Integer(IntWidth::U32) => "u32".into(),
            TypeRef::Integer(IntWidth::U64) => "u64".into(),
            TypeRef::Number => "f64".into(),
            TypeRef::Boolean => "bool".into(),
            TypeRef::Json => "serde_json::Value".into(),
            TypeRef::File => "File".into(),
            TypeRef::Named(name) => name.clone(),
            TypeRef::Vec(inner) => format!("Vec<{}>", text(inner)),
            TypeRef::Map(inner) => format!("BTreeMap<String, {}>", text(inner)),
            TypeRef::Nullable(inner) => format!("Option<{}>", text(inner)),
        }
    }
    match ty {
        Some(ty) => format!("`{}`", text(ty)),
        None => "an inline schema".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::describe;
    use crate::lower::types::test_support::{lowered, structure};
    use crate::model::{IntWidth, TypeRef};

    #[test]
    fn members_are_merged_into_one_struct_in_the_order_met() {
        let (types, messages) = lowered(
            "  schemas:\n    Base: {type: object, required: [id], properties: {id: {type: string}}}\n    Pet:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          properties:\n            name: {type: string}\n            id: {description: the pet's id}\n",
        );
        assert!(messages.is_empty(), "{messages:?}");
        let pet = structure(&types, "Pet");
        let names: Vec<&str> = pet
            .map(|s| s.fields.iter().map(|f| f.name.rust.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(names, ["id", "name"]);
        let id = pet.and_then(|s| s.fields.first());
        assert_eq!(id.map(|f| f.required), Some(true));
        // A later member that only describes a property gives it its description.
        assert_eq!(id.and_then(|f| f.doc.as_deref()), Some("the pet's id"));
    }

    #[test]
    fn a_dangling_member_is_left_to_the_reference_check() {
        // Lowering alone (no check of every reference before it) reports it in its words.
        let (_, messages) = lowered(
            "  schemas:\n    Pet:\n      allOf:\n        - $ref: '#/components/schemas/Nope'\n        - {type: object, properties: {a: {type: string}}}\n",
        );
        assert_eq!(messages.len(), 1, "{messages:?}");
    }

    #[test]
    fn members_that_cannot_be_combined_are_a_warning() {
        let (_, messages) = lowered(
            "  schemas:\n    X:\n      allOf:\n        - {type: string}\n        - {type: integer}\n",
        );
        assert!(
            messages.iter().any(|m| m.contains(
                "the value cannot be both an integer (this `allOf` member) and a string"
            )),
            "{messages:?}"
        );
    }

    #[test]
    fn types_are_described_as_rust_writes_them() {
        let ty = TypeRef::Map(Box::new(TypeRef::Vec(Box::new(TypeRef::Integer(
            IntWidth::U32,
        )))));
        assert_eq!(describe(Some(&ty)), "`BTreeMap<String, Vec<u32>>`");
        assert_eq!(describe(None), "an inline schema");
    }
}
