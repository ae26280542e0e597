//! Paginated lists: `x-pagination` on an operation (or once at the root, as the default for
//! every operation it fits) and Dropshot's `x-dropshot-pagination`, checked against the
//! operation's parameters and its response type once every type is lowered.
//!
//! A declaration that does not fit its operation is a warning and leaves the operation
//! unpaginated; it never stops generation.

use serde_json::Value;

use crate::context::Ctx;
use crate::model::{
    ItemsField, PageNext, Pagination, Resource, ResponseBody, TypeDef, TypeKind, TypeRef,
};
use crate::pointer::child;

/// The extension that declares how a list's pages link up.
const EXTENSION: &str = "x-pagination";
/// Dropshot's mark of a paginated list (Oxide's specs): `page_token` in, `next_page` out,
/// the items in `items`.
const DROPSHOT: &str = "x-dropshot-pagination";

/// What an `x-pagination` declaration says, before it meets an operation.
#[derive(Debug, Clone, PartialEq)]
struct Declared {
    /// The page's property holding the items; `None`: the page is the list.
    items: Option<String>,
    next: Next,
    has_more: Option<Vec<String>>,
    page_size: Option<String>,
    /// `reverse-cursor-param`: the query parameter of a backward cursor.
    backward: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Next {
    /// `cursor-from: last-item.<property>` (the default: `last-item.id`).
    LastItem {
        param: String,
        property: String,
    },
    /// `cursor-from: <property path of the page>`.
    Property {
        param: String,
        path: Vec<String>,
    },
    LinkHeader,
}

/// Gives each operation its pagination, when one is declared and fits.
pub fn resolve(ctx: &mut Ctx<'_>, types: &[TypeDef], resources: &mut [Resource]) {
    let root_pointer = format!("#/{EXTENSION}");
    let root = ctx
        .raw_at(&root_pointer)
        .and_then(|value| declared(ctx, value, &root_pointer));
    for resource in resources.iter_mut() {
        for operation in &mut resource.operations {
            let pointer = child(
                &child("#/paths", &operation.path_template),
                &operation.http_method.as_upper().to_ascii_lowercase(),
            );
            let own_pointer = child(&pointer, EXTENSION);
            let dropshot_pointer = child(&pointer, DROPSHOT);
            // The operation's own declaration, else Dropshot's mark, else the root's default;
            // only the root's is silently left out where it does not fit.
            let (declaration, at, explicit) = if let Some(value) = ctx.raw_at(&own_pointer) {
                (declared(ctx, value, &own_pointer), own_pointer, true)
            } else if ctx.raw_at(&dropshot_pointer).is_some() {
                let dropshot = Declared {
                    items: Some("items".to_string()),
                    next: Next::Property {
                        param: "page_token".to_string(),
                        path: vec!["next_page".to_string()],
                    },
                    has_more: None,
                    page_size: operation
                        .query_params
                        .iter()
                        .any(|p| p.wire_name == "limit")
                        .then(|| "limit".to_string()),
                    backward: None,
                };
                (Some(dropshot), dropshot_pointer, true)
            } else {
                (root.clone(), root_pointer.clone(), false)
            };
            let Some(declaration) = declaration else {
                continue;
            };
            match fit(&declaration, operation, types) {
                Ok(pagination) => operation.pagination = Some(pagination),
                Err((key, problem)) if explicit => {
                    // Dropshot's mark has no keys of its own to point at.
                    let at = match key {
                        Some(key) if at.ends_with(EXTENSION) => child(&at, key),
                        _ => at,
                    };
                    ctx.warn(
                        &at,
                        format!("`{}` is not paginated: {problem}", operation.operation_id),
                    );
                }
                Err(_) => {}
            }
        }
    }
}

/// Reads a declaration; a malformed one is a warning and `None`.
fn declared(ctx: &mut Ctx<'_>, value: &Value, pointer: &str) -> Option<Declared> {
    match read(value) {
        Ok(declared) => Some(declared),
        Err((key, problem)) => {
            let at = key.map_or_else(|| pointer.to_string(), |key| child(pointer, key));
            ctx.warn(&at, format!("{problem}; the declaration is ignored"));
            None
        }
    }
}

/// A declaration's fields, or the key at fault and what is wrong with it.
fn read(value: &Value) -> Result<Declared, (Option<&'static str>, String)> {
    let Value::Object(map) = value else {
        return Err((None, format!("expected `{EXTENSION}` to be an object")));
    };
    let known = [
        "style",
        "items",
        "cursor-param",
        "cursor-from",
        "has-more",
        "page-size-param",
        "reverse-cursor-param",
    ];
    if let Some(unknown) = map.keys().find(|key| !known.contains(&key.as_str())) {
        return Err((
            None,
            format!(
                "unknown key `{unknown}` in `{EXTENSION}`: expected one of {}",
                known.map(|k| format!("`{k}`")).join(", ")
            ),
        ));
    }
    let text = |key: &'static str| -> Result<Option<String>, (Option<&'static str>, String)> {
        match map.get(key) {
            None => Ok(None),
            Some(Value::String(text)) if !text.trim().is_empty() => Ok(Some(text.clone())),
            Some(_) => Err((
                Some(key),
                format!("expected `{key}` to be a non-empty string"),
            )),
        }
    };
    let path = |text: String| text.split('.').map(str::to_string).collect::<Vec<_>>();
    let style = text("style")?.unwrap_or_else(|| "cursor".to_string());
    let items = text("items")?;
    if items.as_deref().is_some_and(|items| items.contains('.')) {
        return Err((
            Some("items"),
            "expected `items` to name one property of the page, not a path".to_string(),
        ));
    }
    let has_more = text("has-more")?.map(path);
    let page_size = text("page-size-param")?;
    let backward = text("reverse-cursor-param")?;
    let next = match style.as_str() {
        "cursor" | "next-token" => {
            let param = text("cursor-param")?.ok_or((
                None,
                format!(
                    "style `{style}` needs `cursor-param`, the query parameter the position goes in"
                ),
            ))?;
            let from = text("cursor-from")?;
            match from {
                None if style == "cursor" => Next::LastItem {
                    param,
                    property: "id".to_string(),
                },
                None => {
                    return Err((
                        None,
                        "style `next-token` needs `cursor-from`, the page's property that holds the next token".to_string(),
                    ));
                }
                Some(from) => match from.strip_prefix("last-item.") {
                    Some(property) if !property.is_empty() && !property.contains('.') => {
                        Next::LastItem {
                            param,
                            property: property.to_string(),
                        }
                    }
                    Some(_) => {
                        return Err((
                            Some("cursor-from"),
                            "expected `last-item.<property>` to name one property of an item"
                                .to_string(),
                        ));
                    }
                    None => Next::Property {
                        param,
                        path: path(from),
                    },
                },
            }
        }
        "link-header" => Next::LinkHeader,
        other => {
            return Err((
                Some("style"),
                format!(
                    "unknown pagination style `{other}`: expected `cursor`, `next-token` or `link-header`"
                ),
            ));
        }
    };
    if backward.is_some() && !matches!(next, Next::LastItem { .. }) {
        return Err((
            Some("reverse-cursor-param"),
            "a backward cursor is taken from an item: it needs `cursor-from: last-item.<property>`"
                .to_string(),
        ));
    }
    Ok(Declared {
        items,
        next,
        has_more,
        page_size,
        backward,
    })
}

