//! Success responses: the body type of the 2xx responses, one type when they agree, else
//! an enum with a variant per status; the `Accept` header they ask for.

use openapiv3::{Operation as SpecOperation, ReferenceOr, StatusCode};

use crate::context::Ctx;
use crate::lower::types::TypeSpace;
use crate::model::{Response, ResponseBody, Responses, StatusVariant, TypeDef, TypeKind, TypeRef};
use crate::naming::Scope;
use crate::pointer::child;

use super::media::{Media, essence, is_header_text, preferred};

/// Name of the enum variant for a success status.
pub(super) fn status_variant(status: Option<u16>) -> String {
    match status {
        None => "Success".to_string(),
        Some(200) => "Ok".to_string(),
        Some(201) => "Created".to_string(),
        Some(202) => "Accepted".to_string(),
        Some(203) => "NonAuthoritative".to_string(),
        Some(204) => "NoContent".to_string(),
        Some(205) => "ResetContent".to_string(),
        Some(206) => "PartialContent".to_string(),
        Some(207) => "MultiStatus".to_string(),
        Some(208) => "AlreadyReported".to_string(),
        Some(226) => "ImUsed".to_string(),
        Some(other) => format!("Status{other}"),
    }
}

/// What tells two response bodies apart: how they are read, and for JSON the schema.
pub(super) type BodyKey<'a> = (Media, Option<&'a ReferenceOr<openapiv3::Schema>>);

/// One success response, before its body is lowered.
pub(super) struct Success<'a> {
    status: Option<u16>,
    code: String,
    doc: Option<String>,
    media: Option<(
        String,
        Media,
        Option<&'a ReferenceOr<openapiv3::Schema>>,
        String,
    )>,
}

