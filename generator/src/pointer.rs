//! JSON pointers and `$ref`s, in one place: escaping and unescaping a token (RFC 6901),
//! a pointer one step down, the tokens of a pointer, the parts of a component reference
//! (`#/components/<kind>/<name>`), following a chain of references to what it names, and
//! the message for one that names nothing.
//!
//! The reader (`yaml.rs`), the bundler, the 3.1 rewrite, the check of every reference and
//! lowering all go through here, so `~0`/`~1` are handled alike everywhere and a dangling
//! reference is worded one way.

use indexmap::IndexMap;
use openapiv3::ReferenceOr;

use crate::diagnostic::did_you_mean;

/// Escapes one reference token of a JSON pointer: `~` as `~0`, `/` as `~1`.
pub fn escape(token: &str) -> String {
    if !token.contains(['~', '/']) {
        return token.to_string();
    }
    token.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape`].
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// A JSON pointer one step below `base`.
pub fn child(base: &str, token: &str) -> String {
    let mut pointer = String::with_capacity(base.len() + 1 + token.len());
    pointer.push_str(base);
    push_child(&mut pointer, token);
    pointer
}

/// Makes `pointer` one step longer: `/` and `token`, escaped (see [`child`]).
pub fn push_child(pointer: &mut String, token: &str) {
    pointer.push('/');
    for part in token.split_inclusive(['~', '/']) {
        match part.strip_suffix('~') {
            Some(before) => {
                pointer.push_str(before);
                pointer.push_str("~0");
            }
            None => match part.strip_suffix('/') {
                Some(before) => {
                    pointer.push_str(before);
                    pointer.push_str("~1");
                }
                None => pointer.push_str(part),
            },
        }
    }
}

/// The tokens of a pointer (`#/a/b~1c` or `/a/b~1c`), unescaped: `a`, `b/c`.
pub fn tokens(pointer: &str) -> Vec<String> {
    let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
    pointer.split('/').skip(1).map(unescape).collect()
}

/// `#/components/<kind>/<name>`, the name escaped.
pub fn component_ref(kind: &str, name: &str) -> String {
    child(&format!("#/components/{kind}"), name)
}

/// The name a reference gives after `#/components/<kind>/`, unescaped (everything after
/// the prefix: a reference into a component keeps its slashes and names no component).
pub fn component_name(reference: &str, kind: &str) -> Option<String> {
    reference
        .strip_prefix("#/components/")?
        .strip_prefix(kind)?
        .strip_prefix('/')
        .map(unescape)
}

/// A reference to a component, or into one (`#/components/schemas/User/properties/id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub kind: String,
    pub name: String,
    /// Whether the reference names the component itself rather than a node inside it.
    pub whole: bool,
}

/// The component a reference names or points into; `None` for any other reference.
pub fn component_of(reference: &str) -> Option<Component> {
    let rest = reference.strip_prefix("#/components/")?;
    let mut tokens = rest.splitn(3, '/');
    let kind = tokens.next()?;
    let name = tokens.next()?;
    Some(Component {
        kind: unescape(kind),
        name: unescape(name),
        whole: tokens.next().is_none(),
    })
}

/// What a chain of references led to: the item, the name of the component it is and that
/// component's pointer.
pub struct Target<'a, T> {
    pub item: &'a T,
    pub name: String,
    pub at: String,
}

/// Why a chain of references led nowhere. `at` is the pointer of the node that holds the
/// `$ref` that failed.
#[derive(Debug, PartialEq, Eq)]
pub enum Broken<'a> {
    /// Not of the form `#/components/<kind>/<name>`.
    Unsupported { reference: &'a str, at: String },
    /// Names a component that is not there.
    Dangling {
        reference: &'a str,
        name: String,
        at: String,
    },
    /// Still a reference after the allowed number of steps: a cycle.
    Cycle,
}

/// Follows `reference` (held by the node at `at`) through components of one `kind`, each
/// looked up in `components`, for at most `steps` references.
pub fn follow<'a: 'r, 'r, T>(
    reference: &'r str,
    at: &str,
    kind: &str,
    components: Option<&'a IndexMap<String, ReferenceOr<T>>>,
    steps: usize,
) -> Result<Target<'a, T>, Broken<'r>> {
    let mut reference = reference;
    let mut at = at.to_string();
    for _ in 0..steps {
        let Some(name) = component_name(reference, kind) else {
            return Err(Broken::Unsupported { reference, at });
        };
        let Some(target) = components.and_then(|map| map.get(&name)) else {
            return Err(Broken::Dangling {
                reference,
                name,
                at,
            });
        };
        let here = component_ref(kind, &name);
        match target {
            ReferenceOr::Item(item) => {
                return Ok(Target {
                    item,
                    name,
                    at: here,
                });
            }
            ReferenceOr::Reference { reference: next } => {
                reference = next;
                at = here;
            }
        }
    }
    Err(Broken::Cycle)
}

/// What is wrong with `reference`, which names the component `name` of `kind` (`schemas`,
/// `responses`...) that is not there; `known` are the names that are.
pub fn dangling_component<'k>(
    reference: &str,
    kind: &str,
    name: &str,
    known: impl IntoIterator<Item = &'k str>,
) -> String {
    let hint = did_you_mean(name, known);
    let expected = if kind == "schemas" {
        "a schema".to_string()
    } else {
        format!("one of the {kind}")
    };
    format!(
        "dangling reference `{reference}`: expected the name of {expected} in `components/{kind}`, found `{name}`{hint}"
    )
}

