//! Rust names from spec names: case conversion with heck, keywords escaped, collisions
//! resolved deterministically.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves. Those that cannot be raw identifiers get a trailing underscore.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that `r#` cannot escape.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Type names the generated modules use unqualified; a spec type with one of these names
/// would shadow them.
#[rustfmt::skip]
const RESERVED_TYPES: &[&str] = &[
    "Box", "BTreeMap", "Default", "Deserialize", "Deserializer", "Display", "Err", "Formatter",
    "From", "Into", "None", "Ok", "Option", "Result", "Self", "Send", "Serialize", "Serializer",
    "Sized", "Some", "String", "Sync", "ToString", "Value", "Vec",
];

/// `UpperCamelCase` type name. Never empty, never starts with a digit, never shadows a
/// name the generated code relies on.
pub fn type_name(raw: &str) -> String {
    let mut name = if is_plain_upper_camel_case(raw) {
        // What heck gives back unchanged (most schema names), without its word splitting.
        raw.to_string()
    } else {
        raw.to_upper_camel_case()
    };
    name.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    if name.is_empty() {
        name = "Unnamed".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("Type{name}");
    }
    if RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str("Type");
    }
    name
}

/// `snake_case` name for a field, parameter, method or module, as it is written in Rust
/// source (keywords come back as `r#type` or `self_`).
pub fn field_name(raw: &str) -> String {
    if is_plain_snake_case(raw) {
        // What heck gives back unchanged (most names of a spec), without its word splitting.
        field_name_from_snake(raw.to_string())
    } else {
        field_name_from_snake(raw.to_snake_case())
    }
}

/// [`field_name`] from the name in snake case.
fn field_name_from_snake(mut name: String) -> String {
    name.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    let name = name.trim_matches('_').to_string();
    let name = if name.is_empty() {
        "value".to_string()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{name}")
    } else {
        name
    };
    escape_keyword(name)
}

/// Lowercase ASCII words of letters and digits, joined by single underscores, the first
/// starting with a letter: a name `to_snake_case` returns as it is.
fn is_plain_snake_case(raw: &str) -> bool {
    raw.starts_with(|c: char| c.is_ascii_lowercase())
        && raw.split('_').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// ASCII letters and digits, an uppercase letter first and every other one after a
/// lowercase letter: a name `to_upper_camel_case` returns as it is.
fn is_plain_upper_camel_case(raw: &str) -> bool {
    raw.starts_with(|c: char| c.is_ascii_uppercase())
        && raw.bytes().all(|b| b.is_ascii_alphanumeric())
        && raw
            .bytes()
            .zip(raw.bytes().skip(1))
            .all(|(before, b)| !b.is_ascii_uppercase() || before.is_ascii_lowercase())
}

/// Makes a keyword usable as an identifier.
pub fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The identifier text without a raw prefix (`r#type` -> `type`), for derived names.
pub fn bare(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// `UpperCamelCase` enum variant name for a wire value.
pub fn variant_name(raw: &str) -> String {
    let mut name = raw.to_upper_camel_case();
    name.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    if name.is_empty() {
        // Values made only of symbols: spell the first few out so that they stay distinct.
        name = if raw.is_empty() {
            "Empty".to_string()
        } else {
            let spelled: String = raw.bytes().map(|b| format!("X{b:02X}")).collect();
            spelled
        };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

/// Hands out names that are unique within one scope, in the order asked.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn with_reserved(reserved: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        Scope {
            taken: reserved
                .into_iter()
                .map(|name| name.as_ref().to_string())
                .collect(),
        }
    }

    /// Takes `name`, or `name2`, `name3`, ... if it is taken. The second value says whether
    /// the name had to change.
    pub fn claim(&mut self, name: &str) -> (String, bool) {
        if self.taken.insert(name.to_string()) {
            return (name.to_string(), false);
        }
        let (stem, separator) = match name.strip_prefix("r#") {
            Some(stem) => (stem, "_"),
            None if name.ends_with(|c: char| c.is_ascii_digit()) => (name, "_"),
            None => (name, ""),
        };
        let mut counter = 2usize;
        loop {
            let candidate = format!("{stem}{separator}{counter}");
            if self.taken.insert(candidate.clone()) {
                return (candidate, true);
            }
            counter += 1;
        }
    }
}

/// A crude English singular, enough to see that `emails` and `email` name the same thing.
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = word.strip_suffix("sses") {
        format!("{stem}ss")
    } else if let Some(stem) = word.strip_suffix('s') {
        if stem.ends_with('s') {
            word.to_string()
        } else {
            stem.to_string()
        }
    } else {
        word.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped() {
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("statusCode"), "status_code");
        assert_eq!(field_name("@id"), "id");
        assert_eq!(field_name("2fa"), "n2fa");
        assert_eq!(field_name("$"), "value");
        assert_eq!(type_name("api-key"), "ApiKey");
        assert_eq!(type_name("200 response"), "Type200Response");
        assert_eq!(type_name("Result"), "ResultType");
        assert_eq!(variant_name("in-progress"), "InProgress");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("+"), "X2B");
        assert_eq!(variant_name("1"), "V1");
    }

    #[test]
    fn scopes_number_collisions() {
        let mut scope = Scope::with_reserved(["Unknown"]);
        assert_eq!(scope.claim("Unknown"), ("Unknown2".to_string(), true));
        assert_eq!(scope.claim("r#type"), ("r#type".to_string(), false));
        assert_eq!(scope.claim("r#type"), ("type_2".to_string(), true));
        assert_eq!(scope.claim("v1"), ("v1".to_string(), false));
        assert_eq!(scope.claim("v1"), ("v1_2".to_string(), true));
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("emails"), "email");
        assert_eq!(singular("entries"), "entry");
        assert_eq!(singular("address"), "address");
    }

    /// Every name of three of `parts` in a row.
    fn names_of(parts: &[&str]) -> Vec<String> {
        let mut names = Vec::new();
        for first in parts {
            for second in parts {
                for third in parts {
                    names.push(format!("{first}{second}{third}"));
                }
            }
        }
        names
    }

    #[test]
    fn plain_snake_case_names_are_what_heck_gives_back_unchanged() {
        let parts = [
            "a", "b1", "id", "x2y", "z", "9", "_", "__", "A", "é", "-", "v2", "aB",
        ];
        let mut checked = 0;
        for raw in names_of(&parts) {
            if is_plain_snake_case(&raw) {
                assert_eq!(raw.to_snake_case(), raw, "{raw}");
                checked += 1;
            }
            assert_eq!(field_name(&raw), field_name_from_snake(raw.to_snake_case()));
        }
        assert!(checked > 100, "{checked}");
        for raw in [
            "created_at",
            "a__b",
            "_a",
            "a_",
            "fooBar",
            "9a",
            "type",
            "self",
        ] {
            let plain = ["created_at", "type", "self"].contains(&raw);
            assert_eq!(is_plain_snake_case(raw), plain, "{raw}");
        }
    }

    #[test]
    fn plain_upper_camel_case_names_are_what_heck_gives_back_unchanged() {
        let parts = [
            "A", "Item", "b", "1", "Update", "V2", "x", "HTTP", "_", "-", "é", "Ab1c", "9Z",
        ];
        let mut checked = 0;
        for raw in names_of(&parts) {
            if is_plain_upper_camel_case(&raw) {
                assert_eq!(raw.to_upper_camel_case(), raw, "{raw}");
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked}");
    }
}
