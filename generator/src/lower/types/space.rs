//! The type space: every named type of the crate, and the way in. Component schemas are
//! named before any is lowered (so references work in any order, cycles included); a
//! schema used somewhere is lowered by [`TypeSpace::type_of`], which follows a `$ref` to the
//! component's name or sorts an inline schema by its [`Plan`](super::plan::Plan) and hands
//! it to the job that builds it. Also the questions later steps ask of the lowered types
//! (aliases followed, a parameter's shape).

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{ReferenceOr, Schema};

use crate::context::Ctx;
use crate::lower::schema::View;
use crate::model::{TypeDef, TypeKind, TypeRef};
use crate::naming::{self, Scope};
use crate::pointer::{self, child, dangling_component};

use super::plan::Plan;
use super::structs::Property;
use super::{MAX_DEPTH, SchemaRef, Shape, TypeSpace, doc_of};

impl TypeSpace {
    /// Names every component schema. Two keys that map to one Rust name are an error.
    pub fn new(ctx: &mut Ctx<'_>) -> Self {
        let mut space = TypeSpace {
            components: BTreeMap::new(),
            names: Scope::default(),
            types: BTreeMap::new(),
            defaults: Vec::new(),
            collided: BTreeSet::new(),
            intersections: BTreeMap::new(),
            intersecting: 0,
        };
        let Some(components) = ctx.spec.components.as_ref() else {
            return space;
        };
        let mut first_key: BTreeMap<String, String> = BTreeMap::new();
        for key in components.schemas.keys() {
            let name = naming::type_name(key);
            if let Some(other) = first_key.get(&name) {
                ctx.error(
                    &child("#/components/schemas", key),
                    format!(
                        "schema names `{other}` and `{key}` both become the Rust type `{name}`; rename one of them"
                    ),
                );
                space.collided.insert(key.clone());
                continue;
            }
            first_key.insert(name.clone(), key.clone());
            space.names.claim(&name);
            space.components.insert(key.clone(), name);
        }
        space
    }

    /// Lowers every component schema.
    pub fn lower_components(&mut self, ctx: &mut Ctx<'_>) {
        let Some(components) = ctx.spec.components.as_ref() else {
            return;
        };
        for (key, schema) in &components.schemas {
            let Some(name) = self.components.get(key).cloned() else {
                continue;
            };
            let pointer = child("#/components/schemas", key);
            let def = match schema {
                ReferenceOr::Reference { reference } => TypeDef {
                    name: name.clone(),
                    doc: ctx.raw_string(&pointer, "description"),
                    kind: TypeKind::Alias(self.reference(ctx, reference, &pointer)),
                },
                ReferenceOr::Item(schema) => self.named(ctx, &name, schema, &pointer),
            };
            self.types.insert(name, def);
        }
    }

