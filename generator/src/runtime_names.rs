//! The names a generated crate defines whatever its spec says, read from the runtime
//! templates themselves so that the two cannot drift apart: a module per runtime file, and
//! every method of `Client` in any template (`impl Client` or `impl crate::Client`, trait
//! impls included). A resource takes a module of its own and an accessor method of the same
//! name on `Client`, so its name must be none of these.

use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Names the generator gives the crate besides the runtime, and names kept free: its own
/// files (`lib`, `spec`, `types`), the constructors `spec.rs` adds to `Client` (`new`,
/// `from_env`), the methods of the traits it derives (`clone`), and `api_key`, `main` and
/// `prelude`, which a reader would take for something else.
const GENERATOR_NAMES: &[&str] = &[
    "api_key", "clone", "from_env", "lib", "main", "new", "prelude", "spec", "types",
];

/// Every name a resource module may not take, sorted.
pub fn module_reserved() -> &'static BTreeSet<String> {
    static NAMES: OnceLock<BTreeSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: BTreeSet<String> = GENERATOR_NAMES
            .iter()
            .map(|name| name.to_string())
            .collect();
        for (path, text) in crate::emit::RUNTIME {
            names.extend(module_of(path));
            names.extend(client_methods(text));
        }
        names
    })
}

/// The module a runtime file becomes: `src/rate_limit.rs` -> `rate_limit`.
fn module_of(path: &str) -> Option<String> {
    let file = path.rsplit('/').next()?;
    file.strip_suffix(".rs").map(str::to_string)
}

