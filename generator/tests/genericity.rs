//! The generator knows no API: nothing that identifies one of the specs in `spec/` (its name,
//! crate name, hosts, environment variables, key prefix, error codes) may appear in the
//! generator's source, its runtime templates or the xtask. Everything API-specific reaches a
//! generated crate from its spec.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use yaml_rust2::{Yaml, YamlLoader};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn get<'y>(yaml: &'y Yaml, key: &str) -> &'y Yaml {
    &yaml[key]
}

/// Every mapping and sequence below `yaml`, itself included.
fn walk<'y>(yaml: &'y Yaml, visit: &mut dyn FnMut(&'y Yaml)) {
    visit(yaml);
    match yaml {
        Yaml::Hash(map) => map.values().for_each(|v| walk(v, visit)),
        Yaml::Array(items) => items.iter().for_each(|v| walk(v, visit)),
        _ => {}
    }
}

/// What identifies the API described by `spec`.
fn identifying_terms(spec: &Yaml) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    let info = get(spec, "info");
    for word in info["title"]
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
    {
        if !matches!(
            word.to_ascii_lowercase().as_str(),
            "api" | "the" | "rest" | "http"
        ) {
            terms.insert(word.to_string());
        }
    }
    if let Some(name) = info["x-crate-name"].as_str() {
        terms.insert(name.to_string());
    }
    for server in get(spec, "servers").as_vec().into_iter().flatten() {
        let url = server["url"].as_str().unwrap_or_default();
        let host = url
            .split("://")
            .nth(1)
            .unwrap_or(url)
            .split(['/', ':'])
            .next()
            .unwrap();
        if !host.is_empty() {
            terms.insert(host.to_string());
        }
    }
    walk(spec, &mut |node| {
        if let Some(env) = node["x-env"].as_str() {
            terms.insert(env.to_string());
        }
        // The catalog of error codes: the enum that lists the retryable ones.
        if let Some(retryable) = node["x-retryable"].as_vec() {
            for value in retryable
                .iter()
                .chain(node["enum"].as_vec().into_iter().flatten())
            {
                terms.extend(value.as_str().map(str::to_string));
            }
        }
    });
    // Key prefixes, as the security schemes describe them: `re_`, `mit_`.
    let schemes = &spec["components"]["securitySchemes"];
    walk(schemes, &mut |node| {
        let description = node["description"].as_str().unwrap_or_default();
        for quoted in description.split('`').skip(1).step_by(2) {
            if quoted.len() > 1
                && quoted.ends_with('_')
                && quoted
                    .trim_end_matches('_')
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric())
            {
                terms.insert(quoted.to_string());
            }
        }
    });
    terms
}

/// Whether `term` occurs in `text` as a whole word (not inside a longer identifier).
fn mentions(text: &str, term: &str) -> bool {
    let text = text.to_ascii_lowercase();
    let term = term.to_ascii_lowercase();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    text.match_indices(&term).any(|(at, _)| {
        let before = text.as_bytes().get(at.wrapping_sub(1)).copied();
        let after = text.as_bytes().get(at + term.len()).copied();
        // A prefix such as `re_` is meant to be followed by more of the identifier.
        let starts_a_word = !before.is_some_and(word);
        let ends_a_word = term.ends_with('_') || !after.is_some_and(word);
        starts_a_word && ends_a_word
    })
}

#[test]
fn the_generator_names_no_api() {
    let root = workspace();
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root.join("spec"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    assert!(!specs.is_empty());
    let mut sources = Vec::new();
    for dir in ["generator/src", "generator/templates", "xtask/src"] {
        files_under(&root.join(dir), &mut sources);
    }
    // `cargo xtask bench` measures our Resend client against Resend's own crate by design:
    // it is a tool about one API, not part of the generator.
    let bench = root.join("xtask/src/bench");
    sources.retain(|source| !source.starts_with(&bench));
    assert!(sources.len() > 10, "{sources:?}");

    let mut found = Vec::new();
    for spec_path in &specs {
        let text = std::fs::read_to_string(spec_path).unwrap();
        let docs = YamlLoader::load_from_str(&text).unwrap();
        let terms = identifying_terms(&docs[0]);
        assert!(
            terms.len() >= 4,
            "{}: too few terms found: {terms:?}",
            spec_path.display()
        );
        for source in &sources {
            let code = std::fs::read_to_string(source).unwrap();
            for term in &terms {
                if mentions(&code, term) {
                    found.push(format!(
                        "{} mentions `{term}` ({})",
                        source.display(),
                        spec_path.display()
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "API-specific text in the generator:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_finds_what_it_looks_for() {
    assert!(mentions(
        "let url = \"https://api.acme.dev\";",
        "api.acme.dev"
    ));
    assert!(mentions(
        "if code == \"rate_limit_exceeded\" {",
        "rate_limit_exceeded"
    ));
    assert!(mentions("key.starts_with(\"re_\")", "re_"));
    assert!(!mentions("compare_values(x)", "re_"));
    assert!(mentions("// Talks to Acme.", "acme"));
    assert!(!mentions("let acmeish = 1;", "acme"));
}
