//! The path template: `/domains/{domain_id}/verify` into literal segments and parameters,
//! every template parameter checked against the declared `in: path` parameters.

use crate::context::Ctx;
use crate::diagnostic::did_you_mean;
use crate::model::{Param, PathPart, PathPiece};

/// Splits `/domains/{domain_id}/verify` into segments of literal text and parameters, and
/// checks that every template parameter is declared.
pub(super) fn parse_path(
    ctx: &mut Ctx<'_>,
    path: &str,
    pointer: &str,
    params: &[Param],
) -> Vec<PathPart> {
    let mut parts = Vec::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let mut pieces = Vec::new();
        let mut rest = segment;
        while !rest.is_empty() {
            match rest.find('{') {
                Some(open) => {
                    if open > 0 {
                        pieces.push(PathPiece::Literal(
                            rest.get(..open).unwrap_or("").to_string(),
                        ));
                    }
                    let after = rest.get(open + 1..).unwrap_or("");
                    let Some(close) = after.find('}') else {
                        ctx.error(pointer, format!("unclosed `{{` in path template `{path}`"));
                        return parts;
                    };
                    let name = after.get(..close).unwrap_or("");
                    match params.iter().find(|p| p.wire_name == name) {
                        Some(param) => pieces.push(PathPiece::Param(param.name.rust.clone())),
                        None => {
                            let hint =
                                did_you_mean(name, params.iter().map(|p| p.wire_name.as_str()));
                            ctx.error(
                                pointer,
                                format!(
                                    "path template parameter `{{{name}}}` has no matching `in: path` parameter{hint}"
                                ),
                            );
                        }
                    }
                    rest = after.get(close + 1..).unwrap_or("");
                }
                None => {
                    pieces.push(PathPiece::Literal(rest.to_string()));
                    rest = "";
                }
            }
        }
        parts.push(PathPart { pieces });
    }
    for param in params {
        if !path.contains(&format!("{{{}}}", param.wire_name)) {
            ctx.warn(
                pointer,
                format!(
                    "path parameter `{}` does not appear in the path template",
                    param.wire_name
                ),
            );
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::parse_path;
    use crate::lower::test_support::{document, spec, with_ctx};
    use crate::model::{Name, Param, ParamStyle, PathPiece, TypeRef};

    fn param(wire: &str, name: &str) -> Param {
        Param {
            name: Name::new(name),
            wire_name: wire.to_string(),
            doc: None,
            ty: TypeRef::String,
            required: true,
            style: ParamStyle::Scalar,
        }
    }

    #[test]
    fn a_template_becomes_literals_and_parameters() {
        let Some(document) = document(&spec("paths: {}\n")) else {
            panic!("the spec parses");
        };
        let params = [param("file-id", "file_id"), param("unused", "unused")];
        let (parts, messages) = with_ctx(&document, |ctx| {
            parse_path(ctx, "/files/v{file-id}.json/{nope}", "#/paths/x", &params)
        });
        let pieces: Vec<&Vec<PathPiece>> = parts.iter().map(|p| &p.pieces).collect();
        assert_eq!(
            pieces,
            [
                &vec![PathPiece::Literal("files".into())],
                &vec![
                    PathPiece::Literal("v".into()),
                    PathPiece::Param("file_id".into()),
                    PathPiece::Literal(".json".into())
                ],
                &vec![],
            ]
        );
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`{nope}` has no matching `in: path` parameter"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`unused` does not appear in the path template"))
        );
    }
}
