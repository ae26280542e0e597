//! Spec text into the typed OpenAPI model, with located errors.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Severity};
use crate::yaml::{self, SourceMap, escape_token};

/// A parsed document: the typed model, the raw tree it came from, and where each node stood.
pub struct Document {
    pub spec: OpenAPI,
    pub raw: Value,
    pub map: SourceMap,
}

pub fn parse(text: &str, file: &str) -> Result<Document, Diagnostic> {
    let located = |pointer: &str, map: &SourceMap, message: String| {
        let position = map.locate(pointer);
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            pointer: pointer.to_string(),
            line: position.map(|(line, _)| line),
            column: position.map(|(_, column)| column),
            message,
        }
    };
    let (raw, map) = yaml::parse(text).map_err(|error| Diagnostic {
        severity: Severity::Error,
        file: file.to_string(),
        pointer: error.pointer,
        line: Some(error.line),
        column: Some(error.column),
        message: error.message,
    })?;
    let Some(object) = raw.as_object() else {
        return Err(located(
            "#",
            &map,
            format!(
                "not an OpenAPI document: expected a mapping at the top, found {}",
                kind(&raw)
            ),
        ));
    };
    let version = match object.get("openapi") {
        Some(Value::String(version)) => version.clone(),
        Some(other) => {
            return Err(located(
                "#/openapi",
                &map,
                format!(
                    "`openapi` must be a version string such as \"3.0.3\", found {}",
                    kind(other)
                ),
            ));
        }
        None if object.contains_key("swagger") => {
            return Err(located(
                "#/swagger",
                &map,
                "Swagger 2.0 documents are not supported: convert the document to OpenAPI 3.0 first"
                    .to_string(),
            ));
        }
        None => {
            return Err(located(
                "#",
                &map,
                "not an OpenAPI document: the `openapi` version field is missing".to_string(),
            ));
        }
    };
    if !version.starts_with("3.0.") && version != "3.0" {
        return Err(located(
            "#/openapi",
            &map,
            format!("unsupported OpenAPI version `{version}`: expected 3.0.x"),
        ));
    }
    let deserializer = raw.clone();
    let spec: OpenAPI = serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let mut pointer = String::from("#");
        for segment in error.path().iter() {
            let token = match segment {
                serde_path_to_error::Segment::Seq { index } => index.to_string(),
                serde_path_to_error::Segment::Map { key } => key.clone(),
                serde_path_to_error::Segment::Enum { variant } => variant.clone(),
                serde_path_to_error::Segment::Unknown => continue,
            };
            pointer.push('/');
            pointer.push_str(&escape_token(&token));
        }
        let pointer = crate::shape::refine(&raw, &pointer, &error.inner().to_string());
        located(
            &pointer,
            &map,
            format!(
                "not a valid OpenAPI 3.0 document: {}",
                shape_error(error.inner())
            ),
        )
    })?;
    Ok(Document { spec, raw, map })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// serde's message for a value that fits no variant of an untagged enum names a type of
/// `openapiv3`, not what the user wrote; say what OpenAPI accepts there instead.
fn shape_error(error: &serde_json::Error) -> String {
    let message = error.to_string();
    if message.contains("did not match any variant of untagged enum") {
        "this value has none of the shapes OpenAPI allows here (a `$ref` to a component, or \
         the object itself with fields of the right types); check its keys and values"
            .to_string()
    } else {
        message
    }
}