    /// The Rust type name of a component schema key.
    pub fn component_name(&self, key: &str) -> Option<&str> {
        self.components.get(key).map(String::as_str)
    }

    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.types.get(name)
    }

    /// A fresh type name from a hint (numbered if taken), for a type made outside this module.
    pub fn claim(&mut self, hint: &str) -> String {
        self.names.claim(&naming::type_name(hint)).0
    }

    /// Adds a type made outside this module, under a name from [`TypeSpace::claim`].
    pub fn insert(&mut self, def: TypeDef) {
        self.types.insert(def.name.clone(), def);
    }

    /// The type behind aliases.
    pub fn resolve_alias<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        let mut current = ty;
        for _ in 0..MAX_DEPTH {
            match current {
                TypeRef::Named(name) => match self.types.get(name).map(|def| &def.kind) {
                    Some(TypeKind::Alias(inner)) => current = inner,
                    _ => return current,
                },
                _ => return current,
            }
        }
        current
    }

    /// Whether a type is written as one value, a list or an object (aliases followed), which
    /// decides how it goes into a query string.
    pub fn shape_of(&self, ty: &TypeRef) -> Shape {
        match self.resolve_alias(ty) {
            TypeRef::Vec(_) => Shape::Array,
            TypeRef::Map(_) | TypeRef::Json => Shape::Object,
            TypeRef::Named(name) => match self.types.get(name).map(|def| &def.kind) {
                Some(TypeKind::Struct(_) | TypeKind::OneOf(_)) => Shape::Object,
                _ => Shape::Scalar,
            },
            _ => Shape::Scalar,
        }
    }

    /// Whether `ty` is an untagged `oneOf`/`anyOf` whose alternatives are all scalars (an id
    /// or a name, say): as a parameter, any of them is sent as plain text.
    pub fn is_scalar_union(&self, ty: &TypeRef) -> bool {
        self.scalar_union_within(ty, 8)
    }

    pub(super) fn scalar_union_within(&self, ty: &TypeRef, depth: u32) -> bool {
        let TypeRef::Named(name) = self.resolve_alias(ty) else {
            return false;
        };
        let Some(TypeKind::OneOf(union)) = self.types.get(name).map(|def| &def.kind) else {
            return false;
        };
        depth > 0
            && union.tag.is_none()
            && union.variants.iter().all(|variant| {
                matches!(self.shape_of(&variant.ty), Shape::Scalar)
                    || self.scalar_union_within(&variant.ty, depth - 1)
            })
    }

    pub(super) fn reference(
        &mut self,
        ctx: &mut Ctx<'_>,
        reference: &str,
        pointer: &str,
    ) -> TypeRef {
        let Some(key) = pointer::component_name(reference, "schemas") else {
            ctx.error(
                &child(pointer, "$ref"),
                format!(
                    "unsupported reference `{reference}`: expected `#/components/schemas/<name>`"
                ),
            );
            return TypeRef::Json;
        };
        match self.components.get(&key) {
            Some(name) => TypeRef::Named(name.clone()),
            // Already reported: two schemas with one Rust name.
            None if self.collided.contains(&key) => TypeRef::Json,
            // Already reported by the check of every reference.
            None if ctx.dangling.contains(&child(pointer, "$ref")) => TypeRef::Json,
            None => {
                let known = ctx.spec.components.iter().flat_map(|c| c.schemas.keys());
                let message =
                    dangling_component(reference, "schemas", &key, known.map(String::as_str));
                ctx.error(&child(pointer, "$ref"), message);
                TypeRef::Json
            }
        }
    }

    /// The type of a schema used somewhere (a field, an item, a parameter, a body). Inline
    /// objects and enums become named types called `hint`.
    pub fn type_of(
        &mut self,
        ctx: &mut Ctx<'_>,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        self.lower_ref(ctx, schema.into(), hint, pointer)
    }

    pub(super) fn lower_ref(
        &mut self,
        ctx: &mut Ctx<'_>,
        schema: SchemaRef<'_>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        match schema {
            SchemaRef::Ref(reference) => self.reference(ctx, reference, pointer),
            SchemaRef::Item(schema) => self.inline(ctx, schema, hint, pointer),
        }
    }

    pub(super) fn inline(
        &mut self,
        ctx: &mut Ctx<'_>,
        schema: &Schema,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        let plan = self.plan(ctx, schema, pointer);
        match plan {
            Plan::Single(member, at) => self.lower_ref(ctx, member, hint, &at),
            Plan::Shape => self.shape(ctx, hint, schema, pointer),
            plan => {
                let (name, _) = self.names.claim(&naming::type_name(hint));
                let def = self.define(ctx, &name, schema, plan, pointer);
                self.types.insert(name.clone(), def);
                TypeRef::Named(name)
            }
        }
    }

    /// A named type for a schema that stands at the top of a component (or an inline
    /// schema that needs a name).
    pub(super) fn named(
        &mut self,
        ctx: &mut Ctx<'_>,
        name: &str,
        schema: &Schema,
        pointer: &str,
    ) -> TypeDef {
        let plan = self.plan(ctx, schema, pointer);
        self.define(ctx, name, schema, plan, pointer)
    }

    pub(super) fn define(
        &mut self,
        ctx: &mut Ctx<'_>,
        name: &str,
        schema: &Schema,
        plan: Plan<'_>,
        pointer: &str,
    ) -> TypeDef {
        let doc = doc_of(schema);
        let kind = match plan {
            Plan::Single(SchemaRef::Item(member), at) => {
                // The member is the type; the wrapper's description wins.
                let mut def = self.named(ctx, name, member, &at);
                if doc.is_some() {
                    def.doc = doc;
                }
                return def;
            }
            Plan::Single(SchemaRef::Ref(reference), at) => {
                TypeKind::Alias(self.reference(ctx, reference, &at))
            }
            Plan::StringEnum(values) => {
                TypeKind::Enum(self.enumeration(ctx, &values, schema, pointer))
            }
            Plan::IntEnum(values) => {
                TypeKind::IntEnum(self.int_enumeration(ctx, &values, schema, pointer))
            }
            Plan::Struct => {
                let view = View::of(schema);
                let properties_pointer = child(pointer, "properties");
                let properties = view
                    .properties
                    .into_iter()
                    .flatten()
                    .map(|(wire, schema)| Property {
                        wire: wire.clone(),
                        schema: SchemaRef::from(schema),
                        at: child(&properties_pointer, wire),
                        doc: None,
                        also: Vec::new(),
                    })
                    .collect();
                let additional = view.additional.map(|a| (a, pointer.to_string()));
                TypeKind::Struct(self.structure(
                    ctx,
                    name,
                    properties,
                    view.required,
                    additional,
                    pointer,
                ))
            }
            Plan::Merge => self.merged(ctx, name, schema, pointer),
            Plan::Union(members) => {
                TypeKind::OneOf(self.union(ctx, name, schema, members, pointer))
            }
            Plan::ValueUnion(values) => {
                TypeKind::Enum(self.documented_enumeration(ctx, values, schema))
            }
            Plan::Shape => TypeKind::Alias(self.shape(ctx, name, schema, pointer)),
        };
        TypeDef {
            name: name.to_string(),
            doc,
            kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::lowered;
    use crate::model::{TypeKind, TypeRef};

    #[test]
    fn components_are_named_before_any_is_lowered() {
        // `A` refers to `B`, which comes later: the reference still finds its name.
        let (types, messages) = lowered(
            "  schemas:\n    A: {type: array, items: {$ref: '#/components/schemas/B'}}\n    B: {type: string}\n",
        );
        assert!(messages.is_empty(), "{messages:?}");
        let a = types.get("A").map(|def| &def.kind);
        assert!(
            matches!(a, Some(TypeKind::Alias(TypeRef::Vec(item))) if **item == TypeRef::Named("B".into())),
            "{a:?}"
        );
    }

    #[test]
    fn two_keys_with_one_rust_name_are_an_error_and_the_second_is_left_out() {
        let (types, messages) =
            lowered("  schemas:\n    my-pet: {type: string}\n    MyPet: {type: integer}\n");
        assert!(types.contains_key("MyPet"));
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("both become the Rust type `MyPet`"))
        );
    }

    #[test]
    fn an_inline_object_is_named_after_where_it_stands() {
        let (types, _) = lowered(
            "  schemas:\n    Pet:\n      type: object\n      properties:\n        owner: {type: object, properties: {name: {type: string}}}\n",
        );
        assert!(types.contains_key("PetOwner"), "{:?}", types.keys());
    }
}
