//! The passes run once every type is known: schemas that would be aliases of each other
//! reported, defaults of required fields turned into Rust values, `Default` derived where
//! every field has one, and fields that lead back to their own type boxed.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::context::Ctx;
use crate::lower::graph::{self, Graph};
use heck::ToSnakeCase;

use crate::model::{DefaultValue, IntWidth, TypeDef, TypeKind, TypeRef};
use crate::naming::Scope;
use crate::pointer::child;

use super::TypeSpace;

/// See [`TypeSpace::default_needs`].
pub(super) enum DefaultNeeds {
    Nothing,
    Struct(String),
    Never,
}

/// A property's default value, resolved once every type is known.
pub(super) struct PendingDefault {
    pub(super) owner: String,
    pub(super) field: usize,
    pub(super) value: Value,
}

impl TypeSpace {
    pub fn finish(mut self, ctx: &mut Ctx<'_>) -> Vec<TypeDef> {
        self.check_alias_cycles(ctx);
        self.resolve_defaults();
        self.name_defaults();
        self.mark_defaults();
        self.mark_boxes();
        self.types.into_values().collect()
    }

    /// Schemas that refer to each other with no object in between (`A: {$ref: B}`,
    /// `B: {type: array, items: {$ref: A}}`) would be type aliases of each other, which no
    /// Rust type can be. Each such cycle is reported once, at its first schema in name order.
    pub(super) fn check_alias_cycles(&self, ctx: &mut Ctx<'_>) {
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

    /// Turns the spec's default of each required field into a Rust value where the field's
    /// type can hold it (scalars and enum values); others stay in the docs only.
    pub(super) fn resolve_defaults(&mut self) {
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

    pub(super) fn default_value(&self, ty: &TypeRef, value: &Value) -> Option<DefaultValue> {
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

    /// Names the function that gives each field's default, `default_<struct>_<field>`,
    /// numbered when two meet in one name; in the order the types are emitted.
    fn name_defaults(&mut self) {
        let mut names = Scope::default();
        for def in self.types.values_mut() {
            let owner = def.name.to_snake_case();
            let TypeKind::Struct(s) = &mut def.kind else {
                continue;
            };
            for field in &mut s.fields {
                if field.default.is_some() {
                    let wanted = format!("default_{owner}_{}", field.name.bare);
                    field.default_fn = Some(names.claim(&wanted).0);
                }
            }
        }
    }

    /// A struct derives `Default` when every field has one.
    pub(super) fn mark_defaults(&mut self) {
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
    pub(super) fn default_needs(&self, ty: &TypeRef) -> DefaultNeeds {
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
    pub(super) fn mark_boxes(&mut self) {
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

/// Every named type inside a type (through lists and maps).
pub(super) fn named_within(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(name) => out.push(name.clone()),
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            named_within(inner, out)
        }
        _ => {}
    }
}

pub(super) fn named(ty: &TypeRef) -> Option<String> {
    match ty {
        TypeRef::Named(name) => Some(name.clone()),
        TypeRef::Nullable(inner) => named(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::lower::types::test_support::{lowered, structure};
    use crate::model::DefaultValue;

    #[test]
    fn a_field_that_leads_back_to_its_struct_is_boxed_and_one_through_a_list_is_not() {
        let (types, _) = lowered(
            "  schemas:\n    Node:\n      type: object\n      properties:\n        next: {$ref: '#/components/schemas/Node'}\n        children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n",
        );
        let boxed: Vec<(String, bool)> = structure(&types, "Node")
            .map(|s| {
                s.fields
                    .iter()
                    .map(|f| (f.name.rust.clone(), f.boxed))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(boxed, [("next".into(), true), ("children".into(), false)]);
    }

    #[test]
    fn defaults_become_values_and_a_struct_derives_default_when_every_field_has_one() {
        let (types, _) = lowered(
            "  schemas:\n    Mode: {type: string, enum: [fast, slow]}\n    Settings:\n      type: object\n      required: [mode, retries]\n      properties:\n        mode: {allOf: [{$ref: '#/components/schemas/Mode'}], default: slow}\n        retries: {type: integer, default: 3}\n    Outer:\n      type: object\n      required: [settings]\n      properties:\n        settings: {$ref: '#/components/schemas/Settings'}\n",
        );
        let settings = structure(&types, "Settings");
        let defaults: Vec<Option<DefaultValue>> = settings
            .map(|s| s.fields.iter().map(|f| f.default.clone()).collect())
            .unwrap_or_default();
        assert_eq!(
            defaults,
            [
                Some(DefaultValue::Variant("Mode".into(), "Slow".into())),
                Some(DefaultValue::Integer(3))
            ]
        );
        assert_eq!(settings.map(|s| s.default), Some(true));
        // Through another struct's `Default`.
        assert_eq!(structure(&types, "Outer").map(|s| s.default), Some(true));
    }

    #[test]
    fn schemas_that_alias_each_other_are_reported_once() {
        let (_, messages) = lowered(
            "  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {type: array, items: {$ref: '#/components/schemas/A'}}\n",
        );
        let cycles = messages
            .iter()
            .filter(|m| m.contains("refer to each other"))
            .count();
        assert_eq!(cycles, 1, "{messages:?}");
    }

    #[test]
    fn default_functions_are_named_once_for_the_whole_crate() {
        // `FooBar.baz` and `Foo.bar_baz` both ask for `default_foo_bar_baz`: the second in
        // emit order (by type name) is numbered.
        let (types, _) = lowered(
            "  schemas:\n    FooBar:\n      type: object\n      required: [baz]\n      properties:\n        baz: {type: integer, default: 1}\n    Foo:\n      type: object\n      required: [bar_baz]\n      properties:\n        bar_baz: {type: integer, default: 2}\n",
        );
        let function = |name: &str| {
            structure(&types, name)
                .and_then(|s| s.fields.first())
                .and_then(|f| f.default_fn.clone())
        };
        assert_eq!(function("Foo").as_deref(), Some("default_foo_bar_baz"));
        assert_eq!(function("FooBar").as_deref(), Some("default_foo_bar_baz2"));
    }
}
