//! Sharper places for shape errors. Where `openapiv3` flattens or buffers (the `paths`
//! map, untagged enums), serde loses the path below that point, and an error such as
//! `invalid type: string "string", expected struct Schema` would point at `#/paths`.
//! When the message quotes the offending scalar, the first node below the reported
//! place that holds it is a far better place to show.

use serde_json::Value;

use crate::pointer;

/// The pointer of the first scalar under `pointer` that `message` names, else `pointer`.
pub fn refine(raw: &Value, pointer: &str, message: &str) -> String {
    let Some(found) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
    else {
        return pointer.to_string();
    };
    let found = found
        .rfind(", expected ")
        .and_then(|cut| found.get(..cut))
        .unwrap_or(found);
    let Some(start) = raw.pointer(pointer.strip_prefix('#').unwrap_or(pointer)) else {
        return pointer.to_string();
    };
    // Depth first, in document order, without recursion.
    let mut stack: Vec<(&Value, String)> = vec![(start, pointer.to_string())];
    while let Some((node, at)) = stack.pop() {
        match node {
            Value::Object(entries) => {
                for (key, child) in entries.iter().rev() {
                    stack.push((child, pointer::child(&at, key)));
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate().rev() {
                    stack.push((child, format!("{at}/{index}")));
                }
            }
            scalar => {
                if describes(found, scalar) {
                    return at;
                }
            }
        }
    }
    pointer.to_string()
}

/// Whether serde's description of an unexpected value (`string "x"`, `integer `5``,
/// `boolean `true``, `floating point `1.5``) is this scalar.
fn describes(found: &str, value: &Value) -> bool {
    match value {
        Value::String(s) => found == format!("string {s:?}"),
        Value::Bool(b) => found == format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => found == format!("floating point `{n}`"),
        Value::Number(n) => found == format!("integer `{n}`"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_quoted_scalar() {
        let raw = serde_json::json!({"paths": {"/a": {"get": {"x": [1, "string", true]}}}});
        let refine = |message: &str| refine(&raw, "#/paths", message);
        assert_eq!(
            refine("invalid type: string \"string\", expected struct Schema"),
            "#/paths/~1a/get/x/1"
        );
        assert_eq!(
            refine("invalid type: integer `1`, expected a map"),
            "#/paths/~1a/get/x/0"
        );
        assert_eq!(
            refine("invalid type: boolean `true`, expected x"),
            "#/paths/~1a/get/x/2"
        );
        assert_eq!(refine("invalid type: map, expected a string"), "#/paths");
        assert_eq!(refine("missing field `title`"), "#/paths");
        assert_eq!(
            refine("invalid type: string \"nope\", expected x"),
            "#/paths"
        );
    }
}
