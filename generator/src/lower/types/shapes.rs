//! Types that need no name of their own: scalars, lists, maps (`additionalProperties`) and
//! free-form JSON, plus whether a schema admits `null`.

use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema};
use serde_json::Value;

use crate::context::Ctx;
use crate::diagnostic::did_you_mean;
use crate::lower::schema::{Kind, View, is_null_member};
use crate::model::{IntWidth, TypeRef};
use crate::pointer::child;

use super::{MAX_DEPTH, SchemaRef, TypeSpace, resolve};

/// The `type` values of OpenAPI 3.0.
const KNOWN_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

impl TypeSpace {
    /// Like [`TypeSpace::lower_ref`], wrapped in `Option` when the schema admits `null`
    /// (for list items and map values; fields say so with their own flag).
    pub(super) fn lower_nullable(
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

    /// Types that need no name of their own: scalars, arrays, maps, free-form JSON.
    pub(super) fn shape(
        &mut self,
        ctx: &mut Ctx<'_>,
        hint: &str,
        schema: &Schema,
        pointer: &str,
    ) -> TypeRef {
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
    pub(super) fn map_value(
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

    pub(super) fn map_of(
        &mut self,
        ctx: &mut Ctx<'_>,
        additional: Option<&AdditionalProperties>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        TypeRef::Map(Box::new(self.map_value(ctx, additional, hint, pointer)))
    }
}

/// Whether a schema admits `null` (`nullable`, a `null` enum value or alternative),
/// following references.
pub(super) fn nullable(spec: &OpenAPI, schema: SchemaRef<'_>, depth: usize) -> bool {
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

pub(super) fn int_width(format: Option<&str>) -> IntWidth {
    match format {
        Some("int32") => IntWidth::I32,
        Some("uint32") => IntWidth::U32,
        Some("uint64") => IntWidth::U64,
        _ => IntWidth::I64,
    }
}

#[cfg(test)]
mod tests {
    use super::int_width;
    use crate::lower::types::test_support::lowered;
    use crate::model::{IntWidth, TypeKind, TypeRef};

    fn alias(components: &str, name: &str) -> Option<TypeRef> {
        match lowered(components).0.remove(name)?.kind {
            TypeKind::Alias(ty) => Some(ty),
            _ => None,
        }
    }

    #[test]
    fn scalars_lists_and_maps_need_no_name() {
        let list = alias(
            "  schemas:\n    L: {type: array, items: {type: string, nullable: true}}\n",
            "L",
        );
        assert_eq!(
            list,
            Some(TypeRef::Vec(Box::new(TypeRef::Nullable(Box::new(
                TypeRef::String
            )))))
        );
        let map = alias(
            "  schemas:\n    M: {type: object, additionalProperties: {type: integer, format: int32}}\n",
            "M",
        );
        assert_eq!(
            map,
            Some(TypeRef::Map(Box::new(TypeRef::Integer(IntWidth::I32))))
        );
        let file = alias("  schemas:\n    F: {type: string, format: binary}\n", "F");
        assert_eq!(file, Some(TypeRef::File));
    }

    #[test]
    fn a_schema_without_type_is_json_with_a_warning_and_an_unknown_type_an_error() {
        let (types, messages) =
            lowered("  schemas:\n    J: {description: anything}\n    U: {type: strng}\n");
        assert!(matches!(
            types.get("J").map(|d| &d.kind),
            Some(TypeKind::Alias(TypeRef::Json))
        ));
        assert!(
            messages.iter().any(|m| m.contains("schema has no `type`")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("unknown type `strng`") && m.contains("did you mean `string`")),
            "{messages:?}"
        );
    }

    #[test]
    fn integer_formats_choose_the_width() {
        assert_eq!(int_width(Some("int32")), IntWidth::I32);
        assert_eq!(int_width(Some("uint64")), IntWidth::U64);
        assert_eq!(int_width(None), IntWidth::I64);
    }
}
