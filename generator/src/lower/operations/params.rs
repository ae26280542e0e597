//! Parameters: the path item's and the operation's merged, each typed, given its Rust name
//! and its style (how a query array or object is written), sorted into path, query and
//! header parameters; headers the client owns are left out.

use openapiv3::{
    Operation as SpecOperation, Parameter, ParameterSchemaOrContent, PathItem, QueryStyle,
};
use serde_json::Value;

use crate::context::Ctx;
use crate::lower::types::{Shape, TypeSpace};
use crate::model::{Name, Param, ParamStyle, TypeRef};
use crate::naming::{self, Scope};
use crate::pointer::child;

/// Names a builder uses for itself; parameters take other names.
pub(super) const BUILDER_RESERVED: &[&str] = &[
    "client",
    "body",
    "options",
    "send",
    "into_future",
    "max_retries",
    "timeout",
    "deadline",
    "query",
    "header",
    "pages",
    "items",
    "into_request",
];

/// An operation's parameters, sorted by where they go.
#[derive(Default)]
pub(super) struct Params {
    pub(super) path: Vec<Param>,
    pub(super) query: Vec<Param>,
    pub(super) header: Vec<Param>,
    /// The header that carries an idempotency key, if one does.
    pub(super) idempotency_key: Option<String>,
}

/// Where an operation stands, for its parameters.
pub(super) struct Site<'a, 'p> {
    pub(super) item: &'a PathItem,
    pub(super) operation: &'a SpecOperation,
    /// Pointers of the path item and of the operation.
    pub(super) path_pointer: &'p str,
    pub(super) pointer: &'p str,
    /// The builder's type name, which inline parameter types are named after.
    pub(super) builder: &'p str,
}

/// Lowers the parameters that apply to an operation. Each takes a Rust name no other
/// parameter (nor the builder itself) has; headers the client sets are left out.
pub(super) fn lower<'a>(ctx: &mut Ctx<'a>, types: &mut TypeSpace, site: &Site<'a, '_>) -> Params {
    let mut names = Scope::with_reserved(BUILDER_RESERVED);
    let mut params = Params::default();
    for (parameter, at) in applicable(ctx, site) {
        let data = parameter.parameter_data_ref();
        let (name, _) = names.claim(&naming::field_name(&data.name));
        let hint = format!("{}{}", site.builder, naming::type_name(naming::bare(&name)));
        let (ty, style) = typed(ctx, types, parameter, &at, &hint);
        let mut lowered = Param {
            name: Name::new(name),
            wire_name: data.name.clone(),
            doc: data.description.clone(),
            ty,
            required: data.required,
            style,
        };
        match parameter {
            Parameter::Path { .. } => {
                lowered.required = true;
                params.path.push(lowered);
            }
            Parameter::Query { style, .. } => {
                if !query_style_supported(style, lowered.style) {
                    ctx.warn(
                        &at,
                        format!(
                            "query parameter style `{}` is not supported for this type; sent in `form` style",
                            query_style_name(style)
                        ),
                    );
                }
                params.query.push(lowered);
            }
            Parameter::Header { .. } => {
                if !header_allowed(ctx, data, &at) {
                    continue;
                }
                let marked = data
                    .extensions
                    .get("x-idempotency-key")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if marked || data.name.eq_ignore_ascii_case("idempotency-key") {
                    params.idempotency_key = Some(data.name.clone());
                }
                params.header.push(lowered);
            }
            Parameter::Cookie { .. } => {
                ctx.warn(
                    &at,
                    format!(
                        "cookie parameter `{}` is not supported yet and is left out",
                        data.name
                    ),
                );
            }
        }
    }
    params
}