/// The names of the methods `text` defines on `Client`: every `fn` item directly inside a
/// top-level `impl` block whose self type is a path ending in `Client`.
///
/// This reads tokens rather than a syntax tree: a full `syn` parse of every template took
/// most of the time of generating a small crate. The tests hold it to what `syn` reads.
fn client_methods(text: &str) -> Vec<String> {
    let tokens = tokens(text);
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut at = 0;
    while at < tokens.len() {
        let Some(&token) = tokens.get(at) else { break };
        match token {
            Token::Open(_) => depth += 1,
            Token::Close => depth = depth.saturating_sub(1),
            Token::Ident("impl") if depth == 0 => {
                let Some(body) = tokens
                    .iter()
                    .skip(at)
                    .position(|token| matches!(token, Token::Open(b'{')))
                    .map(|offset| at + offset)
                else {
                    break;
                };
                let client = is_client_header(tokens.get(at + 1..body).unwrap_or_default());
                let mut inner = 0usize;
                let mut next = body + 1;
                while let Some(&token) = tokens.get(next) {
                    match token {
                        Token::Open(_) => inner += 1,
                        Token::Close if inner == 0 => break,
                        Token::Close => inner -= 1,
                        Token::Ident("fn") if inner == 0 && client => {
                            if let Some(Token::Ident(name)) = tokens.get(next + 1) {
                                names.push((*name).to_string());
                            }
                        }
                        _ => {}
                    }
                    next += 1;
                }
                at = next + 1;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    names
}

/// Whether the tokens between `impl` and its `{` name `Client` (however its path is
/// written) as the self type: what follows a `for` outside the generics, or else what
/// follows the generics, up to any `where`.
fn is_client_header(header: &[Token<'_>]) -> bool {
    let mut angle = 0usize;
    let mut start = 0;
    let mut end = header.len();
    let mut generics = matches!(header.first(), Some(Token::Punct(b'<')));
    for (index, token) in header.iter().enumerate() {
        match token {
            Token::Punct(b'<') => angle += 1,
            Token::Punct(b'>') => {
                angle = angle.saturating_sub(1);
                if angle == 0 && generics {
                    generics = false;
                    start = index + 1;
                }
            }
            Token::Ident("for") if angle == 0 => start = index + 1,
            Token::Ident("where") if angle == 0 => {
                end = index;
                break;
            }
            _ => {}
        }
    }
    let ty = header.get(start.min(end)..end).unwrap_or_default();
    // A path: it opens with a name or `::`, and its last name outside generics is `Client`.
    if !matches!(ty.first(), Some(Token::Ident(_) | Token::Punct(b':'))) {
        return false;
    }
    if matches!(ty.first(), Some(Token::Ident("dyn" | "impl" | "fn"))) {
        return false;
    }
    let mut angle = 0usize;
    let mut last = None;
    for token in ty {
        match token {
            Token::Punct(b'<') => angle += 1,
            Token::Punct(b'>') => angle = angle.saturating_sub(1),
            Token::Ident(name) if angle == 0 => last = Some(*name),
            Token::Ident(_) | Token::Punct(b':') => {}
            _ if angle == 0 => return false,
            _ => {}
        }
    }
    last == Some("Client")
}

/// A token as far as [`client_methods`] cares: literals, comments and lifetimes are left
/// out, `->` is one token (so that its `>` closes no generics), and every closing
/// delimiter is the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Ident(&'a str),
    Punct(u8),
    Open(u8),
    Close,
}

/// The tokens of Rust source `text`.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let byte = byte_at(bytes, at);
        match byte {
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                at = memchr_newline(bytes, at);
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                let mut nesting = 1;
                at += 2;
                while at < bytes.len() && nesting > 0 {
                    if byte_at(bytes, at) == b'/' && bytes.get(at + 1) == Some(&b'*') {
                        nesting += 1;
                        at += 2;
                    } else if byte_at(bytes, at) == b'*' && bytes.get(at + 1) == Some(&b'/') {
                        nesting -= 1;
                        at += 2;
                    } else {
                        at += 1;
                    }
                }
            }
            b'"' => at = skip_string(bytes, at + 1),
            b'\'' => {
                // A char literal (`'a'`, `'\n'`, `'é'`) or a lifetime (`'a`).
                let next = at + 1;
                if bytes.get(next) == Some(&b'\\') {
                    at = next + 2;
                    while at < bytes.len() && byte_at(bytes, at) != b'\'' {
                        at += 1;
                    }
                    at += 1;
                } else {
                    let width = text[next..].chars().next().map_or(1, char::len_utf8);
                    if bytes.get(next + width) == Some(&b'\'') {
                        at = next + width + 1;
                    } else {
                        at = next;
                        while at < bytes.len() && is_ident_byte(byte_at(bytes, at)) {
                            at += 1;
                        }
                    }
                }
            }
            b'(' | b'[' | b'{' => {
                out.push(Token::Open(byte));
                at += 1;
            }
            b')' | b']' | b'}' => {
                out.push(Token::Close);
                at += 1;
            }
            b'-' if bytes.get(at + 1) == Some(&b'>') => {
                out.push(Token::Punct(b'-'));
                at += 2;
            }
            _ if byte.is_ascii_whitespace() => at += 1,
            _ if is_ident_byte(byte) || byte >= 0x80 => {
                let start = at;
                while at < bytes.len()
                    && (is_ident_byte(byte_at(bytes, at)) || byte_at(bytes, at) >= 0x80)
                {
                    at += 1;
                }
                let word = &text[start..at];
                match (word, bytes.get(at)) {
                    // Raw strings: `r"…"`, `r#"…"#`, `br#"…"#`, `cr"…"`.
                    ("r" | "br" | "cr", Some(b'"' | b'#')) => {
                        let mut hashes = 0;
                        while bytes.get(at) == Some(&b'#') {
                            hashes += 1;
                            at += 1;
                        }
                        if bytes.get(at) == Some(&b'"') {
                            at = skip_raw_string(bytes, at + 1, hashes);
                        } else if word == "r" {
                            // A raw identifier, `r#type`, named as `syn` names it.
                            while at < bytes.len() && is_ident_byte(byte_at(bytes, at)) {
                                at += 1;
                            }
                            out.push(Token::Ident(&text[start..at]));
                        }
                    }
                    // Byte and C strings; a byte char is read as `b` then a char literal.
                    ("b" | "c", Some(b'"')) => at = skip_string(bytes, at + 1),
                    _ if byte.is_ascii_digit() => {}
                    _ => out.push(Token::Ident(word)),
                }
            }
            _ => {
                out.push(Token::Punct(byte));
                at += 1;
            }
        }
    }
    out
}

/// The byte at `at`, or NUL past the end.
fn byte_at(bytes: &[u8], at: usize) -> u8 {
    bytes.get(at).copied().unwrap_or(0)
}

fn is_ident_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes
        .iter()
        .skip(from)
        .position(|&byte| byte == b'\n')
        .map_or(bytes.len(), |offset| from + offset + 1)
}

