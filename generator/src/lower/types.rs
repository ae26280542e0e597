//! Schemas into named Rust types. Component schemas are named first (so references work in
//! any order, cycles included); inline schemas get names from where they stand.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, ObjectType, ReferenceOr, Schema, SchemaKind, StringType,
    Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::context::{Ctx, child, unescape_token};
use crate::diagnostic::did_you_mean;
use crate::lower::graph::{self, Graph};
use crate::model::{Enum, Field, IntWidth, Struct, TypeDef, TypeKind, TypeRef, Variant};
use crate::naming::{self, Scope};

/// Names of the variant and helper the emitted enums use themselves.
const ENUM_RESERVED: &[&str] = &["Unknown"];

/// The `type` values of OpenAPI 3.0.
const KNOWN_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// How a value is laid out, for parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Scalar,
    Array,
    Object,
}

/// See [`TypeSpace::default_needs`].
enum DefaultNeeds {
    Nothing,
    Struct(String),
    Never,
}

pub struct TypeSpace {
    /// Component schema key -> Rust type name.
    components: BTreeMap<String, String>,
    names: Scope,
    types: BTreeMap<String, TypeDef>,
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

    /// Whether a type is written as one value, a list or an object (aliases followed), which
    /// decides how it goes into a query string.
    pub fn shape_of(&self, ty: &TypeRef) -> Shape {
        let mut current = ty;
        for _ in 0..64 {
            match current {
                TypeRef::Vec(_) => return Shape::Array,
                TypeRef::Map(_) | TypeRef::Json => return Shape::Object,
                TypeRef::Named(name) => match self.types.get(name).map(|def| &def.kind) {
                    Some(TypeKind::Struct(_)) => return Shape::Object,
                    Some(TypeKind::Alias(inner)) => current = inner,
                    Some(TypeKind::Enum(_)) | None => return Shape::Scalar,
                },
                _ => return Shape::Scalar,
            }
        }
        Shape::Scalar
    }