/// The pagination of an operation under a declaration, or why it does not fit.
fn fit(
    declared: &Declared,
    operation: &crate::model::Operation,
    types: &[TypeDef],
) -> Result<Pagination, (Option<&'static str>, String)> {
    let ResponseBody::Json(page) = &operation.response.body else {
        return Err((
            None,
            "its success response has no JSON body to read pages from".to_string(),
        ));
    };
    if operation.response.optional {
        return Err((None, "its success response may have no body".to_string()));
    }
    let query = |wire: &str| {
        operation
            .query_params
            .iter()
            .find(|param| param.wire_name == wire)
    };
    let (items, item) = match &declared.items {
        None => match resolve_alias(page, types) {
            TypeRef::Vec(item) => (None, (**item).clone()),
            _ => {
                return Err((
                    None,
                    "its response is not a list; name the property that holds the items in `items`"
                        .to_string(),
                ));
            }
        },
        Some(wire) => {
            let fields = match resolve_alias(page, types) {
                TypeRef::Named(name) => {
                    types
                        .iter()
                        .find(|t| &t.name == name)
                        .and_then(|t| match &t.kind {
                            TypeKind::Struct(fields) => Some(&fields.fields),
                            _ => None,
                        })
                }
                _ => None,
            };
            let field = fields
                .and_then(|fields| fields.iter().find(|f| &f.wire_name == wire))
                .ok_or_else(|| {
                    (
                        Some("items"),
                        format!("its response has no property `{wire}`"),
                    )
                })?;
            let TypeRef::Vec(item) = resolve_alias(&field.ty, types) else {
                return Err((
                    Some("items"),
                    format!("the property `{wire}` of its response is not a list"),
                ));
            };
            let optional = !field.required || field.nullable;
            (
                Some(ItemsField {
                    wire_name: wire.clone(),
                    field: field.name.clone(),
                    optional,
                }),
                (**item).clone(),
            )
        }
    };
    let next = match &declared.next {
        Next::LastItem { param, property } => {
            if query(param).is_none() {
                return Err((
                    Some("cursor-param"),
                    format!("it has no query parameter `{param}`"),
                ));
            }
            PageNext::LastItem {
                param: param.clone(),
                property: property.clone(),
            }
        }
        Next::Property { param, path } => {
            if query(param).is_none() {
                return Err((
                    Some("cursor-param"),
                    format!("it has no query parameter `{param}`"),
                ));
            }
            PageNext::Property {
                param: param.clone(),
                path: path.clone(),
            }
        }
        Next::LinkHeader => PageNext::LinkHeader,
    };
    let page_size = match &declared.page_size {
        None => None,
        Some(wire) => Some(
            query(wire)
                .ok_or_else(|| {
                    (
                        Some("page-size-param"),
                        format!("it has no query parameter `{wire}`"),
                    )
                })?
                .name
                .clone(),
        ),
    };
    if let Some(wire) = &declared.backward {
        if query(wire).is_none() {
            return Err((
                Some("reverse-cursor-param"),
                format!("it has no query parameter `{wire}`"),
            ));
        }
    }
    Ok(Pagination {
        items,
        item,
        next,
        has_more: declared.has_more.clone(),
        page_size,
        backward: declared.backward.clone(),
    })
}