/// The index after the string whose text starts at `at` (after its opening quote).
fn skip_string(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        match byte_at(bytes, at) {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    at
}

/// The index after the raw string with `hashes` hashes whose text starts at `at`.
fn skip_raw_string(bytes: &[u8], mut at: usize, hashes: usize) -> usize {
    while at < bytes.len() {
        if byte_at(bytes, at) == b'"'
            && bytes
                .get(at + 1..at + 1 + hashes)
                .is_some_and(|tail| tail.iter().all(|&byte| byte == b'#'))
        {
            return at + 1 + hashes;
        }
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names `syn` reads: the reference [`client_methods`] is held to.
    fn client_methods_by_syn(text: &str) -> Vec<String> {
        use syn::{ImplItem, Item, Type};
        let Ok(file) = syn::parse_file(text) else {
            return Vec::new();
        };
        let is_client = |ty: &Type| match ty {
            Type::Path(path) => path
                .path
                .segments
                .last()
                .is_some_and(|segment| segment.ident == "Client"),
            _ => false,
        };
        file.items
            .iter()
            .filter_map(|item| match item {
                Item::Impl(block) if is_client(&block.self_ty) => Some(&block.items),
                _ => None,
            })
            .flatten()
            .filter_map(|item| match item {
                ImplItem::Fn(function) => Some(function.sig.ident.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn client_methods_agree_with_syn_on_every_template() {
        for (path, text) in crate::emit::RUNTIME {
            assert_eq!(client_methods(text), client_methods_by_syn(text), "{path}");
        }
    }

    #[test]
    fn client_methods_agree_with_syn_on_tricky_text() {
        let text = r####"
            //! impl Client { fn doc_comment() {} }
            /* impl Client { fn block /* nested */ () {} } */
            const S: &str = "impl Client { fn in_string() {} } \" }";
            const R: &str = r#"impl Client { fn raw() {} } " }"#;
            const B: &[u8] = br##"{"##;
            const C: char = '{';
            const E: char = '\'';
            const U: char = 'é';
            impl<'a, F: Fn(&'a str) -> Option<u8>> Holder<'a, F> { fn holder() {} }
            impl<T> From<T> for Client where T: Into<String> { fn from(_: T) -> Self { todo!() } }
            impl<'a> Client<'a> { pub async fn lifetimed(&'a self) -> &'a str { "}" } }
            impl std::ops::Deref for &Client { fn deref_ref(&self) {} }
            impl dyn Client { fn dynamic() {} }
            unsafe impl Send for crate::Client {}
            mod inner { impl Client { fn nested() {} } }
            impl ::krate::Client { const fn r#type() {} type F = fn(u8); fn after() {} }
            macro_rules! m { () => { impl Client { fn in_macro() {} } }; }
        "####;
        assert_eq!(client_methods(text), client_methods_by_syn(text));
        assert_eq!(
            client_methods(text),
            ["from", "lifetimed", "r#type", "after"]
        );
    }

    #[test]
    fn every_template_parses() {
        for (path, text) in crate::emit::RUNTIME {
            assert!(syn::parse_file(text).is_ok(), "{path} does not parse");
        }
    }

    #[test]
    fn client_methods_are_read_from_every_impl_of_client() {
        let text = "
            impl Client { pub fn a(&self) {} fn b() {} const C: u8 = 0; }
            impl crate::Client { pub fn d(&self) {} }
            impl std::fmt::Debug for Client { fn fmt(&self) {} }
            impl ClientBuilder { pub fn e(self) {} }
        ";
        assert_eq!(client_methods(text), ["a", "b", "d", "fmt"]);
        assert!(client_methods("impl {").is_empty());
    }

    #[test]
    fn the_runtime_modules_and_client_methods_are_reserved() {
        let names = module_reserved();
        for name in [
            "client", "error", "raw", "retry", "execute", "send", "request",
        ] {
            assert!(names.contains(name), "{name} is not reserved");
        }
        // Private methods of `Client` are reserved too: a resource accessor would clash.
        assert!(names.contains("url"));
        assert!(names.contains("attempt"));
    }

    /// `tests/fixtures/runtime_names.yaml` has a tag named after every reserved name, so
    /// that the crate it gives (which the fixture compile test builds) proves none clashes.
    /// A method added to `Client` fails this test until the fixture names it too.
    #[test]
    fn the_fixture_names_every_reserved_name() {
        let fixture = include_str!("../tests/fixtures/runtime_names.yaml");
        let tags: BTreeSet<String> = fixture
            .lines()
            .filter_map(|line| line.trim().strip_prefix("- name: "))
            .map(|tag| crate::naming::field_name(tag.trim_matches('\'')))
            .collect();
        let missing: Vec<&String> = module_reserved()
            .iter()
            .filter(|name| !tags.contains(*name))
            .collect();
        assert!(missing.is_empty(), "no tag in the fixture for {missing:?}");
    }
}
