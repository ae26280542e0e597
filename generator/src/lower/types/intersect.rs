//! Intersections: a value several schemas must all describe at once (a property that more
//! than one `allOf` member defines, or `allOf` members that are not objects). `allOf` means
//! every member holds, so the type is what they have in common, found member by member:
//!
//! - the same scalar type on both sides gives the narrower schema: the one with an `enum`
//!   or `const`, else the one with a `format`, else the one that is not nullable (bounds do
//!   not change the Rust type); `integer` beside `number` gives the integer;
//! - a `oneOf`/`anyOf` beside a schema gives its alternative of the same kind, intersected
//!   with that schema;
//! - objects merge into one struct, property by property (recursively, the same rules);
//! - arrays give a list of the intersection of their items.
//!
//! Only a true contradiction (a string and an integer, an object and a list) is reported:
//! a warning at the member that contradicts, naming the other's place, and the value is
//! typed as JSON, so that one slip in a large spec does not refuse the whole crate.

use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::context::Ctx;
use crate::lower::schema::{Kind, View, is_null_member};
use crate::model::{TypeDef, TypeKind, TypeRef};
use crate::naming;
use crate::pointer::child;

use super::all_of::Merged;
use super::plan::is_typed;
use super::shapes::nullable;
use super::{MAX_DEPTH, SchemaRef, TypeSpace, all_of::same_schema, resolve};

/// What a schema allows, as far as intersecting goes.
#[derive(Debug)]
enum Class<'s> {
    /// Says nothing about the value (a description, `nullable` alone, `not`).
    Any,
    Object,
    Array(Option<(SchemaRef<'s>, String)>),
    /// `string`, `integer`, `number` or `boolean`.
    Scalar(Kind),
    /// Several alternatives (`oneOf`/`anyOf`), with their pointers.
    Union(Vec<(SchemaRef<'s>, String)>),
    /// `type: null`, an unknown type, a reference that leads nowhere.
    Other,
}

impl Class<'_> {
    fn describe(&self) -> &'static str {
        match self {
            Class::Any => "any value",
            Class::Object => "an object",
            Class::Array(_) => "an array",
            Class::Scalar(Kind::String) => "a string",
            Class::Scalar(Kind::Integer) => "an integer",
            Class::Scalar(Kind::Number) => "a number",
            Class::Scalar(Kind::Boolean) => "a boolean",
            Class::Scalar(_) => "a scalar",
            Class::Union(_) => "a `oneOf`/`anyOf`",
            Class::Other => "a schema of no known type",
        }
    }

    /// Whether a value could be both (unions are resolved before this is asked).
    fn meets(&self, other: &Class<'_>) -> bool {
        match (self, other) {
            (Class::Any, _) | (_, Class::Any) => true,
            (Class::Object, Class::Object) | (Class::Array(_), Class::Array(_)) => true,
            (Class::Scalar(a), Class::Scalar(b)) => {
                a == b
                    || matches!(
                        (a, b),
                        (Kind::Integer, Kind::Number) | (Kind::Number, Kind::Integer)
                    )
            }
            (Class::Union(alternatives), other) | (other, Class::Union(alternatives)) => {
                !alternatives.is_empty() && !matches!(other, Class::Other)
            }
            _ => false,
        }
    }
}

/// The schema a reference leads to (or the schema itself), with its pointer.
fn target<'s>(spec: &'s OpenAPI, schema: SchemaRef<'s>, at: &str) -> Option<(&'s Schema, String)> {
    match schema {
        SchemaRef::Item(schema) => Some((schema, at.to_string())),
        SchemaRef::Ref(reference) => resolve(spec, reference).map(|(schema, at, _)| (schema, at)),
    }
}