/// The parameters that apply to an operation, with their pointers: the path item's,
/// overridden by the operation's of the same name and place.
fn applicable<'a>(ctx: &mut Ctx<'a>, site: &Site<'a, '_>) -> Vec<(&'a Parameter, String)> {
    let mut collected: Vec<(&Parameter, String)> = Vec::new();
    let sources = [
        (
            &site.item.parameters,
            child(site.path_pointer, "parameters"),
        ),
        (
            &site.operation.parameters,
            child(site.pointer, "parameters"),
        ),
    ];
    for (list, list_pointer) in sources {
        for (index, parameter) in list.iter().enumerate() {
            let at = child(&list_pointer, &index.to_string());
            let Some((parameter, at)) =
                ctx.resolve("parameters", parameter, &at, |c| &c.parameters)
            else {
                continue;
            };
            let data = parameter.parameter_data_ref();
            let same = |(p, _): &(&Parameter, String)| {
                p.parameter_data_ref().name == data.name
                    && std::mem::discriminant(*p) == std::mem::discriminant(parameter)
            };
            collected.retain(|entry| !same(entry));
            collected.push((parameter, at));
        }
    }
    collected
}

/// A parameter's type as the builder takes it, and how it is written.
fn typed(
    ctx: &mut Ctx<'_>,
    types: &mut TypeSpace,
    parameter: &Parameter,
    at: &str,
    hint: &str,
) -> (TypeRef, ParamStyle) {
    let data = parameter.parameter_data_ref();
    let ty = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => {
            types.type_of(ctx, schema, hint, &child(at, "schema"))
        }
        ParameterSchemaOrContent::Content(_) => {
            ctx.warn(
                at,
                "a parameter described by `content` is sent as a string".to_string(),
            );
            TypeRef::String
        }
    };
    let ty = param_type(ty);
    let style = style(parameter, types.shape_of(&ty));
    if types.is_scalar_union(&ty) {
        // One of several plain values: the caller gives its text.
        return (TypeRef::String, ParamStyle::Scalar);
    }
    if matches!(parameter, Parameter::Path { .. }) && matches!(style, ParamStyle::Object { .. }) {
        ctx.warn(
            at,
            "a path parameter that is an object has no agreed text form: it is taken as a string",
        );
        return (TypeRef::String, ParamStyle::Scalar);
    }
    (ty, style)
}

/// How a parameter of some shape is written: a list exploded or joined by the delimiter of
/// its query style (`,` by default), an object as `deepObject` or as form fields.
pub(super) fn style(parameter: &Parameter, shape: Shape) -> ParamStyle {
    let data = parameter.parameter_data_ref();
    let explode = data.explode.unwrap_or(matches!(
        parameter,
        Parameter::Query { .. } | Parameter::Cookie { .. }
    ));
    let deep = matches!(
        parameter,
        Parameter::Query {
            style: QueryStyle::DeepObject,
            ..
        }
    );
    let delimiter = match parameter {
        Parameter::Query {
            style: QueryStyle::SpaceDelimited,
            ..
        } => ' ',
        Parameter::Query {
            style: QueryStyle::PipeDelimited,
            ..
        } => '|',
        _ => ',',
    };
    match shape {
        Shape::Scalar => ParamStyle::Scalar,
        Shape::Array => ParamStyle::Array { explode, delimiter },
        Shape::Object => ParamStyle::Object { deep },
    }
}

/// Whether a query style can write a value laid out as `style` says (else it goes as `form`).
fn query_style_supported(style: &QueryStyle, lowered: ParamStyle) -> bool {
    match (style, lowered) {
        (QueryStyle::Form, _) => true,
        (QueryStyle::DeepObject, ParamStyle::Object { .. }) => true,
        (QueryStyle::SpaceDelimited | QueryStyle::PipeDelimited, ParamStyle::Array { .. }) => true,
        (QueryStyle::SpaceDelimited | QueryStyle::PipeDelimited, _) => false,
        (QueryStyle::DeepObject, _) => false,
    }
}

/// Whether a header parameter is the caller's to set; warns (or, for a required one the
/// client cannot honour, errs) about those the client sets itself.
fn header_allowed(ctx: &mut Ctx<'_>, data: &openapiv3::ParameterData, at: &str) -> bool {
    if is_ignored_header(&data.name) {
        ctx.warn(
            &child(at, "name"),
            format!(
                "header parameter `{}` is ignored, as OpenAPI says: the client sets this header itself (authentication comes from `securitySchemes`)",
                data.name
            ),
        );
        return false;
    }
    if is_reserved_header(&data.name) {
        let message = format!(
            "header parameter `{}` is one the client sets itself",
            data.name
        );
        if data.required {
            ctx.error(
                &child(at, "name"),
                format!("{message}; a required one cannot be honoured, remove it"),
            );
        } else {
            ctx.warn(&child(at, "name"), format!("{message}: it is left out"));
        }
        return false;
    }
    true
}

