//! The names a generated crate defines whatever its spec says, read from the runtime
//! templates themselves so that the two cannot drift apart: a module per runtime file, and
//! every method of `Client` in any template (`impl Client` or `impl crate::Client`, trait
//! impls included). A resource takes a module of its own and an accessor method of the same
//! name on `Client`, so its name must be none of these.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use syn::{ImplItem, Item, Type};

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

/// The names of the methods `text` defines on `Client`. A template that does not parse
/// (the tests see to it that none does) defines none.
fn client_methods(text: &str) -> Vec<String> {
    let Ok(file) = syn::parse_file(text) else {
        return Vec::new();
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

/// Whether a type is `Client` (however its path is written).
fn is_client(ty: &Type) -> bool {
    match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "Client"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