pub(super) fn success_response<'a>(
    ctx: &mut Ctx<'a>,
    types: &mut TypeSpace,
    operation: &'a SpecOperation,
    pointer: &str,
    builder: &str,
) -> Response {
    let responses_pointer = child(pointer, "responses");
    let mut listed: Vec<(u16, &StatusCode, _)> = operation
        .responses
        .responses
        .iter()
        .filter_map(|(code, response)| match code {
            StatusCode::Code(n) if (200..300).contains(n) => Some((*n, code, response)),
            StatusCode::Range(2) => Some((299, code, response)),
            _ => None,
        })
        .collect();
    listed.sort_by_key(|(n, _, _)| *n);

    let mut successes: Vec<Success<'a>> = Vec::new();
    for (status, code, response) in &listed {
        let at = child(&responses_pointer, &code.to_string());
        let Some((response, at)) = ctx.resolve("responses", response, &at, |c| &c.responses) else {
            continue;
        };
        let media = preferred(&response.content, &[Media::Json, Media::Text, Media::Bytes]).map(
            |(media, content, kind)| {
                let schema_pointer = child(&child(&child(&at, "content"), media), "schema");
                (media.clone(), kind, content.schema.as_ref(), schema_pointer)
            },
        );
        if media.is_none() && !response.content.is_empty() {
            ctx.warn(
                &child(&at, "content"),
                "only multipart and form bodies are listed, which responses are not decoded from; the call returns no body",
            );
        }
        successes.push(Success {
            status: (*status != 299).then_some(*status),
            code: code.to_string(),
            doc: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
            media,
        });
    }

    // Bodies that differ: by kind, and for JSON by schema.
    let mut distinct: Vec<BodyKey<'_>> = Vec::new();
    for success in &successes {
        if let Some((_, kind, schema, _)) = &success.media {
            let key = (*kind, if *kind == Media::Json { *schema } else { None });
            if !distinct.contains(&key) {
                distinct.push(key);
            }
        }
    }

    let accept = {
        let mut media_types: Vec<String> = Vec::new();
        for success in &successes {
            if let Some((media, _, _, _)) = &success.media {
                let media = essence(media);
                if is_header_text(&media) && !media_types.contains(&media) {
                    media_types.push(media);
                }
            }
        }
        (!media_types.is_empty() && media_types != ["application/json"])
            .then(|| media_types.join(", "))
    };
    let status = successes.first().and_then(|s| s.status);
    let doc = successes.first().and_then(|s| s.doc.clone());

    let lower_body = |ctx: &mut Ctx<'a>,
                      types: &mut TypeSpace,
                      media: &Option<(
        String,
        Media,
        Option<&'a ReferenceOr<openapiv3::Schema>>,
        String,
    )>,
                      hint: &str| match media {
        None => ResponseBody::Empty,
        Some((_, Media::Text, _, _)) => ResponseBody::Text,
        Some((_, Media::Json, Some(schema), schema_pointer)) => {
            ResponseBody::Json(types.type_of(ctx, schema, hint, schema_pointer))
        }
        Some((_, Media::Json, None, _)) => ResponseBody::Json(TypeRef::Json),
        Some(_) => ResponseBody::Bytes,
    };

    if distinct.len() <= 1 {
        let first = successes.iter().find(|s| s.media.is_some());
        let body = match first {
            Some(success) => lower_body(ctx, types, &success.media, &format!("{builder}Response")),
            None => ResponseBody::Empty,
        };
        let optional =
            matches!(body, ResponseBody::Json(_)) && successes.iter().any(|s| s.media.is_none());
        return Response {
            status,
            body,
            optional,
            accept,
            doc,
        };
    }

    // Several different bodies: an enum with a variant per status.
    let name = types.claim(&format!("{builder}Response"));
    let mut lowered: Vec<(BodyKey<'_>, ResponseBody)> = Vec::new();
    let mut scope = Scope::with_reserved(["Other"]);
    let mut variants = Vec::new();
    for success in &successes {
        let body = match &success.media {
            None => ResponseBody::Empty,
            Some((_, kind, schema, _)) => {
                let key = (*kind, if *kind == Media::Json { *schema } else { None });
                match lowered.iter().find(|(k, _)| *k == key) {
                    Some((_, body)) => body.clone(),
                    None => {
                        let hint = format!("{builder}Response{}", success.code);
                        let body = lower_body(ctx, types, &success.media, &hint);
                        lowered.push((key, body.clone()));
                        body
                    }
                }
            }
        };
        variants.push(StatusVariant {
            name: scope.claim(&status_variant(success.status)).0,
            status: success.status,
            doc: success.doc.clone(),
            body,
        });
    }
    let other = variants.iter().all(|v| v.status.is_some());
    types.insert(TypeDef {
        name: name.clone(),
        doc: Some(format!(
            "What a successful `{}` gives back: the body of each success status.",
            operation.operation_id.as_deref().unwrap_or(builder)
        )),
        kind: TypeKind::Responses(Responses { variants, other }),
    });
    Response {
        status,
        body: ResponseBody::ByStatus(name),
        optional: false,
        accept,
        doc,
    }
}

#[cfg(test)]
mod tests {
    use super::status_variant;
    use crate::lower::test_support::{document, spec, with_ctx};
    use crate::lower::types::TypeSpace;
    use crate::model::{Response, ResponseBody, TypeRef};

    /// The success response of the one operation of `paths`.
    fn response_of(responses: &str) -> Option<(Response, Vec<String>)> {
        let text = spec(&format!(
            "paths:\n  /x:\n    get:\n      operationId: getX\n      responses:\n{responses}"
        ));
        let document = document(&text)?;
        let item = document.spec.paths.paths.get("/x")?.as_item()?;
        let operation = item.get.as_ref()?;
        Some(with_ctx(&document, |ctx| {
            let mut types = TypeSpace::new(ctx);
            super::success_response(ctx, &mut types, operation, "#/paths/~1x/get", "GetX")
        }))
    }

    #[test]
    fn one_body_with_an_empty_status_beside_it_is_optional() {
        let (response, messages) = response_of(
            "        '200': {description: ok, content: {application/json: {schema: {type: string}}}}\n        '204': {description: nothing}\n",
        )
        .unwrap_or_else(|| panic!("the spec parses"));
        assert!(messages.is_empty(), "{messages:?}");
        assert!(matches!(response.body, ResponseBody::Json(TypeRef::String)));
        assert!(response.optional);
        assert_eq!(response.accept, None);
    }

    #[test]
    fn different_bodies_make_an_enum_by_status_and_ask_for_both() {
        let (response, _) = response_of(
            "        '200': {description: ok, content: {application/json: {schema: {type: string}}}}\n        '202': {description: later, content: {text/plain: {}}}\n",
        )
        .unwrap_or_else(|| panic!("the spec parses"));
        assert!(matches!(&response.body, ResponseBody::ByStatus(name) if name == "GetXResponse"));
        assert_eq!(
            response.accept.as_deref(),
            Some("application/json, text/plain")
        );
    }

    #[test]
    fn statuses_have_their_names() {
        assert_eq!(status_variant(Some(201)), "Created");
        assert_eq!(status_variant(Some(299)), "Status299");
        assert_eq!(status_variant(None), "Success");
    }
}