/// Sorts a schema into its [`Class`], seeing through compositions of one member.
fn class<'s>(spec: &'s OpenAPI, schema: SchemaRef<'s>, at: &str, depth: usize) -> Class<'s> {
    if depth > MAX_DEPTH {
        return Class::Other;
    }
    let Some((schema, at)) = target(spec, schema, at) else {
        return Class::Other;
    };
    let view = View::of(schema);
    let own_object = view.has_properties() || view.additional.is_some();
    if !view.all_of.is_empty() {
        let typed: Vec<(usize, SchemaRef<'s>)> = view
            .all_of
            .iter()
            .enumerate()
            .map(|(index, member)| (index, SchemaRef::from(member)))
            .filter(|(_, member)| is_typed(*member))
            .collect();
        return match typed.as_slice() {
            [] if !own_object => Class::Any,
            [(index, only)] if !own_object => class(
                spec,
                *only,
                &child(&child(&at, "allOf"), &index.to_string()),
                depth + 1,
            ),
            _ => Class::Object,
        };
    }
    let (keyword, members) = if view.one_of.is_empty() {
        ("anyOf", view.any_of)
    } else {
        ("oneOf", view.one_of)
    };
    if !members.is_empty() && !own_object {
        let alternatives: Vec<(SchemaRef<'s>, String)> = members
            .iter()
            .enumerate()
            .filter(|(_, member)| match member {
                ReferenceOr::Item(schema) => {
                    !is_null_member(schema) && !View::of(schema).only_constrains()
                }
                ReferenceOr::Reference { .. } => true,
            })
            .map(|(index, member)| {
                (
                    SchemaRef::from(member),
                    child(&child(&at, keyword), &index.to_string()),
                )
            })
            .collect();
        match alternatives.as_slice() {
            [] => {}
            [(only, only_at)] => return class(spec, *only, only_at, depth + 1),
            _ => return Class::Union(alternatives),
        }
    }
    let values = view.values();
    match view.kind {
        Kind::Untyped if !values.is_empty() => {
            if values.iter().all(|v| v.is_string()) {
                Class::Scalar(Kind::String)
            } else if values.iter().all(|v| v.is_i64()) {
                Class::Scalar(Kind::Integer)
            } else {
                Class::Other
            }
        }
        Kind::String | Kind::Integer | Kind::Number | Kind::Boolean => Class::Scalar(view.kind),
        Kind::Object => Class::Object,
        Kind::Array => Class::Array(
            view.items
                .map(|items| (SchemaRef::from(items), child(&at, "items"))),
        ),
        Kind::Untyped if own_object => Class::Object,
        Kind::Untyped if view.items.is_some() => Class::Array(
            view.items
                .map(|items| (SchemaRef::from(items), child(&at, "items"))),
        ),
        Kind::Untyped => Class::Any,
        Kind::Null | Kind::Unknown => Class::Other,
    }
}

/// An inline object schema that says nothing but that the value is an object.
fn is_bare(schema: SchemaRef<'_>) -> bool {
    let SchemaRef::Item(schema) = schema else {
        return false;
    };
    let view = View::of(schema);
    !view.has_properties()
        && view.additional.is_none()
        && view.required.is_empty()
        && view.all_of.is_empty()
        && view.one_of.is_empty()
        && view.any_of.is_empty()
}

/// How narrow a scalar schema is: values listed, then a format, then `null` refused.
fn narrowness(spec: &OpenAPI, schema: SchemaRef<'_>, at: &str) -> (bool, bool, bool) {
    let Some((target, _)) = target(spec, schema, at) else {
        return (false, false, false);
    };
    let view = View::of(target);
    (
        !view.values().is_empty(),
        view.format.is_some(),
        !nullable(spec, schema, 0),
    )
}

impl TypeSpace {
    /// The type of a value that every one of `members` (each with its pointer) describes.
    /// `what` names the value in messages (``property `id` ``); `hint` names a type it needs.
    pub(super) fn intersection<'s>(
        &mut self,
        ctx: &mut Ctx<'_>,
        spec: &'s OpenAPI,
        what: &str,
        hint: &str,
        members: Vec<(SchemaRef<'s>, String)>,
    ) -> TypeRef {
        if self.intersecting > MAX_DEPTH {
            return TypeRef::Json;
        }
        self.intersecting += 1;
        let ty = self.intersect(ctx, spec, what, hint, members);
        self.intersecting -= 1;
        ty
    }

    fn intersect<'s>(
        &mut self,
        ctx: &mut Ctx<'_>,
        spec: &'s OpenAPI,
        what: &str,
        hint: &str,
        members: Vec<(SchemaRef<'s>, String)>,
    ) -> TypeRef {
        // The same schema twice counts once; members that say nothing about the value drop out.
        let mut classed: Vec<(SchemaRef<'s>, String, Class<'s>)> = Vec::new();
        for (member, at) in members.iter() {
            if classed
                .iter()
                .any(|(seen, _, _)| same_schema(*seen, *member))
            {
                continue;
            }
            let class = class(spec, *member, at, 0);
            if !matches!(class, Class::Any) {
                classed.push((*member, at.clone(), class));
            }
        }
        // A bare `{type: object}` beside another object adds nothing to it.
        let objects = classed
            .iter()
            .filter(|(_, _, class)| matches!(class, Class::Object))
            .count();
        if objects > 1 {
            let mut bare = classed
                .iter()
                .filter(|(member, _, class)| matches!(class, Class::Object) && is_bare(*member))
                .count();
            classed.retain(|(member, _, class)| {
                let drop = bare > 0
                    && bare < objects
                    && matches!(class, Class::Object)
                    && is_bare(*member);
                if drop {
                    bare -= 1;
                }
                !drop
            });
            if classed.len() == 1 {
                if let Some((member, at, _)) = classed.first() {
                    return self.lower_ref(ctx, *member, hint, at);
                }
            }
        }
        if classed
            .iter()
            .all(|(_, _, class)| matches!(class, Class::Union(_)))
        {
            // Only alternatives (or nothing): the union with the fewest alternatives.
            let narrowest = classed.iter().min_by_key(|(_, _, class)| match class {
                Class::Union(alternatives) => alternatives.len(),
                _ => usize::MAX,
            });
            return match narrowest
                .map(|(member, at, _)| (*member, at))
                .or(members.first().map(|(member, at)| (*member, at)))
            {
                Some((member, at)) => self.lower_ref(ctx, member, hint, at),
                None => TypeRef::Json,
            };
        }
        // A union beside a concrete schema stands for its alternative of the same kind.
        let mut resolved: Vec<(SchemaRef<'s>, String, Class<'s>)> = Vec::new();
        let mut unions = Vec::new();
        for (member, at, member_class) in classed {
            match member_class {
                Class::Union(alternatives) => unions.push((at, alternatives)),
                concrete => resolved.push((member, at, concrete)),
            }
        }
        for (union_at, alternatives) in unions {
            let Some((_, first_at, first)) = resolved.first() else {
                break;
            };
            let matching = alternatives.into_iter().find_map(|(alternative, at)| {
                let alternative_class = class(spec, alternative, &at, 0);
                alternative_class
                    .meets(first)
                    .then_some((alternative, at, alternative_class))
            });
            match matching {
                Some(found) => resolved.push(found),
                None => {
                    ctx.warn(
                        &union_at,
                        format!(
                            "{what}: no alternative of this `oneOf`/`anyOf` can be {} like the `allOf` member at {}: no value is both, so it is typed as any JSON value (`serde_json::Value`)",
                            first.describe(),
                            place(ctx, first_at)
                        ),
                    );
                    return TypeRef::Json;
                }
            }
        }
        let Some((_, first_at, first)) = resolved.first() else {
            return TypeRef::Json;
        };
        if let Some((_, at, other)) = resolved.iter().skip(1).find(|(_, _, c)| !c.meets(first)) {
            let message = contradiction(
                what,
                other.describe(),
                first.describe(),
                &place(ctx, first_at),
            );
            ctx.warn(at, message);
            return TypeRef::Json;
        }
        match first {
            Class::Object => self.intersect_objects(ctx, spec, hint, resolved),
            Class::Array(_) => {
                let items: Vec<(SchemaRef<'s>, String)> = resolved
                    .into_iter()
                    .filter_map(|(_, _, class)| match class {
                        Class::Array(items) => items,
                        _ => None,
                    })
                    .collect();
                if items.is_empty() {
                    return TypeRef::Vec(Box::new(TypeRef::Json));
                }
                let all_nullable = items.iter().all(|(item, _)| nullable(spec, *item, 0));
                let item = self.intersection(
                    ctx,
                    spec,
                    &format!("the items of {what}"),
                    &format!("{hint}Item"),
                    items,
                );
                if all_nullable {
                    TypeRef::Vec(Box::new(TypeRef::Nullable(Box::new(item))))
                } else {
                    TypeRef::Vec(Box::new(item))
                }
            }
            _ => {
                // Scalars: an integer beside a number is an integer; then the narrowest.
                let integer = resolved
                    .iter()
                    .any(|(_, _, class)| matches!(class, Class::Scalar(Kind::Integer)));
                let chosen = resolved
                    .iter()
                    .filter(|(_, _, class)| {
                        !integer || matches!(class, Class::Scalar(Kind::Integer))
                    })
                    .enumerate()
                    .max_by_key(|(index, (member, at, _))| {
                        (narrowness(spec, *member, at), usize::MAX - index)
                    })
                    .map(|(_, (member, at, _))| (*member, at.clone()));
                match chosen {
                    Some((member, at)) => self.lower_ref(ctx, member, hint, &at),
                    None => TypeRef::Json,
                }
            }
        }
    }

    /// Objects that must all hold: one struct with the properties of each (a property two
    /// of them define is itself an intersection). The same set of members gives one type,
    /// which also ends the recursion of members that refer to themselves.
    fn intersect_objects<'s>(
        &mut self,
        ctx: &mut Ctx<'_>,
        spec: &'s OpenAPI,
        hint: &str,
        members: Vec<(SchemaRef<'s>, String, Class<'s>)>,
    ) -> TypeRef {
        let key: Vec<String> = members
            .iter()
            .map(|(member, at, _)| match member {
                SchemaRef::Ref(reference) => (*reference).to_string(),
                SchemaRef::Item(_) => at.clone(),
            })
            .collect();
        if let Some(name) = self.intersections.get(&key) {
            return TypeRef::Named(name.clone());
        }
        let (name, _) = self.names.claim(&naming::type_name(hint));
        self.intersections.insert(key, name.clone());
        let pointer = members
            .first()
            .map(|(_, at, _)| at.clone())
            .unwrap_or_default();
        let mut merged = Merged::default();
        let mut stack = Vec::new();
        for (member, at, _) in members {
            self.merge(ctx, spec, member, &at, &mut merged, &mut stack, 0);
        }
        let kind = TypeKind::Struct(self.structure(
            ctx,
            &name,
            merged.properties,
            &merged.required,
            merged.additional,
            &pointer,
        ));
        self.types.insert(
            name.clone(),
            TypeDef {
                name: name.clone(),
                doc: None,
                kind,
            },
        );
        TypeRef::Named(name)
    }
}

/// Where the node at `pointer` is, for a message about another place: file, line and
/// column (in backquotes, so that warnings of one kind read alike) and the pointer.
fn place(ctx: &Ctx<'_>, pointer: &str) -> String {
    let place = ctx.sources.place(pointer);
    match (place.line, place.column) {
        (Some(line), Some(column)) => {
            format!("`{}:{line}:{column}`, {}", place.file, place.pointer)
        }
        _ => format!("`{}`, {}", place.file, place.pointer),
    }
}

/// The warning for members no value can satisfy at once.
fn contradiction(what: &str, this: &str, other: &str, other_at: &str) -> String {
    format!(
        "{what} cannot be both {this} (this `allOf` member) and {other} (the member at {other_at}): no value is both, so it is typed as any JSON value (`serde_json::Value`)"
    )
}