/// A type with its aliases followed (a bounded number of steps, since aliases may loop).
fn resolve_alias<'t>(ty: &'t TypeRef, types: &'t [TypeDef]) -> &'t TypeRef {
    let mut current = ty;
    for _ in 0..32 {
        let TypeRef::Named(name) = current else {
            return current;
        };
        match types.iter().find(|t| &t.name == name).map(|t| &t.kind) {
            Some(TypeKind::Alias(target)) => current = target,
            _ => return current,
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::test_support::{document, spec, with_ctx};
    use crate::lower::types::TypeSpace;
    use serde_json::json;

    /// The operations of `body` (a spec's top level) lowered and paginated: each operation
    /// id with whether it is paginated, and the diagnostics.
    fn paginated(body: &str) -> (Vec<(String, bool)>, Vec<String>) {
        let text = spec(body);
        let Some(document) = document(&text) else {
            return (Vec::new(), vec!["the spec does not parse".to_string()]);
        };
        with_ctx(&document, |ctx| {
            let mut space = TypeSpace::new(ctx);
            space.lower_components(ctx);
            let mut resources = super::super::lower(ctx, &mut space);
            let types = space.finish(ctx);
            resolve(ctx, &types, &mut resources);
            resources
                .iter()
                .flat_map(|r| &r.operations)
                .map(|op| (op.operation_id.clone(), op.pagination.is_some()))
                .collect()
        })
    }

    const LISTS: &str = "
paths:
  /a:
    get:
      operationId: listA
      parameters: [{name: after, in: query, schema: {type: string}}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Page'}}}}
  /b:
    get:
      operationId: getB
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Page'}}}}
  /c:
    get:
      operationId: listC
      parameters: [{name: after, in: query, schema: {type: string}}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object, properties: {rows: {type: array, items: {type: string}}}}}}}
components:
  schemas:
    Page:
      type: object
      properties:
        has_more: {type: boolean}
        data: {type: array, items: {type: object, properties: {id: {type: string}}}}
";

    #[test]
    fn a_root_default_paginates_the_operations_it_fits_and_leaves_the_others_silently() {
        let (operations, messages) = paginated(&format!(
            "x-pagination: {{items: data, cursor-param: after, has-more: has_more}}\n{LISTS}"
        ));
        assert!(messages.is_empty(), "{messages:?}");
        assert_eq!(
            operations,
            [
                ("listA".to_string(), true),
                ("getB".to_string(), false),
                ("listC".to_string(), false)
            ]
        );
    }

    #[test]
    fn a_declaration_on_an_operation_that_does_not_fit_is_a_warning() {
        let body = LISTS.replace(
            "      operationId: listC\n",
            "      operationId: listC\n      x-pagination: {items: data, cursor-param: after}\n",
        );
        let (operations, messages) = paginated(&body);
        assert_eq!(
            messages,
            ["`listC` is not paginated: its response has no property `data`"]
        );
        assert!(operations.iter().all(|(_, paginated)| !paginated));
    }

    #[test]
    fn a_cursor_declaration_reads_with_its_defaults() {
        let declared =
            read(&json!({"items": "data", "cursor-param": "after", "has-more": "has_more"}));
        assert_eq!(
            declared,
            Ok(Declared {
                items: Some("data".to_string()),
                next: Next::LastItem {
                    param: "after".to_string(),
                    property: "id".to_string()
                },
                has_more: Some(vec!["has_more".to_string()]),
                page_size: None,
                backward: None,
            })
        );
    }

    #[test]
    fn a_next_token_comes_from_a_page_property_path() {
        let declared = read(&json!({
            "style": "next-token", "items": "items", "cursor-param": "page_token",
            "cursor-from": "meta.next_page"
        }));
        assert_eq!(
            declared.map(|d| d.next),
            Ok(Next::Property {
                param: "page_token".to_string(),
                path: vec!["meta".to_string(), "next_page".to_string()]
            })
        );
    }

    #[test]
    fn malformed_declarations_say_which_key() {
        assert_eq!(
            read(&json!({"style": "offset"})).map_err(|e| e.0),
            Err(Some("style"))
        );
        assert_eq!(
            read(&json!({"items": 3})).map_err(|e| e.0),
            Err(Some("items"))
        );
        assert!(read(&json!({"style": "cursor"})).is_err());
        assert!(read(&json!({"style": "next-token", "cursor-param": "t"})).is_err());
        assert!(read(&json!({"cursor-param": "t", "colour": "red"})).is_err());
        assert!(read(&json!({"style": "link-header"})).is_ok());
        assert_eq!(
            read(&json!({"style": "link-header", "reverse-cursor-param": "before"}))
                .map_err(|e| e.0),
            Err(Some("reverse-cursor-param"))
        );
    }
}
