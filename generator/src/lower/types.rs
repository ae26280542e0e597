//! Schemas into named Rust types. Component schemas are named first (so references work in
//! any order, cycles included); inline schemas get names from where they stand.
//!
//! Every schema is read through [`View`] and sorted into a [`Plan`]: a struct (properties,
//! or the merged members of an `allOf`), a string or integer enum, an enum of alternatives
//! (`oneOf`/`anyOf`), one other schema (a composition that reduces to one member), or a
//! shape that needs no name (scalars, lists, maps, free-form JSON).

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema};
use serde_json::Value;

use crate::context::{Ctx, child, dangling_component, unescape_token};
use crate::diagnostic::did_you_mean;
use crate::lower::graph::{self, Graph};
use crate::lower::schema::{Kind, View, is_null_member};
use crate::model::{
    DefaultValue, Enum, Field, IntEnum, IntVariant, IntWidth, OneOf, OneOfVariant, Struct, TypeDef,
    TypeKind, TypeRef, Variant,
};
use crate::naming::{self, Scope};

/// Names of the variant and helper the emitted enums use themselves.
const ENUM_RESERVED: &[&str] = &["Unknown"];

/// How deep references and compositions are followed before giving up (a cycle).
const MAX_DEPTH: usize = 64;

/// The `type` values of OpenAPI 3.0.
const KNOWN_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// How a value is laid out, for parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Scalar,
    Array,
    Object,
}

/// A schema as written where it is used: a reference, or the schema itself.
#[derive(Debug, Clone, Copy)]
pub enum SchemaRef<'s> {
    Ref(&'s str),
    Item(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SchemaRef<'s> {
    fn from(schema: &'s ReferenceOr<Schema>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Item(schema),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SchemaRef<'s> {
    fn from(schema: &'s ReferenceOr<Box<Schema>>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Item(schema),
        }
    }
}

/// What a schema becomes.
enum Plan<'s> {
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
    /// Scalars, lists, maps, free-form JSON: no name needed.
    Shape,
}

/// A property of a struct to be: its wire name, schema and pointer, and a description that
/// replaces the schema's (a later `allOf` member that only describes the property).
struct Property<'s> {
    wire: String,
    schema: SchemaRef<'s>,
    at: String,
    doc: Option<String>,
}

