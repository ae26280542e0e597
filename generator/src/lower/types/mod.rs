//! Schemas into named Rust types. Component schemas are named first (so references work in
//! any order, cycles included); inline schemas get names from where they stand.
//!
//! Every schema is read through [`View`] and sorted into a [`Plan`]: a struct (properties,
//! or the merged members of an `allOf`), a string or integer enum, an enum of alternatives
//! (`oneOf`/`anyOf`), one other schema (a composition that reduces to one member), or a
//! shape that needs no name (scalars, lists, maps, free-form JSON).
//!
//! Each job has its own file: [`space`] (naming and the way in), [`plan`] (what a schema
//! becomes), [`shapes`] (scalars, lists, maps), [`structs`], [`all_of`] (merging),
//! [`intersect`] (a value several `allOf` members describe: their intersection),
//! [`unions`] (`oneOf`/`anyOf`), [`enums`] and [`finish`] (the passes once every type is
//! known).

mod all_of;
mod enums;
mod finish;
mod intersect;
mod plan;
mod shapes;
mod space;
mod structs;
mod unions;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::model::TypeDef;
use crate::pointer::{self};

use crate::naming::Scope;
use finish::PendingDefault;

/// How deep references and compositions are followed before giving up (a cycle).
const MAX_DEPTH: usize = 64;

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

pub struct TypeSpace {
    /// Component schema key -> Rust type name.
    components: BTreeMap<String, String>,
    names: Scope,
    types: BTreeMap<String, TypeDef>,
    defaults: Vec<PendingDefault>,
    /// Component keys left unnamed because their Rust name was taken (reported once).
    collided: BTreeSet<String>,
    /// Struct names of the object intersections made so far, by their members (a reference,
    /// or the pointer of an inline schema): the same members give the same type.
    intersections: BTreeMap<Vec<String>, String>,
    /// How deep intersections are nested right now (bounded like references).
    intersecting: usize,
}

/// Follows a schema reference (through chains of references) to the schema, its pointer
/// and its component key.
pub(super) fn resolve<'a>(
    spec: &'a OpenAPI,
    reference: &str,
) -> Option<(&'a Schema, String, String)> {
    let schemas = spec.components.as_ref().map(|c| &c.schemas);
    let target = pointer::follow(reference, "#", "schemas", schemas, MAX_DEPTH).ok()?;
    Some((target.item, target.at, target.name))
}

/// The description of a schema, or its title when it has none.
pub fn doc_of(schema: &Schema) -> Option<String> {
    schema
        .schema_data
        .description
        .clone()
        .or_else(|| schema.schema_data.title.clone())
}

/// What the tests of each job share: a spec's components lowered as the crate would have them.
#[cfg(test)]
mod test_support {
    use std::collections::BTreeMap;

    use crate::lower::test_support::{document, spec, with_ctx};
    use crate::model::{Struct, TypeDef, TypeKind};

    use super::TypeSpace;

    /// The types of `components` (YAML under `components:`, two spaces in) after every
    /// pass, by name, and the messages given on the way.
    pub fn lowered(components: &str) -> (BTreeMap<String, TypeDef>, Vec<String>) {
        let text = spec(&format!("paths: {{}}\ncomponents:\n{components}"));
        let Some(document) = document(&text) else {
            return (BTreeMap::new(), vec![format!("does not parse:\n{text}")]);
        };
        let (types, messages) = with_ctx(&document, |ctx| {
            let mut space = TypeSpace::new(ctx);
            space.lower_components(ctx);
            space.finish(ctx)
        });
        let types = types
            .into_iter()
            .map(|def| (def.name.clone(), def))
            .collect();
        (types, messages)
    }

    /// The struct called `name`, if it is one.
    pub fn structure<'t>(types: &'t BTreeMap<String, TypeDef>, name: &str) -> Option<&'t Struct> {
        match &types.get(name)?.kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        }
    }
}