/// A parameter's type as the builder takes it: values go into text, so a file is a string
/// and a `null` item is not sent (nor representable).
pub(super) fn param_type(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::File => TypeRef::String,
        TypeRef::Nullable(inner) => param_type(*inner),
        TypeRef::Vec(inner) => TypeRef::Vec(Box::new(param_type(*inner))),
        other => other,
    }
}

pub(super) fn query_style_name(style: &QueryStyle) -> &'static str {
    match style {
        QueryStyle::Form => "form",
        QueryStyle::SpaceDelimited => "spaceDelimited",
        QueryStyle::PipeDelimited => "pipeDelimited",
        QueryStyle::DeepObject => "deepObject",
    }
}

/// Headers that OpenAPI says are ignored as header parameters.
pub(super) fn is_ignored_header(name: &str) -> bool {
    ["accept", "content-type", "authorization"]
        .iter()
        .any(|ignored| name.eq_ignore_ascii_case(ignored))
}

/// Other headers the HTTP client owns.
pub(super) fn is_reserved_header(name: &str) -> bool {
    ["content-length", "host"]
        .iter()
        .any(|reserved| name.eq_ignore_ascii_case(reserved))
}

#[cfg(test)]
mod tests {
    use openapiv3::{OpenAPI, Parameter, ReferenceOr};

    use super::style;
    use crate::lower::types::Shape;
    use crate::model::ParamStyle;

    /// The first parameter of `GET /x` in a spec whose parameter list is `yaml`.
    fn parameter(yaml: &str) -> Option<Parameter> {
        let text = crate::lower::test_support::spec(&format!(
            "paths:\n  /x:\n    get:\n      parameters:\n        - {yaml}\n      responses: {{'204': {{description: ok}}}}\n"
        ));
        let spec: OpenAPI = crate::lower::test_support::document(&text)?.spec;
        let item = spec.paths.paths.get("/x")?.as_item()?;
        match item.get.as_ref()?.parameters.first()? {
            ReferenceOr::Item(parameter) => Some(parameter.clone()),
            ReferenceOr::Reference { .. } => None,
        }
    }

    fn style_of(yaml: &str, shape: Shape) -> Option<ParamStyle> {
        parameter(yaml).map(|p| style(&p, shape))
    }

    #[test]
    fn a_query_array_takes_the_delimiter_of_its_style() {
        let base = "{name: a, in: query, schema: {type: array, items: {type: string}}";
        assert_eq!(
            style_of(&format!("{base}}}"), Shape::Array),
            Some(ParamStyle::Array {
                explode: true,
                delimiter: ','
            })
        );
        assert_eq!(
            style_of(
                &format!("{base}, style: pipeDelimited, explode: false}}"),
                Shape::Array
            ),
            Some(ParamStyle::Array {
                explode: false,
                delimiter: '|'
            })
        );
        assert_eq!(
            style_of(
                &format!("{base}, style: spaceDelimited, explode: false}}"),
                Shape::Array
            ),
            Some(ParamStyle::Array {
                explode: false,
                delimiter: ' '
            })
        );
    }

    #[test]
    fn path_arrays_are_joined_and_deep_objects_are_deep() {
        assert_eq!(
            style_of(
                "{name: a, in: path, required: true, schema: {type: array, items: {type: string}}}",
                Shape::Array
            ),
            Some(ParamStyle::Array {
                explode: false,
                delimiter: ','
            })
        );
        assert_eq!(
            style_of(
                "{name: a, in: query, style: deepObject, schema: {type: object}}",
                Shape::Object
            ),
            Some(ParamStyle::Object { deep: true })
        );
        assert_eq!(
            style_of(
                "{name: a, in: query, schema: {type: string}}",
                Shape::Scalar
            ),
            Some(ParamStyle::Scalar)
        );
    }
}
