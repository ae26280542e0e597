//! Paths and operations into resources (one per tag) with typed request builders.
//!
//! One file per job: [`names`] (modules and method names), [`params`] (parameters and their
//! styles), [`path`] (the path template), [`media`] (media types), [`body`] (the request
//! body) and [`responses`] (success responses).

mod body;
mod media;
mod names;
mod pagination;
mod params;
mod path;
mod responses;

use std::collections::BTreeMap;

use openapiv3::{Operation as SpecOperation, PathItem, ReferenceOr};

use crate::context::Ctx;
use crate::lower::types::TypeSpace;
use crate::model::{HttpMethod, Name, Operation, Resource};
use crate::naming::{self, Scope};
use crate::pointer::child;

pub use pagination::resolve as resolve_pagination;

use names::{Group, UNTAGGED, assign_method_names, derived_operation_id, method_names};

/// The operations of the spec, grouped by tag, sorted by module name.
pub fn lower<'a>(ctx: &mut Ctx<'a>, types: &mut TypeSpace) -> Vec<Resource> {
    let spec = ctx.spec;
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut operation_ids: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut modules = Scope::with_reserved(crate::runtime_names::module_reserved());
    let mut module_of_tag: BTreeMap<String, String> = BTreeMap::new();

    for (path, item) in &spec.paths.paths {
        let path_pointer = child("#/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                ctx.error(
                    &path_pointer,
                    format!("path item references (`{reference}`) are not supported yet"),
                );
                continue;
            }
        };
        for (method, http_method, operation) in operations_of(item) {
            let pointer = child(&path_pointer, method);
            let operation_id = match &operation.operation_id {
                Some(id) if !id.trim().is_empty() => id.clone(),
                _ => {
                    let derived = derived_operation_id(method, path);
                    ctx.warn(
                        &pointer,
                        format!(
                            "operation has no `operationId`; it is named `{derived}` from its method and path"
                        ),
                    );
                    derived
                }
            };
            if let Some((previous, first)) = operation_ids.get(&operation_id) {
                let line = ctx
                    .sources
                    .place(previous)
                    .line
                    .map(|line| format!(" at line {line}"))
                    .unwrap_or_default();
                ctx.error(
                    &child(&pointer, "operationId"),
                    format!(
                        "duplicate operationId `{operation_id}`: expected every operation to have its own, but `{first}`{line} already has it"
                    ),
                );
                continue;
            }
            operation_ids.insert(
                operation_id.clone(),
                (pointer.clone(), format!("{method} {path}")),
            );

            let tag = operation
                .tags
                .first()
                .cloned()
                .unwrap_or_else(|| UNTAGGED.to_string());
            let module = match module_of_tag.get(&tag) {
                Some(module) => module.clone(),
                None => {
                    let module = naming::field_name(&tag);
                    let module = match module.strip_prefix("r#") {
                        Some(bare) => format!("{bare}_"),
                        None => module,
                    };
                    let (module, _) = modules.claim(&module);
                    module_of_tag.insert(tag.clone(), module.clone());
                    module
                }
            };
            let group = groups.entry(module.clone()).or_insert_with(|| Group {
                tag: tag.clone(),
                handle: naming::type_name(&tag),
                builders: Scope::default(),
                operations: Vec::new(),
                short_names: Vec::new(),
            });
            if group.operations.is_empty() {
                group.builders.claim(&group.handle.clone());
            }
            let (short_name, method_name) = method_names(&operation_id, &tag);
            let (builder, _) = group.builders.claim(&naming::type_name(&operation_id));
            let lowered = lower_operation(
                ctx,
                types,
                OperationSite {
                    path,
                    item,
                    operation,
                    http_method,
                    pointer: pointer.clone(),
                    operation_id,
                    method_name,
                    builder,
                },
            );
            if let Some(lowered) = lowered {
                group.operations.push(lowered);
                group.short_names.push(short_name);
            }
        }
    }

    groups
        .into_iter()
        .map(|(module, mut group)| {
            assign_method_names(&mut group);
            (module, group)
        })
        .map(|(module, group)| Resource {
            doc: tag_description(ctx, &group.tag),
            tag: group.tag,
            handle: group.handle,
            module: Name::new(module),
            operations: group.operations,
        })
        .collect()
}

struct OperationSite<'s> {
    path: &'s str,
    item: &'s PathItem,
    operation: &'s SpecOperation,
    http_method: HttpMethod,
    pointer: String,
    operation_id: String,
    method_name: String,
    builder: String,
}

fn operations_of(item: &PathItem) -> Vec<(&'static str, HttpMethod, &SpecOperation)> {
    let all = [
        ("get", HttpMethod::Get, &item.get),
        ("put", HttpMethod::Put, &item.put),
        ("post", HttpMethod::Post, &item.post),
        ("delete", HttpMethod::Delete, &item.delete),
        ("options", HttpMethod::Options, &item.options),
        ("head", HttpMethod::Head, &item.head),
        ("patch", HttpMethod::Patch, &item.patch),
        ("trace", HttpMethod::Trace, &item.trace),
    ];
    all.into_iter()
        .filter_map(|(name, method, op)| op.as_ref().map(|op| (name, method, op)))
        .collect()
}

fn tag_description(ctx: &Ctx<'_>, tag: &str) -> Option<String> {
    ctx.spec
        .tags
        .iter()
        .find(|t| t.name == tag)
        .and_then(|t| t.description.clone())
}

fn lower_operation<'a>(
    ctx: &mut Ctx<'a>,
    types: &mut TypeSpace,
    site: OperationSite<'a>,
) -> Option<Operation> {
    let OperationSite {
        path,
        item,
        operation,
        http_method,
        pointer,
        operation_id,
        method_name,
        builder,
    } = site;
    let pointer = pointer.as_str();
    let errors_before = ctx.diagnostics.mark();

    let path_pointer = child("#/paths", path);
    let params = params::lower(
        ctx,
        types,
        &params::Site {
            item,
            operation,
            path_pointer: &path_pointer,
            pointer,
            builder: &builder,
        },
    );
    let segments = path::parse_path(ctx, path, &path_pointer, &params.path);
    let body = body::request_body(ctx, types, operation, pointer, &builder);
    let response = responses::success_response(ctx, types, operation, pointer, &builder);

    if ctx.diagnostics.errors_since(errors_before) {
        return None;
    }
    Some(Operation {
        method_name: Name::new(method_name),
        builder,
        operation_id,
        summary: operation.summary.clone(),
        description: operation.description.clone(),
        deprecated: operation.deprecated,
        http_method,
        path: segments,
        path_template: path.to_string(),
        path_params: params.path,
        query_params: params.query,
        header_params: params.header,
        body,
        response,
        idempotency_key: params.idempotency_key,
        pagination: None,
    })
}