/// The members of an `allOf`, flattened.
#[derive(Default)]
struct Merged<'s> {
    /// In the order met.
    properties: Vec<Property<'s>>,
    required: Vec<String>,
    additional: Option<(&'s AdditionalProperties, String)>,
    /// Members that are not objects (a `string`, a list...), with their pointers.
    others: Vec<(SchemaRef<'s>, String)>,
}

/// See [`TypeSpace::default_needs`].
enum DefaultNeeds {
    Nothing,
    Struct(String),
    Never,
}

/// A property's default value, resolved once every type is known.
struct PendingDefault {
    owner: String,
    field: usize,
    value: Value,
}

pub struct TypeSpace {
    /// Component schema key -> Rust type name.
    components: BTreeMap<String, String>,
    names: Scope,
    types: BTreeMap<String, TypeDef>,
    defaults: Vec<PendingDefault>,
    /// Component keys left unnamed because their Rust name was taken (reported once).
    collided: BTreeSet<String>,
}

impl TypeSpace {
    /// Names every component schema. Two keys that map to one Rust name are an error.
    pub fn new(ctx: &mut Ctx<'_>) -> Self {
        let mut space = TypeSpace {
            components: BTreeMap::new(),
            names: Scope::default(),
            types: BTreeMap::new(),
            defaults: Vec::new(),
            collided: BTreeSet::new(),
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

    fn scalar_union_within(&self, ty: &TypeRef, depth: u32) -> bool {
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

    pub fn finish(mut self, ctx: &mut Ctx<'_>) -> Vec<TypeDef> {
        self.check_alias_cycles(ctx);
        self.resolve_defaults();
        self.mark_defaults();
        self.mark_boxes();
        self.types.into_values().collect()
    }

    /// Schemas that refer to each other with no object in between (`A: {$ref: B}`,
    /// `B: {type: array, items: {$ref: A}}`) would be type aliases of each other, which no
    /// Rust type can be. Each such cycle is reported once, at its first schema in name order.
    fn check_alias_cycles(&self, ctx: &mut Ctx<'_>) {
        let mut edges = Graph::new();
        for (name, def) in &self.types {
            if let TypeKind::Alias(ty) = &def.kind {
                let mut targets = Vec::new();
                named_within(ty, &mut targets);
                targets.retain(|t| {
                    matches!(self.types.get(t).map(|d| &d.kind), Some(TypeKind::Alias(_)))
                });
                edges.insert(name.clone(), targets);
            }
        }
        let components = graph::components(&edges);
        let key_of: BTreeMap<&str, &str> = self
            .components
            .iter()
            .map(|(key, name)| (name.as_str(), key.as_str()))
            .collect();
        let mut reported: BTreeSet<usize> = BTreeSet::new();
        for start in graph::cyclic(&edges, &components) {
            let Some(component) = components.get(start) else {
                continue;
            };
            if !reported.insert(*component) {
                continue;
            }
            let Some(cycle) = graph::shortest_cycle(&edges, start) else {
                continue;
            };
            let key = key_of.get(start).copied().unwrap_or(start);
            ctx.error(
                &child("#/components/schemas", key),
                format!(
                    "schemas refer to each other with no object in between ({}): no Rust type can hold such a value; put an object with a property somewhere in the cycle",
                    cycle.join(" -> ")
                ),
            );
        }
    }

    fn reference(&mut self, ctx: &mut Ctx<'_>, reference: &str, pointer: &str) -> TypeRef {
        let Some(key) = reference.strip_prefix("#/components/schemas/") else {
            ctx.error(
                &child(pointer, "$ref"),
                format!(
                    "unsupported reference `{reference}`: expected `#/components/schemas/<name>`"
                ),
            );
            return TypeRef::Json;
        };
        let key = unescape_token(key);
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

    fn lower_ref(
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

    /// Like [`TypeSpace::lower_ref`], wrapped in `Option` when the schema admits `null`
    /// (for list items and map values; fields say so with their own flag).
    fn lower_nullable(
        &mut self,
        ctx: &mut Ctx<'_>,
        schema: SchemaRef<'_>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        let ty = self.lower_ref(ctx, schema, hint, pointer);
        if nullable(ctx.spec, schema, 0) {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    fn inline(&mut self, ctx: &mut Ctx<'_>, schema: &Schema, hint: &str, pointer: &str) -> TypeRef {
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
    fn named(&mut self, ctx: &mut Ctx<'_>, name: &str, schema: &Schema, pointer: &str) -> TypeDef {
        let plan = self.plan(ctx, schema, pointer);
        self.define(ctx, name, schema, plan, pointer)
    }

    fn define(
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
            Plan::Shape => TypeKind::Alias(self.shape(ctx, name, schema, pointer)),
        };
        TypeDef {
            name: name.to_string(),
            doc,
            kind,
        }
    }

    /// Sorts a schema into what it becomes. Warnings about keywords left unused are given here,
    /// once per schema.
    fn plan<'s>(&self, ctx: &mut Ctx<'_>, schema: &'s Schema, pointer: &str) -> Plan<'s> {
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
                    _ => Plan::Union(real),
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

    /// Types that need no name of their own: scalars, arrays, maps, free-form JSON.
    fn shape(&mut self, ctx: &mut Ctx<'_>, hint: &str, schema: &Schema, pointer: &str) -> TypeRef {
        let view = View::of(schema);
        let items = |space: &mut Self, ctx: &mut Ctx<'_>| match view.items {
            Some(items) => {
                let item = space.lower_nullable(
                    ctx,
                    items.into(),
                    &format!("{hint}Item"),
                    &child(pointer, "items"),
                );
                TypeRef::Vec(Box::new(item))
            }
            None => TypeRef::Vec(Box::new(TypeRef::Json)),
        };
        match view.kind {
            Kind::String if view.format.as_deref() == Some("binary") => TypeRef::File,
            Kind::String => TypeRef::String,
            Kind::Boolean => TypeRef::Boolean,
            Kind::Number => TypeRef::Number,
            Kind::Integer => TypeRef::Integer(int_width(view.format.as_deref())),
            Kind::Array => items(self, ctx),
            Kind::Object => self.map_of(ctx, view.additional, hint, pointer),
            Kind::Untyped if view.additional.is_some() => {
                self.map_of(ctx, view.additional, hint, pointer)
            }
            Kind::Untyped if view.items.is_some() => items(self, ctx),
            Kind::Untyped => {
                ctx.warn(
                    pointer,
                    "schema has no `type`: it is typed as any JSON value (`serde_json::Value`); give it a `type` if values of one kind are expected",
                );
                TypeRef::Json
            }
            Kind::Null => TypeRef::Json,
            Kind::Unknown => {
                let typ = view.type_name.unwrap_or("");
                let hint = did_you_mean(typ, KNOWN_TYPES);
                ctx.error(
                    &child(pointer, "type"),
                    format!(
                        "unknown type `{typ}`: expected one of string, number, integer, boolean, array, object{hint}"
                    ),
                );
                TypeRef::Json
            }
        }
    }

    /// The value type of `additionalProperties`: the schema's, or any JSON value.
    fn map_value(
        &mut self,
        ctx: &mut Ctx<'_>,
        additional: Option<&AdditionalProperties>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(schema)) => self.lower_nullable(
                ctx,
                schema.as_ref().into(),
                &format!("{hint}Value"),
                &child(pointer, "additionalProperties"),
            ),
            _ => TypeRef::Json,
        }
    }

    fn map_of(
        &mut self,
        ctx: &mut Ctx<'_>,
        additional: Option<&AdditionalProperties>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        TypeRef::Map(Box::new(self.map_value(ctx, additional, hint, pointer)))
    }

    /// A struct from properties (each with its own pointer), the names of the required ones,
    /// and `additionalProperties`.
    fn structure(
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
            let ty = self.lower_ref(ctx, *schema, &hint, at);
            let facts = PropertyFacts::of(ctx, *schema, at);
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
                name: field,
                wire_name: wire.clone(),
                doc,
                ty,
                required,
                nullable: facts.nullable,
                boxed: false,
                default: None,
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
        }
    }

    /// `allOf` with several members: their properties in one struct.
    fn merged(
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
            return match others.split_first() {
                None => TypeKind::Alias(TypeRef::Map(Box::new(TypeRef::Json))),
                Some(((first, at), rest)) => {
                    let kind = peek(*first, &self.components);
                    for (other, other_at) in rest {
                        let other_kind = peek(*other, &self.components);
                        if other_kind.is_none() || other_kind != kind {
                            ctx.error(
                                other_at,
                                format!(
                                    "this `allOf` member ({}) cannot be combined with the one at {at} ({}): one value cannot be both",
                                    describe(other_kind.as_ref()),
                                    describe(kind.as_ref())
                                ),
                            );
                        }
                    }
                    TypeKind::Alias(self.lower_ref(ctx, *first, name, at))
                }
            };
        }
        if let Some((other, at)) = others.first() {
            ctx.error(
                at,
                format!(
                    "this `allOf` member is {}, which cannot be combined with the object properties of the others",
                    describe(peek(*other, &self.components).as_ref())
                ),
            );
        }
        TypeKind::Struct(self.structure(ctx, name, properties, &required, additional, pointer))
    }

    /// Adds one member of an `allOf` (and, through references and nested `allOf`, everything
    /// it includes) to `merged`. `stack` holds the components being merged, to stop at cycles.
    #[allow(clippy::too_many_arguments)]
    fn merge<'s>(
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
            self.add_property(ctx, merged, wire, property.into(), at);
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

    /// Adds a property met while merging. The same property met again must agree: a
    /// description-only repeat is fine, as is the same schema or the same type.
    fn add_property<'s>(
        &self,
        ctx: &mut Ctx<'_>,
        merged: &mut Merged<'s>,
        wire: &str,
        schema: SchemaRef<'s>,
        at: String,
    ) {
        let Some(existing) = merged.properties.iter_mut().find(|p| p.wire == wire) else {
            merged.properties.push(Property {
                wire: wire.to_string(),
                schema,
                at,
                doc: None,
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
        if same_schema(existing.schema, schema) {
            return;
        }
        if !is_typed(existing.schema) {
            existing.schema = schema;
            existing.at = at;
            return;
        }
        let before = peek(existing.schema, &self.components);
        let now = peek(schema, &self.components);
        if before.is_some() && before == now {
            return;
        }
        ctx.error(
            &at,
            format!(
                "property `{wire}` is defined again with a different type by another `allOf` member: {} here, {} at {}",
                describe(now.as_ref()),
                describe(before.as_ref()),
                existing.at
            ),
        );
    }

    /// `oneOf`/`anyOf` with several members: an enum with one variant per member.
    fn union(
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
                    SchemaRef::Ref(reference) => reference
                        .strip_prefix("#/components/schemas/")
                        .map(unescape_token),
                    SchemaRef::Item(_) => None,
                })
                .collect();
            match keys {
                Some(keys) => {
                    let mut per_member: Vec<Vec<String>> = vec![Vec::new(); keys.len()];
                    for (value, target) in &discriminator.mapping {
                        let key = target
                            .strip_prefix("#/components/schemas/")
                            .map(unescape_token)
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
        let mut scope = Scope::with_reserved(if tags.is_some() { ENUM_RESERVED } else { &[] });
        let mut variants = Vec::new();
        for (position, (index, member, at)) in members.iter().enumerate() {
            let title = match member {
                SchemaRef::Item(schema) => schema.schema_data.title.as_deref(),
                SchemaRef::Ref(_) => None,
            };
            let suffix = match title {
                Some(title) => naming::type_name(title),
                None => format!("Variant{}", index + 1),
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
            tag: tags.and(discriminator.map(|d| d.property_name.clone())),
            variants,
        }
    }

    fn enumeration(
        &mut self,
        ctx: &mut Ctx<'_>,
        values: &[String],
        schema: &Schema,
        pointer: &str,
    ) -> Enum {
        let variants = enum_variants(ctx, values, schema, pointer, |value| {
            naming::variant_name(value)
        });
        Enum {
            variants: variants
                .into_iter()
                .map(|(name, wire, doc)| Variant { name, wire, doc })
                .collect(),
        }
    }

    fn int_enumeration(
        &mut self,
        ctx: &mut Ctx<'_>,
        values: &[i64],
        schema: &Schema,
        pointer: &str,
    ) -> IntEnum {
        let variants = enum_variants(ctx, values, schema, pointer, |value| {
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

    /// Turns the spec's default of each required field into a Rust value where the field's
    /// type can hold it (scalars and enum values); others stay in the docs only.
    fn resolve_defaults(&mut self) {
        let pending = std::mem::take(&mut self.defaults);
        for PendingDefault {
            owner,
            field,
            value,
        } in pending
        {
            let ty = match self.types.get(&owner).map(|def| &def.kind) {
                Some(TypeKind::Struct(s)) => match s.fields.get(field) {
                    Some(f) if !f.nullable && !f.boxed => f.ty.clone(),
                    _ => continue,
                },
                _ => continue,
            };
            let resolved = self.default_value(&ty, &value);
            if let Some(TypeKind::Struct(s)) = self.types.get_mut(&owner).map(|def| &mut def.kind) {
                if let Some(f) = s.fields.get_mut(field) {
                    f.default = resolved;
                }
            }
        }
    }

    fn default_value(&self, ty: &TypeRef, value: &Value) -> Option<DefaultValue> {
        match (self.resolve_alias(ty), value) {
            (TypeRef::String, Value::String(text)) => Some(DefaultValue::String(text.clone())),
            (TypeRef::Boolean, Value::Bool(flag)) => Some(DefaultValue::Bool(*flag)),
            (TypeRef::Number, Value::Number(n)) => n.as_f64().map(DefaultValue::Number),
            (TypeRef::Integer(width), Value::Number(n)) => {
                let n = n.as_i64()?;
                let fits = match width {
                    IntWidth::I32 => i32::try_from(n).is_ok(),
                    IntWidth::I64 => true,
                    IntWidth::U32 => u32::try_from(n).is_ok(),
                    IntWidth::U64 => n >= 0,
                };
                fits.then_some(DefaultValue::Integer(n))
            }
            (TypeRef::Named(name), value) => match self.types.get(name).map(|d| &d.kind) {
                Some(TypeKind::Enum(e)) => e
                    .variants
                    .iter()
                    .find(|v| Some(v.wire.as_str()) == value.as_str())
                    .map(|v| DefaultValue::Variant(name.clone(), v.name.clone())),
                Some(TypeKind::IntEnum(e)) => e
                    .variants
                    .iter()
                    .find(|v| Some(v.value) == value.as_i64())
                    .map(|v| DefaultValue::Variant(name.clone(), v.name.clone())),
                _ => None,
            },
            _ => None,
        }
    }

    /// A struct derives `Default` when every field has one.
    fn mark_defaults(&mut self) {
        // A worklist from the structs that need no other struct's `Default`, so the time
        // stays linear in the number of types.
        let mut waiting: BTreeMap<String, usize> = BTreeMap::new();
        let mut dependents: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut ready: Vec<String> = Vec::new();
        for (name, def) in &self.types {
            let TypeKind::Struct(s) = &def.kind else {
                continue;
            };
            let mut needs = BTreeSet::new();
            let mut never = false;
            let fields = s
                .fields
                .iter()
                .filter(|f| f.required && !f.nullable && f.default.is_none());
            for field in fields {
                match self.default_needs(&field.ty) {
                    DefaultNeeds::Nothing => {}
                    DefaultNeeds::Never => never = true,
                    DefaultNeeds::Struct(target) => {
                        needs.insert(target);
                    }
                }
            }
            if never {
                continue;
            }
            if needs.is_empty() {
                ready.push(name.clone());
                continue;
            }
            waiting.insert(name.clone(), needs.len());
            for target in needs {
                dependents.entry(target).or_default().push(name.clone());
            }
        }
        while let Some(name) = ready.pop() {
            if let Some(TypeKind::Struct(s)) = self.types.get_mut(&name).map(|def| &mut def.kind) {
                s.default = true;
            }
            for dependent in dependents.remove(&name).unwrap_or_default() {
                if let Some(count) = waiting.get_mut(&dependent) {
                    *count = count.saturating_sub(1);
                    if *count == 0 {
                        ready.push(dependent);
                    }
                }
            }
        }
    }

    /// What a value of `ty` needs to have a default: nothing (lists, maps, scalars), a
    /// struct's `Default` (aliases followed), or it never has one (enums, unions, unknown
    /// names).
    fn default_needs(&self, ty: &TypeRef) -> DefaultNeeds {
        match self.resolve_alias(ty) {
            TypeRef::Named(name) => match self.types.get(name).map(|def| &def.kind) {
                Some(TypeKind::Struct(_)) => DefaultNeeds::Struct(name.clone()),
                _ => DefaultNeeds::Never,
            },
            _ => DefaultNeeds::Nothing,
        }
    }

    /// Boxes every field (and enum variant) whose type leads back, without a `Vec` or map in
    /// between, to the type that holds it.
    fn mark_boxes(&mut self) {
        let mut direct = Graph::new();
        for (name, def) in &self.types {
            let targets = match &def.kind {
                TypeKind::Struct(s) => s.fields.iter().filter_map(|f| named(&f.ty)).collect(),
                TypeKind::OneOf(o) => o.variants.iter().filter_map(|v| named(&v.ty)).collect(),
                TypeKind::Alias(ty) => named(ty).into_iter().collect(),
                TypeKind::Enum(_) | TypeKind::IntEnum(_) | TypeKind::Responses(_) => Vec::new(),
            };
            direct.insert(name.clone(), targets);
        }
        // A field's type leads back to its type exactly when both are in one strongly
        // connected component (the field itself is the edge from the type to the field's).
        let components = graph::components(&direct);
        let leads_back = |from: &str, target: &str| {
            let own = components.get(from);
            own.is_some() && components.get(target) == own
        };
        for def in self.types.values_mut() {
            match &mut def.kind {
                TypeKind::Struct(s) => {
                    for field in &mut s.fields {
                        if let Some(target) = named(&field.ty) {
                            field.boxed = leads_back(&def.name, &target);
                        }
                    }
                }
                TypeKind::OneOf(o) => {
                    for variant in &mut o.variants {
                        if let Some(target) = named(&variant.ty) {
                            variant.boxed = leads_back(&def.name, &target);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// What a property says about itself beyond its type, reading through a `$ref` (siblings
/// of the reference first, then the referenced schema).
struct PropertyFacts {
    doc: Option<String>,
    nullable: bool,
    read_only: bool,
    write_only: bool,
    default: Option<Value>,
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

/// Whether a schema admits `null` (`nullable`, a `null` enum value or alternative),
/// following references.
fn nullable(spec: &OpenAPI, schema: SchemaRef<'_>, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match schema {
        SchemaRef::Ref(reference) => resolve(spec, reference)
            .is_some_and(|(schema, _, _)| nullable(spec, SchemaRef::Item(schema), depth + 1)),
        SchemaRef::Item(schema) => {
            let view = View::of(schema);
            schema.schema_data.nullable
                || view.kind == Kind::Null
                || view.enumeration.iter().any(Value::is_null)
                || view
                    .one_of
                    .iter()
                    .chain(view.any_of)
                    .any(|member| match member {
                        ReferenceOr::Item(member) => {
                            is_null_member(member) || member.schema_data.nullable
                        }
                        ReferenceOr::Reference { .. } => false,
                    })
        }
    }
}

/// Follows a schema reference (through chains of references) to the schema, its pointer
/// and its component key.
fn resolve<'a>(spec: &'a OpenAPI, reference: &str) -> Option<(&'a Schema, String, String)> {
    let schemas = &spec.components.as_ref()?.schemas;
    let mut reference = reference.to_string();
    for _ in 0..MAX_DEPTH {
        let key = unescape_token(reference.strip_prefix("#/components/schemas/")?);
        match schemas.get(&key)? {
            ReferenceOr::Item(schema) => {
                return Some((schema, child("#/components/schemas", &key), key));
            }
            ReferenceOr::Reference { reference: next } => reference = next.clone(),
        }
    }
    None
}

fn is_typed(schema: SchemaRef<'_>) -> bool {
    match schema {
        SchemaRef::Ref(_) => true,
        SchemaRef::Item(schema) => View::of(schema).is_typed(),
    }
}

/// An object, or a schema whose members make one (`allOf`), as far as merging goes.
fn is_object_like(view: &View<'_>) -> bool {
    match view.kind {
        Kind::Object => true,
        Kind::Untyped => view.items.is_none() && view.values().is_empty(),
        _ => false,
    }
}

fn same_schema(a: SchemaRef<'_>, b: SchemaRef<'_>) -> bool {
    match (a, b) {
        (SchemaRef::Ref(a), SchemaRef::Ref(b)) => a == b,
        (SchemaRef::Item(a), SchemaRef::Item(b)) => a == b,
        _ => false,
    }
}

/// The type a schema has when that needs no new name (a reference, a scalar, a list of
/// such), without lowering anything; `None` for schemas that would need a name.
fn peek(schema: SchemaRef<'_>, components: &BTreeMap<String, String>) -> Option<TypeRef> {
    match schema {
        SchemaRef::Ref(reference) => {
            let key = unescape_token(reference.strip_prefix("#/components/schemas/")?);
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
fn describe(ty: Option<&TypeRef>) -> String {
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

/// The variant name of an alternative that is not a named type.
fn variant_of(ty: &TypeRef) -> String {
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

/// The variants of an enum: a name for each distinct value (from `x-enum-varnames` or
/// `x-enumNames` when given, else `plain_name`), numbered in spec order when two names
/// collide, with the value's description (`x-enum-descriptions`, by value or by position).
fn enum_variants<V: Clone + Ord + std::fmt::Display>(
    ctx: &mut Ctx<'_>,
    values: &[V],
    schema: &Schema,
    pointer: &str,
    plain_name: impl Fn(&V) -> String,
) -> Vec<(String, V, Option<String>)> {
    let extensions = &schema.schema_data.extensions;
    let descriptions = enum_descriptions(extensions);
    let names = enum_names(extensions, values.len());
    let mut scope = Scope::with_reserved(ENUM_RESERVED);
    let mut seen = BTreeSet::new();
    let mut variants = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let at = child(&child(pointer, "enum"), &index.to_string());
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

fn int_width(format: Option<&str>) -> IntWidth {
    match format {
        Some("int32") => IntWidth::I32,
        Some("uint32") => IntWidth::U32,
        Some("uint64") => IntWidth::U64,
        _ => IntWidth::I64,
    }
}

/// A JSON scalar as text (`1`, `true`, `abc`).
fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn join_docs(doc: Option<String>, notes: &[String]) -> Option<String> {
    if notes.is_empty() {
        return doc;
    }
    let mut parts: Vec<String> = doc.into_iter().collect();
    parts.push(notes.join(" "));
    Some(parts.join("\n\n"))
}

/// Every named type inside a type (through lists and maps).
fn named_within(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(name) => out.push(name.clone()),
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            named_within(inner, out)
        }
        _ => {}
    }
}

fn named(ty: &TypeRef) -> Option<String> {
    match ty {
        TypeRef::Named(name) => Some(name.clone()),
        TypeRef::Nullable(inner) => named(inner),
        _ => None,
    }
}

/// The description of a schema, or its title when it has none.
pub fn doc_of(schema: &Schema) -> Option<String> {
    schema
        .schema_data
        .description
        .clone()
        .or_else(|| schema.schema_data.title.clone())
}

/// `x-enum-descriptions`, as a map from value to text or a list in the order of `enum`
/// (keyed then by index).
fn enum_descriptions(extensions: &IndexMap<String, Value>) -> BTreeMap<String, String> {
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
fn enum_names(extensions: &IndexMap<String, Value>, count: usize) -> Option<Vec<String>> {
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