/// A fingerprint of a pointer's text (128-bit FNV-1a of its bytes), built token by token as
/// a reader walks down a tree: the reader's map of positions keys nodes by it instead of by
/// the pointer text, which would take more memory than the tree itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(u128);

const FNV_OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
const FNV_PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

impl Fingerprint {
    /// The fingerprint of `#`, the whole document.
    pub fn root() -> Self {
        Fingerprint(FNV_OFFSET).bytes(b"#")
    }

    fn bytes(self, bytes: &[u8]) -> Self {
        let mut hash = self.0;
        for &byte in bytes {
            hash ^= u128::from(byte);
            hash = hash.wrapping_mul(FNV_PRIME);
        }
        Fingerprint(hash)
    }

    /// The fingerprint of the pointer one step below: [`child`] of the pointer and `token`.
    pub fn child(self, token: &str) -> Self {
        let mut hash = self.bytes(b"/");
        for byte in token.bytes() {
            hash = match byte {
                b'~' => hash.bytes(b"~0"),
                b'/' => hash.bytes(b"~1"),
                other => hash.bytes(&[other]),
            };
        }
        hash
    }

    /// The fingerprints of `pointer` (written out, escaped) and of its ancestors, the
    /// pointer itself first: for `#/a/b`, those of `#/a/b`, `#/a` and `#`.
    pub fn of_pointer_and_ancestors(pointer: &str) -> Vec<Self> {
        let mut hash = Fingerprint(FNV_OFFSET);
        let mut found = Vec::new();
        for (index, byte) in pointer.bytes().enumerate() {
            if byte == b'/' && index > 0 {
                found.push(hash);
            }
            hash = hash.bytes(&[byte]);
        }
        found.push(hash);
        found.reverse();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_escapes_as_escape_does() {
        for token in ["", "a", "~", "/", "a~b/c", "~/~1/~0", "é/~x", "a//b~~"] {
            let written = format!("#/{}", token.replace('~', "~0").replace('/', "~1"));
            assert_eq!(child("#", token), written, "{token}");
            assert_eq!(format!("#/{}", escape(token)), written, "{token}");
            assert_eq!(unescape(&escape(token)), token);
        }
    }

    #[test]
    fn tokens_escape_and_unescape() {
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        assert_eq!(unescape("a~1b~0c"), "a/b~c");
        // `~01` is an escaped `~` then `1`, not a `/`.
        assert_eq!(unescape("~01"), "~1");
        assert_eq!(child("#/paths", "/pets/{id}"), "#/paths/~1pets~1{id}");
        assert_eq!(tokens("#/paths/~1pets/get"), ["paths", "/pets", "get"]);
        assert_eq!(tokens("/a/b"), ["a", "b"]);
        assert!(tokens("#").is_empty());
    }

    #[test]
    fn component_references_come_apart() {
        assert_eq!(
            component_name("#/components/schemas/A~1B", "schemas").as_deref(),
            Some("A/B")
        );
        assert_eq!(component_name("#/components/schemasX/A", "schemas"), None);
        assert_eq!(component_name("#/definitions/A", "schemas"), None);
        assert_eq!(
            component_ref("responses", "Not/Found"),
            "#/components/responses/Not~1Found"
        );
        let into = component_of("#/components/schemas/User/properties/id");
        assert_eq!(
            into,
            Some(Component {
                kind: "schemas".into(),
                name: "User".into(),
                whole: false
            })
        );
        assert!(component_of("#/components/schemas/User").is_some_and(|c| c.whole));
        assert_eq!(component_of("#/paths/x"), None);
    }

    #[test]
    fn chains_are_followed_and_broken_ones_say_where() {
        let mut map: IndexMap<String, ReferenceOr<u8>> = IndexMap::new();
        map.insert("A".into(), ReferenceOr::ref_("#/components/things/B"));
        map.insert("B".into(), ReferenceOr::Item(7));
        map.insert("Loop".into(), ReferenceOr::ref_("#/components/things/Loop"));
        map.insert("Gone".into(), ReferenceOr::ref_("#/components/things/Nope"));
        let target = follow("#/components/things/A", "#/x", "things", Some(&map), 8);
        let target = target.ok();
        assert_eq!(target.as_ref().map(|t| *t.item), Some(7));
        assert_eq!(target.as_ref().map(|t| t.name.as_str()), Some("B"));
        assert_eq!(
            target.map(|t| t.at),
            Some("#/components/things/B".to_string())
        );
        assert_eq!(
            follow("#/components/things/Loop", "#/x", "things", Some(&map), 8).err(),
            Some(Broken::Cycle)
        );
        assert_eq!(
            follow("#/components/things/Gone", "#/x", "things", Some(&map), 8).err(),
            Some(Broken::Dangling {
                reference: "#/components/things/Nope",
                name: "Nope".into(),
                at: "#/components/things/Gone".into()
            })
        );
        assert_eq!(
            follow("#/components/other/B", "#/x", "things", Some(&map), 8).err(),
            Some(Broken::Unsupported {
                reference: "#/components/other/B",
                at: "#/x".into()
            })
        );
    }

    #[test]
    fn fingerprints_built_token_by_token_match_those_of_the_text() {
        let built = Fingerprint::root()
            .child("paths")
            .child("/a~b")
            .child("get");
        let read = Fingerprint::of_pointer_and_ancestors("#/paths/~1a~0b/get");
        assert_eq!(
            read,
            [
                built,
                Fingerprint::root().child("paths").child("/a~b"),
                Fingerprint::root().child("paths"),
                Fingerprint::root(),
            ]
        );
        assert_ne!(
            Fingerprint::root().child("a/b"),
            Fingerprint::root().child("a").child("b")
        );
    }
}
