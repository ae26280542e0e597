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
    let spec = read_model(&mut raw).map_err(|failure| {
        let pointer = crate::shape::refine(&raw, &failure.pointer, &failure.message);
        let what = match version {
            Version::V30 => "OpenAPI 3.0",
            Version::V31 => "OpenAPI 3.1",
        };
        let mut all = error(
            &sources,
            &pointer,
            format!("not a valid {what} document: {}", failure.shape),
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

/// Why the tree is not an OpenAPI document: where (a pointer), serde's message, and what
/// to tell the user ([`shape_error`]).
struct ReadFailure {
    pointer: String,
    message: String,
    shape: String,
}

impl ReadFailure {
    /// A failure of reading the tree at `prefix` (`#`, or the pointer of the part read).
    fn of(prefix: &str, failure: &serde_path_to_error::Error<serde_json::Error>) -> Self {
        let mut pointer = prefix.to_string();
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
        ReadFailure {
            pointer,
            message: failure.inner().to_string(),
            shape: shape_error(failure.inner()),
        }
    }
}

/// The schemas of the components, read on their own.
type Schemas = indexmap::IndexMap<String, openapiv3::ReferenceOr<openapiv3::Schema>>;

/// The typed model of the tree. The component schemas (in a large spec, about half of it)
/// are read on a second thread while this one reads the rest; the tree is left as it was.
/// When both halves fail, the failure reported is the one serde meets first reading the whole
/// document in order.
fn read_model(raw: &mut Value) -> Result<OpenAPI, ReadFailure> {
    let components = raw.get_mut("components").and_then(Value::as_object_mut);
    let taken = components.and_then(|components| {
        let index = components.keys().position(|key| key == "schemas")?;
        let many = components
            .get("schemas")
            .and_then(Value::as_object)
            .is_some_and(|schemas| schemas.len() > 1);
        many.then(|| {
            components
                .shift_remove("schemas")
                .map(|schemas| (index, schemas))
        })
        .flatten()
    });
    let Some((index, schemas)) = taken else {
        return serde_path_to_error::deserialize(&*raw).map_err(|f| ReadFailure::of("#", &f));
    };
    let read_schemas = || {
        serde_path_to_error::deserialize::<_, Schemas>(&schemas)
            .map_err(|f| ReadFailure::of("#/components/schemas", &f))
    };
    let (rest, read) = std::thread::scope(|scope| {
        let helper = std::thread::Builder::new()
            .name("generator-read".to_string())
            .stack_size(crate::STACK_SIZE)
            .spawn_scoped(scope, read_schemas);
        let rest = serde_path_to_error::deserialize::<_, OpenAPI>(&*raw)
            .map_err(|f| ReadFailure::of("#", &f));
        let read = match helper {
            Ok(handle) => handle.join().unwrap_or_else(|_| read_schemas()),
            Err(_) => read_schemas(),
        };
        (rest, read)
    });
    // The tree goes back as it was: the rest of the generator reads it too.
    if let Some(components) = raw.get_mut("components").and_then(Value::as_object_mut) {
        components.shift_insert(index, "schemas".to_string(), schemas);
    }
    match (rest, read) {
        (Ok(mut spec), Ok(read)) => {
            if let Some(components) = spec.components.as_mut() {
                components.schemas = read;
            }
            Ok(spec)
        }
        (Err(failure), Ok(_)) | (Ok(_), Err(failure)) => Err(failure),
        // Serde reads the document's keys in order: the first of the two to fail.
        (Err(rest), Err(read)) if order(raw, &read) < order(raw, &rest) => Err(read),
        (Err(rest), Err(_)) => Err(rest),
    }
}

/// When a reading of the tree in order meets `failure`: the position of its node's key or item
/// at each level (a missing step counts as last). A missing field is found after the whole
/// object that lacks it is read, so after everything in it.
fn order(raw: &Value, failure: &ReadFailure) -> Vec<usize> {
    let mut node = Some(raw);
    let mut positions = Vec::new();
    for token in pointer::tokens(&failure.pointer) {
        let step = match node {
            Some(Value::Object(map)) => map
                .keys()
                .position(|key| *key == token)
                .map(|i| (i, map.get(&token))),
            Some(Value::Array(items)) => token.parse::<usize>().ok().map(|i| (i, items.get(i))),
            _ => None,
        };
        match step {
            Some((position, next)) => {
                positions.push(position);
                node = next;
            }
            None => {
                positions.push(usize::MAX);
                node = None;
            }
        }
    }
    if failure.message.starts_with("missing field") {
        positions.push(usize::MAX);
    }
    positions
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or(Value::Null)
    }

    const SCHEMAS: &str = r#"{"A": {"type": "object", "properties": {"b": {"type": "string"}}}, "C": {"type": "integer"}}"#;

    /// The schemas read on their own give the model read in one go, and the tree is left
    /// as it was (key order included).
    #[test]
    fn the_schemas_read_apart_give_the_same_model() {
        let text = format!(
            r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}}, "components": {{"responses": {{}}, "schemas": {SCHEMAS}, "parameters": {{}}}}}}"#
        );
        let mut raw = tree(&text);
        let whole: Option<OpenAPI> = serde_json::from_value(raw.clone()).ok();
        let split = read_model(&mut raw).ok();
        assert!(whole.is_some());
        assert_eq!(split, whole);
        assert_eq!(
            serde_json::to_string(&raw).ok(),
            serde_json::to_string(&tree(&text)).ok()
        );
    }

    /// When the schemas and something else are both wrong, the one a reading in order meets
    /// first is reported, as a reading in one go would.
    #[test]
    fn of_two_failures_the_first_in_the_document_is_reported() {
        let bad_schemas = r#"{"A": {"type": "object", "properties": 3}, "C": {"type": "integer"}}"#;
        let bad_info = r#"{"title": 5, "version": "1"}"#;
        // The pointer reported, and the one a reading in one go gives.
        let pointer = |text: String| {
            let mut raw = tree(&text);
            let whole = serde_path_to_error::deserialize::<_, OpenAPI>(&raw)
                .err()
                .map(|failure| ReadFailure::of("#", &failure).pointer);
            let split = read_model(&mut raw).err().map(|failure| failure.pointer);
            assert_eq!(split, whole);
            split
        };
        let info_first = format!(
            r#"{{"openapi": "3.0.3", "info": {bad_info}, "paths": {{}}, "components": {{"schemas": {bad_schemas}}}}}"#
        );
        assert_eq!(pointer(info_first).as_deref(), Some("#/info/title"));
        let schemas_first = format!(
            r#"{{"openapi": "3.0.3", "components": {{"schemas": {bad_schemas}}}, "paths": {{}}, "info": {bad_info}}}"#
        );
        assert_eq!(
            pointer(schemas_first).as_deref(),
            Some("#/components/schemas/A")
        );
        // A missing field is met after the object that lacks it has been read whole.
        let info_missing = format!(
            r#"{{"openapi": "3.0.3", "paths": {{}}, "components": {{"schemas": {bad_schemas}}}}}"#
        );
        assert_eq!(
            pointer(info_missing).as_deref(),
            Some("#/components/schemas/A")
        );
        // Inside `components` too: `responses` before `schemas`.
        let responses_first = format!(
            r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}}, "components": {{"responses": 7, "schemas": {bad_schemas}}}}}"#
        );
        assert_eq!(
            pointer(responses_first).as_deref(),
            Some("#/components/responses")
        );
    }
}
