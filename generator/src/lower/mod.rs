//! The parsed document into the intermediate model.

mod api;
mod graph;
mod operations;
mod references;
mod schema;
mod types;
mod unused;
mod usage;
mod webhooks;

use crate::Options;
use crate::context::Ctx;
use crate::model::Api;

/// Lowers the whole document. Errors and warnings go to `ctx.diagnostics`.
pub fn lower(ctx: &mut Ctx<'_>, options: &Options) -> Api {
    references::check(ctx);
    unused::warn_unused(ctx);
    let mut space = types::TypeSpace::new(ctx);
    space.lower_components(ctx);
    let mut resources = operations::lower(ctx, &mut space);
    let events = webhooks::lower(ctx, &mut space, &resources);
    let errors = api::error_model(ctx, &space);
    let types = space.finish(ctx);
    operations::resolve_pagination(ctx, &types, &mut resources);
    let mut api = api::assemble(ctx, options, types, resources, errors);
    api.events = events;
    usage::mark_built(&mut api);
    api
}

/// What the unit tests of lowering share: a spec, parsed, as the context lowering runs in.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::Diagnostic;
    use crate::context::Ctx;
    use crate::parse::{self, Document};

    /// A spec of `paths` and `components` (YAML, indented as at the top level) with the
    /// `openapi` and `info` every spec needs.
    pub fn spec(body: &str) -> String {
        format!("openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\n{body}")
    }

    /// Parses `spec`; `None` (and the test fails in its caller) when it does not parse.
    pub fn document(spec: &str) -> Option<Document> {
        parse::parse(spec, "spec.yaml", &crate::NoFiles).ok()
    }

    /// Runs `work` in a lowering context of `document` and gives back its result and the
    /// diagnostics, each as its message.
    pub fn with_ctx<'d, R>(
        document: &'d Document,
        work: impl FnOnce(&mut Ctx<'d>) -> R,
    ) -> (R, Vec<String>) {
        let mut ctx = Ctx {
            spec: &document.spec,
            raw: &document.raw,
            sources: &document.sources,
            diagnostics: Default::default(),
            dangling: Default::default(),
        };
        let result = work(&mut ctx);
        let messages = ctx
            .diagnostics
            .iter()
            .map(|d: &Diagnostic| d.message.clone())
            .collect();
        (result, messages)
    }
}
