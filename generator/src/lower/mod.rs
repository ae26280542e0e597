//! The parsed document into the intermediate model.

mod api;
mod graph;
mod operations;
mod references;
mod schema;
mod types;
mod unused;

use crate::Options;
use crate::context::Ctx;
use crate::model::Api;

/// Lowers the whole document. Errors and warnings go to `ctx.diagnostics`.
pub fn lower(ctx: &mut Ctx<'_>, options: &Options) -> Api {
    references::check(ctx);
    unused::warn_unused(ctx);
    let mut space = types::TypeSpace::new(ctx);
    space.lower_components(ctx);
    let resources = operations::lower(ctx, &mut space);
    let errors = api::error_model(ctx, &space);
    let types = space.finish(ctx);
    api::assemble(ctx, options, types, resources, errors)
}
