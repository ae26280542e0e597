//! The request body: the preferred media type of `requestBody`, its type, and for multipart
//! the parts of the struct.

use openapiv3::Operation as SpecOperation;

use crate::context::Ctx;
use crate::lower::types::TypeSpace;
use crate::model::{Body, BodyKind, Part, PartKind, TypeKind, TypeRef};
use crate::pointer::{self, child};

use super::media::{Media, concrete, preferred};

pub(super) fn request_body<'a>(
    ctx: &mut Ctx<'a>,
    types: &mut TypeSpace,
    operation: &'a SpecOperation,
    pointer: &str,
    builder: &str,
) -> Option<Body> {
    let body = operation.request_body.as_ref()?;
    let at = child(pointer, "requestBody");
    let (body, at) = ctx.resolve("requestBodies", body, &at, |c| &c.request_bodies)?;
    let all = [
        Media::Json,
        Media::Form,
        Media::Multipart,
        Media::Text,
        Media::Bytes,
    ];
    let Some((media, content, kind)) = preferred(&body.content, &all) else {
        ctx.warn(
            &child(&at, "content"),
            "the request body lists no media type: the operation is sent without a body",
        );
        return None;
    };
    let schema_pointer = child(&child(&child(&at, "content"), media), "schema");
    // A shared request body is named after its component, an inline one after the operation.
    let hint = pointer::component_name(&at, "requestBodies")
        .unwrap_or_else(|| format!("{builder}Request"));
    let lower = |ctx: &mut Ctx<'a>, types: &mut TypeSpace| match &content.schema {
        Some(schema) => types.type_of(ctx, schema, &hint, &schema_pointer),
        None => TypeRef::Json,
    };
    let (kind, media_type) = match kind {
        Media::Json => (
            BodyKind::Json(lower(ctx, types)),
            concrete(media, "application/json"),
        ),
        Media::Form => (
            BodyKind::Form(lower(ctx, types)),
            "application/x-www-form-urlencoded".to_string(),
        ),
        Media::Multipart => {
            let ty = lower(ctx, types);
            let parts = multipart_parts(types, &ty);
            (
                BodyKind::Multipart { ty, parts },
                "multipart/form-data".to_string(),
            )
        }
        Media::Text => (BodyKind::Text, concrete(media, "text/plain")),
        Media::Bytes => (BodyKind::Bytes, concrete(media, "application/octet-stream")),
    };
    Some(Body {
        kind,
        media_type,
        required: body.required,
        doc: body.description.clone(),
    })
}

/// The parts of a multipart body whose type is a struct: one per field.
pub(super) fn multipart_parts(types: &TypeSpace, ty: &TypeRef) -> Option<Vec<Part>> {
    let TypeRef::Named(name) = types.resolve_alias(ty) else {
        return None;
    };
    let TypeKind::Struct(s) = &types.get(name)?.kind else {
        return None;
    };
    let mut parts: Vec<Part> = s
        .fields
        .iter()
        .map(|f| Part {
            field: f.name.rust.clone(),
            wire_name: f.wire_name.clone(),
            optional: !f.required || f.nullable,
            kind: match types.resolve_alias(&f.ty) {
                TypeRef::File => PartKind::File,
                TypeRef::Vec(item) if **item == TypeRef::File => PartKind::Files,
                _ => PartKind::Value,
            },
        })
        .collect();
    if let Some((extra, _)) = &s.extra {
        parts.push(Part {
            field: extra.clone(),
            wire_name: String::new(),
            optional: false,
            kind: PartKind::Extra,
        });
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use crate::lower::test_support::{document, spec, with_ctx};
    use crate::lower::types::TypeSpace;
    use crate::model::{Body, BodyKind, PartKind};

    fn body_of(request_body: &str) -> Option<(Option<Body>, Vec<String>)> {
        let text = spec(&format!(
            "paths:\n  /x:\n    post:\n      operationId: postX\n      requestBody:\n{request_body}      responses: {{'204': {{description: ok}}}}\n"
        ));
        let document = document(&text)?;
        let item = document.spec.paths.paths.get("/x")?.as_item()?;
        let operation = item.post.as_ref()?;
        Some(with_ctx(&document, |ctx| {
            let mut types = TypeSpace::new(ctx);
            super::request_body(ctx, &mut types, operation, "#/paths/~1x/post", "PostX")
        }))
    }

    #[test]
    fn a_multipart_body_has_a_part_per_field() {
        let (body, messages) = body_of(
            "        content:\n          multipart/form-data:\n            schema:\n              type: object\n              required: [file]\n              properties:\n                file: {type: string, format: binary}\n                tags: {type: array, items: {type: string}}\n",
        )
        .unwrap_or_else(|| panic!("the spec parses"));
        assert!(messages.is_empty(), "{messages:?}");
        let Some(Body {
            kind: BodyKind::Multipart {
                parts: Some(parts), ..
            },
            media_type,
            ..
        }) = body
        else {
            panic!("a multipart body: {body:?}");
        };
        assert_eq!(media_type, "multipart/form-data");
        let parts: Vec<(&str, bool, PartKind)> = parts
            .iter()
            .map(|p| (p.wire_name.as_str(), p.optional, p.kind))
            .collect();
        assert_eq!(
            parts,
            [
                ("file", false, PartKind::File),
                ("tags", true, PartKind::Value)
            ]
        );
    }

    #[test]
    fn a_body_without_media_types_is_left_out_with_a_warning() {
        let (body, messages) =
            body_of("        content: {}\n").unwrap_or_else(|| panic!("the spec parses"));
        assert!(body.is_none());
        assert!(
            messages.iter().any(|m| m.contains("lists no media type")),
            "{messages:?}"
        );
    }
}
