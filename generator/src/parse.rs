//! Spec text into the typed OpenAPI model, with located errors: YAML (or JSON) into a tree,
//! the version checked, other files bundled in ([`crate::bundle`]), OpenAPI 3.1 rewritten
//! into the 3.0 shape ([`crate::normalize`]), then `openapiv3` reads the tree.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::bundle::{self, SourceLoader};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::normalize;
use crate::pointer;
use crate::sources::Sources;
use crate::yaml;

/// A parsed document: the typed model, the raw tree it came from (bundled and normalised),
/// where each node stood, and the warnings found on the way.
pub struct Document {
    pub spec: OpenAPI,
    pub raw: Value,
    pub sources: Sources,
    pub warnings: Diagnostics,
}

/// The OpenAPI versions read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V30,
    V31,
}

pub fn parse(
    text: &str,
    file: &str,
    loader: &dyn SourceLoader,
) -> Result<Document, Vec<Diagnostic>> {
    if text.len() > bundle::MAX_TOTAL_BYTES {
        let mut diagnostics = Diagnostics::default();
        diagnostics.error_at(
            crate::sources::Place {
                file: file.to_string(),
                pointer: "#".to_string(),
                line: Some(1),
                column: Some(1),
            },
            format!(
                "the spec is {} bytes, more than the {} MiB the generator reads",
                text.len(),
                bundle::MAX_TOTAL_BYTES >> 20
            ),
        );
        return Err(diagnostics.into_vec());
    }
    let (raw, map) = yaml::parse(text).map_err(|error| {
        let mut diagnostics = Diagnostics::default();
        diagnostics.error_at(error.place(file), error.message);
        diagnostics.into_vec()
    })?;
    let mut sources = Sources::new(file, map);
    // The document is refused on the spot: this one error is all there is to say.
    let error = |sources: &Sources, pointer: &str, message: String| {
        let mut diagnostics = Diagnostics::default();
        diagnostics.error(sources, pointer, message);
        diagnostics.into_vec()
    };
    let Some(object) = raw.as_object() else {
        return Err(error(
            &sources,
            "#",
            format!(
                "not an OpenAPI document: expected a mapping at the top, found {}",
                kind(&raw)
            ),
        ));
    };
    let version = match object.get("openapi") {
        Some(Value::String(version)) => version.clone(),
        Some(other) => {
            return Err(error(
                &sources,
                "#/openapi",
                format!(
                    "`openapi` must be a version string such as \"3.0.3\", found {}",
                    kind(other)
                ),
            ));
        }
        None if object.contains_key("swagger") => {
            return Err(error(
                &sources,
                "#/swagger",
                "Swagger 2.0 documents are not supported: convert the document to OpenAPI 3.0 first"
                    .to_string(),
            ));
        }
        None => {
            return Err(error(
                &sources,
                "#",
                "not an OpenAPI document: the `openapi` version field is missing".to_string(),
            ));
        }
    };
    let version = if version == "3.0" || version.starts_with("3.0.") {
        Version::V30
    } else if version == "3.1" || version.starts_with("3.1.") {
        Version::V31
    } else {
        return Err(error(
            &sources,
            "#/openapi",
            format!("unsupported OpenAPI version `{version}`: expected 3.0.x or 3.1.x"),
        ));
    };

    let mut diagnostics = Diagnostics::default();
    let mut raw = raw;
    if version == Version::V31 {
        normalize::document(&mut raw, &sources, &mut diagnostics);
    }
    let mut raw = bundle::bundle(raw, text.len(), &mut sources, loader, &mut diagnostics);
    if version == Version::V31 {
        normalize::schemas(&mut raw, &sources, &mut diagnostics);
    }
    if diagnostics.has_errors() {
        return Err(diagnostics.into_vec());
    }

    // Read from the tree in place: a clone of it to consume took as long as the reading.
    let spec: OpenAPI = serde_path_to_error::deserialize(&raw).map_err(|failure| {
        let mut pointer = String::from("#");
        for segment in failure.path().iter() {
            let token = match segment {
                serde_path_to_error::Segment::Seq { index } => index.to_string(),
                serde_path_to_error::Segment::Map { key } => key.clone(),
                serde_path_to_error::Segment::Enum { variant } => variant.clone(),
                serde_path_to_error::Segment::Unknown => continue,
            };
            pointer.push('/');
            pointer.push_str(&pointer::escape(&token));
        }
        let pointer = crate::shape::refine(&raw, &pointer, &failure.inner().to_string());
        let what = match version {
            Version::V30 => "OpenAPI 3.0",
            Version::V31 => "OpenAPI 3.1",
        };
        let mut all = error(
            &sources,
            &pointer,
            format!(
                "not a valid {what} document: {}",
                shape_error(failure.inner())
            ),
        );
        all.extend(diagnostics.iter().cloned());
        all
    })?;
    Ok(Document {
        spec,
        raw,
        sources,
        warnings: diagnostics,
    })
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