    /// The schema of a component, by Rust type name, following aliases of references.
    pub fn finish(mut self, ctx: &mut Ctx<'_>) -> Vec<TypeDef> {
        self.check_alias_cycles(ctx);
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
            None => {
                let known = ctx.spec.components.iter().flat_map(|c| c.schemas.keys());
                let hint = did_you_mean(&key, known.map(String::as_str));
                ctx.error(
                    &child(pointer, "$ref"),
                    format!(
                        "dangling reference `{reference}`: expected the name of a schema in `components/schemas`, found `{key}`{hint}"
                    ),
                );
                TypeRef::Json
            }
        }
    }

    /// A named type for a schema that stands at the top of a component.
    fn named(&mut self, ctx: &mut Ctx<'_>, name: &str, schema: &Schema, pointer: &str) -> TypeDef {
        let doc = doc_of(schema);
        let kind = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) if has_values(string) => {
                TypeKind::Enum(self.enumeration(ctx, string, schema, pointer))
            }
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
                TypeKind::Struct(self.structure(ctx, name, object, pointer))
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                let object = ObjectType {
                    properties: any.properties.clone(),
                    required: any.required.clone(),
                    additional_properties: any.additional_properties.clone(),
                    min_properties: None,
                    max_properties: None,
                };
                TypeKind::Struct(self.structure(ctx, name, &object, pointer))
            }
            _ => TypeKind::Alias(self.shape(ctx, name, schema, pointer)),
        };
        TypeDef {
            name: name.to_string(),
            doc,
            kind,
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
        match schema {
            ReferenceOr::Reference { reference } => self.reference(ctx, reference, pointer),
            ReferenceOr::Item(schema) => self.inline(ctx, schema, hint, pointer),
        }
    }

    fn type_of_boxed(
        &mut self,
        ctx: &mut Ctx<'_>,
        schema: &ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(ctx, reference, pointer),
            ReferenceOr::Item(schema) => self.inline(ctx, schema, hint, pointer),
        }
    }

    fn inline(&mut self, ctx: &mut Ctx<'_>, schema: &Schema, hint: &str, pointer: &str) -> TypeRef {
        let needs_name = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => has_values(string),
            SchemaKind::Type(Type::Object(object)) => !object.properties.is_empty(),
            SchemaKind::Any(any) => !any.properties.is_empty(),
            _ => false,
        };
        if !needs_name {
            return self.shape(ctx, hint, schema, pointer);
        }
        let (name, _) = self.names.claim(&naming::type_name(hint));
        let def = self.named(ctx, &name, schema, pointer);
        self.types.insert(name.clone(), def);
        TypeRef::Named(name)
    }

    /// Types that need no name of their own: scalars, arrays, maps, free-form JSON.
    fn shape(&mut self, ctx: &mut Ctx<'_>, hint: &str, schema: &Schema, pointer: &str) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(_)) => TypeRef::String,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Number(_)) => TypeRef::Number,
            SchemaKind::Type(Type::Integer(integer)) => match integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => {
                    TypeRef::Integer(IntWidth::I32)
                }
                _ => TypeRef::Integer(IntWidth::I64),
            },
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => {
                    let item = self.type_of_boxed(
                        ctx,
                        items,
                        &format!("{hint}Item"),
                        &child(pointer, "items"),
                    );
                    TypeRef::Vec(Box::new(item))
                }
                None => TypeRef::Vec(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(object)) => {
                self.map_of(ctx, object.additional_properties.as_ref(), hint, pointer)
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => match all_of.first() {
                Some(only) => self.type_of(ctx, only, hint, &child(pointer, "allOf/0")),
                None => TypeRef::Json,
            },
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                let keyword = match &schema.schema_kind {
                    SchemaKind::AllOf { .. } => "allOf",
                    SchemaKind::OneOf { .. } => "oneOf",
                    _ => "anyOf",
                };
                ctx.warn(
                    pointer,
                    format!(
                        "`{keyword}` with several schemas is not supported yet; typed as a JSON value"
                    ),
                );
                TypeRef::Json
            }
            SchemaKind::Not { .. } => TypeRef::Json,
            SchemaKind::Any(any) => {
                if any.additional_properties.is_some() {
                    self.map_of(ctx, any.additional_properties.as_ref(), hint, pointer)
                } else if let Some(items) = &any.items {
                    let item = self.type_of_boxed(
                        ctx,
                        items,
                        &format!("{hint}Item"),
                        &child(pointer, "items"),
                    );
                    TypeRef::Vec(Box::new(item))
                } else {
                    if let Some(typ) = &any.typ {
                        let hint = did_you_mean(typ, KNOWN_TYPES);
                        ctx.error(
                            &child(pointer, "type"),
                            format!(
                                "unknown type `{typ}`: expected one of string, number, integer, boolean, array, object{hint}"
                            ),
                        );
                    } else {
                        ctx.warn(
                            pointer,
                            "schema has no `type`: it is typed as any JSON value (`serde_json::Value`); give it a `type` if values of one kind are expected",
                        );
                    }
                    TypeRef::Json
                }
            }
        }
    }

    fn map_of(
        &mut self,
        ctx: &mut Ctx<'_>,
        additional: Option<&AdditionalProperties>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        let value = match additional {
            Some(AdditionalProperties::Schema(schema)) => self.type_of(
                ctx,
                schema,
                &format!("{hint}Value"),
                &child(pointer, "additionalProperties"),
            ),
            _ => TypeRef::Json,
        };
        TypeRef::Map(Box::new(value))
    }

    fn structure(
        &mut self,
        ctx: &mut Ctx<'_>,
        name: &str,
        object: &ObjectType,
        pointer: &str,
    ) -> Struct {
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        let properties_pointer = child(pointer, "properties");
        for (wire, schema) in &object.properties {
            let at = child(&properties_pointer, wire);
            let (field, renamed) = scope.claim(&naming::field_name(wire));
            if renamed {
                ctx.warn(
                    &at,
                    format!(
                        "property `{wire}` becomes the Rust field `{field}`: its plain name is taken by another property"
                    ),
                );
            }
            let hint = format!("{name}{}", naming::type_name(naming::bare(&field)));
            let ty = self.type_of_boxed(ctx, schema, &hint, &at);
            let (doc, nullable) = match schema {
                ReferenceOr::Item(schema) => (doc_of(schema), schema.schema_data.nullable),
                ReferenceOr::Reference { reference } => (
                    // A description beside the `$ref`, else the referenced schema's own.
                    ctx.raw_string(&at, "description").or_else(|| {
                        reference
                            .strip_prefix('#')
                            .and_then(|target| ctx.raw_string(target, "description"))
                    }),
                    ctx.raw_at(&at)
                        .and_then(|node| node.get("nullable"))
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                ),
            };
            fields.push(Field {
                name: field,
                wire_name: wire.clone(),
                doc,
                ty,
                required: object.required.iter().any(|r| r == wire),
                nullable,
                boxed: false,
            });
        }
        for required in &object.required {
            if !object.properties.contains_key(required) {
                ctx.warn(
                    &child(pointer, "required"),
                    format!("`{required}` is listed as required but is not a property"),
                );
            }
        }
        Struct {
            fields,
            default: false,
        }
    }

    fn enumeration(
        &mut self,
        ctx: &mut Ctx<'_>,
        string: &StringType,
        schema: &Schema,
        pointer: &str,
    ) -> Enum {
        let descriptions = enum_descriptions(&schema.schema_data.extensions);
        let mut scope = Scope::with_reserved(ENUM_RESERVED);
        let mut seen = BTreeSet::new();
        let mut variants = Vec::new();
        for (index, value) in string.enumeration.iter().enumerate() {
            let Some(value) = value else { continue };
            if !seen.insert(value.clone()) {
                ctx.warn(
                    &child(&child(pointer, "enum"), &index.to_string()),
                    format!("enum value `{value}` is listed twice"),
                );
                continue;
            }
            let (name, renamed) = scope.claim(&naming::variant_name(value));
            if renamed {
                ctx.warn(
                    &child(&child(pointer, "enum"), &index.to_string()),
                    format!(
                        "enum value `{value}` becomes the variant `{name}`: its plain name is taken"
                    ),
                );
            }
            variants.push(Variant {
                name,
                wire: value.clone(),
                doc: descriptions
                    .get(value)
                    .cloned()
                    .or_else(|| descriptions.get(&index.to_string()).cloned()),
            });
        }
        Enum { variants }
    }

    /// A struct derives `Default` when every required, non-nullable field has a default:
    /// a worklist from the structs that need no other struct, so the time stays linear in
    /// the number of types.
    fn mark_defaults(&mut self) {
        let mut waiting: BTreeMap<String, usize> = BTreeMap::new();
        let mut dependents: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut ready: Vec<String> = Vec::new();
        for (name, def) in &self.types {
            let TypeKind::Struct(s) = &def.kind else {
                continue;
            };
            let mut needs = BTreeSet::new();
            let mut never = false;
            for field in s.fields.iter().filter(|f| f.required && !f.nullable) {
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
    /// struct's `Default` (aliases followed), or it never has one (enums, unknown names).
    fn default_needs(&self, ty: &TypeRef) -> DefaultNeeds {
        let mut current = ty;
        for _ in 0..64 {
            let TypeRef::Named(name) = current else {
                return DefaultNeeds::Nothing;
            };
            match self.types.get(name).map(|def| &def.kind) {
                Some(TypeKind::Struct(_)) => return DefaultNeeds::Struct(name.clone()),
                Some(TypeKind::Alias(inner)) => current = inner,
                Some(TypeKind::Enum(_)) | None => return DefaultNeeds::Never,
            }
        }
        DefaultNeeds::Never
    }

    /// Boxes every field whose type leads back, without a `Vec` or map in between, to the
    /// struct that holds it.
    fn mark_boxes(&mut self) {
        let mut direct = Graph::new();
        for (name, def) in &self.types {
            let targets = match &def.kind {
                TypeKind::Struct(s) => s.fields.iter().filter_map(|f| named(&f.ty)).collect(),
                TypeKind::Alias(ty) => named(ty).into_iter().collect(),
                TypeKind::Enum(_) => Vec::new(),
            };
            direct.insert(name.clone(), targets);
        }
        // A field's type leads back to its struct exactly when both are in one strongly
        // connected component (the field itself is the edge from the struct to the type).
        let components = graph::components(&direct);
        for def in self.types.values_mut() {
            let TypeKind::Struct(s) = &mut def.kind else {
                continue;
            };
            let own = components.get(def.name.as_str());
            for field in &mut s.fields {
                if let Some(target) = named(&field.ty) {
                    field.boxed = own.is_some() && components.get(target.as_str()) == own;
                }
            }
        }
    }
}

/// Every named type inside a type (through lists and maps).
fn named_within(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(name) => out.push(name.clone()),
        TypeRef::Vec(inner) | TypeRef::Map(inner) => named_within(inner, out),
        _ => {}
    }
}

fn named(ty: &TypeRef) -> Option<String> {
    match ty {
        TypeRef::Named(name) => Some(name.clone()),
        _ => None,
    }
}

fn has_values(string: &StringType) -> bool {
    string.enumeration.iter().any(Option::is_some)
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
