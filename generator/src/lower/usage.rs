//! Which types users build: those a request body or parameter leads to. They get a
//! constructor and setters (see "Crates that grow" in the README); the others are only
//! read.

use std::collections::HashMap;

use crate::model::{Api, BodyKind, TypeKind, TypeRef};

/// Sets `built` on every struct a request reaches, through fields, list and map items,
/// alternatives and aliases.
pub fn mark_built(api: &mut Api) {
    let index: HashMap<String, usize> = api
        .types
        .iter()
        .enumerate()
        .map(|(i, def)| (def.name.clone(), i))
        .collect();
    let mut reached = vec![false; api.types.len()];
    let mut queue: Vec<usize> = Vec::new();
    let visit = |ty: &TypeRef, reached: &mut Vec<bool>, queue: &mut Vec<usize>| {
        if let Some(name) = named(ty)
            && let Some(&i) = index.get(name)
            && let Some(seen) = reached.get_mut(i)
            && !*seen
        {
            *seen = true;
            queue.push(i);
        }
    };
    for operation in api.resources.iter().flat_map(|r| &r.operations) {
        let params = operation
            .path_params
            .iter()
            .chain(&operation.query_params)
            .chain(&operation.header_params);
        for param in params {
            visit(&param.ty, &mut reached, &mut queue);
        }
        if let Some(body) = &operation.body {
            match &body.kind {
                BodyKind::Json(ty) | BodyKind::Form(ty) | BodyKind::Multipart { ty, .. } => {
                    visit(ty, &mut reached, &mut queue);
                }
                BodyKind::Text | BodyKind::Bytes => {}
            }
        }
    }
    while let Some(i) = queue.pop() {
        let Some(def) = api.types.get(i) else {
            continue;
        };
        let inner: Vec<&TypeRef> = match &def.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| &f.ty)
                .chain(s.extra.as_ref().map(|(_, ty)| ty))
                .collect(),
            TypeKind::OneOf(o) => o.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(ty) => vec![ty],
            TypeKind::Enum(_) | TypeKind::IntEnum(_) | TypeKind::Responses(_) => Vec::new(),
        };
        for ty in inner {
            visit(ty, &mut reached, &mut queue);
        }
    }
    for (def, reached) in api.types.iter_mut().zip(reached) {
        if let TypeKind::Struct(s) = &mut def.kind {
            s.built = reached;
        }
    }
}

/// The named type at the bottom of lists, maps and nullables.
fn named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => named(inner),
        _ => None,
    }
}
