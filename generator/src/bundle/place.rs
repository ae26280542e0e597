//! Where a reference lands: whether its target becomes a component of the spec (under
//! which name), takes the place of a component, or is copied in place of the reference;
//! and the copying itself.

use serde_json::{Map, Value};

use crate::pointer;
use crate::tree::Node;

use super::{Bundler, How, KINDS, Pending, STRUCTURAL, Target};

impl Bundler<'_> {
    /// A reference held as a plain string (a discriminator mapping): the local reference
    /// that replaces it, if it changes. Targets that must be inlined cannot be.
    pub(super) fn settle(
        &mut self,
        reference: &str,
        role: Node,
        file: usize,
        site: &str,
    ) -> Option<String> {
        let target = self.resolve(file, reference, site)?;
        match self.classify(&target, role) {
            How::Local(local) => (file != 0 || !reference.starts_with('#')).then_some(local),
            How::Component { kind, hint } => {
                let name = self.assign(target, &kind, &hint, site);
                Some(pointer::component_ref(&kind, &name))
            }
            How::Inline => None,
        }
    }

    pub(super) fn classify(&self, target: &Target, role: Node) -> How {
        if role == Node::PathItem {
            return How::Inline;
        }
        if let Some((kind, name)) = component_form(&target.fragment) {
            if target.file == 0 {
                return How::Local(pointer::component_ref(kind, &name));
            }
            return How::Component {
                kind: kind.to_string(),
                hint: name,
            };
        }
        if role.is_schema() {
            return How::Component {
                kind: "schemas".to_string(),
                hint: self.hint(target),
            };
        }
        How::Inline
    }

    /// A component name for a schema that is not a component: the last name in its
    /// pointer, else the file's stem.
    pub(super) fn hint(&self, target: &Target) -> String {
        let from_pointer = target
            .fragment
            .split('/')
            .rev()
            .map(pointer::unescape)
            .find(|token| {
                !token.is_empty()
                    && !token.contains('/')
                    && token.parse::<usize>().is_err()
                    && !STRUCTURAL.contains(&token.as_str())
            });
        let name = from_pointer.unwrap_or_else(|| {
            let path = self.rel_paths.get(target.file).map_or("", String::as_str);
            let file = path.rsplit('/').next().unwrap_or(path);
            match file.rfind('.') {
                Some(dot) if dot > 0 => file.get(..dot).unwrap_or(file).to_string(),
                _ => file.to_string(),
            }
        });
        let name: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if name.is_empty() {
            "Schema".to_string()
        } else {
            name
        }
    }

    /// The name of the copy of `target` among components of `kind`, choosing one (and
    /// queueing the copy) the first time.
    pub(super) fn assign(&mut self, target: Target, kind: &str, hint: &str, site: &str) -> String {
        let key = (target, kind.to_string());
        if let Some(name) = self.assigned.get(&key) {
            return name.clone();
        }
        let taken = self.taken.entry(kind.to_string()).or_default();
        let mut name = hint.to_string();
        let mut suffix = 2usize;
        while taken.contains(&name) {
            name = format!("{hint}{suffix}");
            suffix += 1;
        }
        taken.insert(name.clone());
        self.assigned.insert(key.clone(), name.clone());
        self.queue.push_back(Pending {
            target: key.0,
            kind: kind.to_string(),
            renamed_from: (name != hint).then(|| hint.to_string()),
            name: name.clone(),
            site: site.to_string(),
            siblings: Map::new(),
        });
        name
    }

    pub(super) fn copy_component(&mut self, pending: Pending) {
        let Some(mut content) = self.value_at(&pending.target).cloned() else {
            let message = self.missing(&pending.target);
            self.error(&pending.site, message);
            return;
        };
        let out = pointer::component_ref(&pending.kind, &pending.name);
        let src = format!("#{}", pending.target.fragment);
        self.sources.graft(&out, pending.target.file, &src);
        if let Some(wanted) = &pending.renamed_from {
            self.warn(
                &out,
                format!(
                    "this component is copied into the spec's {} as `{}`: the name `{wanted}` is taken",
                    pending.kind, pending.name
                ),
            );
        }
        self.walk(
            &mut content,
            role_of_kind(&pending.kind),
            pending.target.file,
            &src,
            &out,
            0,
        );
        if let Value::Object(object) = &mut content {
            for (key, value) in pending.siblings {
                object.insert(key, value);
            }
        }
        self.done.push((pending.kind, pending.name, content));
    }

    pub(super) fn inline(
        &mut self,
        node: &mut Value,
        role: Node,
        target: Target,
        reference: &str,
        out: &str,
        depth: usize,
    ) {
        let site = format!("{out}/$ref");
        if self.inlining.contains(&target) {
            self.error(
                &site,
                format!(
                    "`{reference}` leads back to itself through references that are copied in place; only components (and schemas) may refer to themselves"
                ),
            );
            return;
        }
        let Some(mut content) = self.value_at(&target).cloned() else {
            let message = self.missing(&target);
            self.error(&site, message);
            return;
        };
        let mut siblings = node.as_object().cloned().unwrap_or_default();
        siblings.remove("$ref");
        let src = format!("#{}", target.fragment);
        self.sources.graft(out, target.file, &src);
        self.inlining.push(target.clone());
        self.walk(&mut content, role, target.file, &src, out, depth + 1);
        self.inlining.pop();
        if let Value::Object(object) = &mut content {
            for (key, value) in siblings {
                object.insert(key, value);
            }
        }
        *node = content;
    }

    pub(super) fn value_at(&self, target: &Target) -> Option<&Value> {
        self.values.get(target.file)?.pointer(&target.fragment)
    }

    pub(super) fn missing(&self, target: &Target) -> String {
        format!(
            "`{}` has nothing at `#{}`",
            self.sources.path(target.file),
            target.fragment
        )
    }
}

/// The role of the node at a pointer of the spec, judged from the pointer alone.
pub(super) fn role_at(fragment: &str) -> Node {
    pointer::tokens(fragment)
        .into_iter()
        .fold(Node::Root, |role, token| {
            if token.parse::<usize>().is_ok()
                && matches!(role, Node::SchemaList | Node::Schema | Node::Other)
            {
                role.item()
            } else {
                role.child(&token)
            }
        })
}

/// The role of the content of a component of `kind`.
pub(super) fn role_of_kind(kind: &str) -> Node {
    match kind {
        "schemas" => Node::Schema,
        "examples" => Node::Example,
        _ => Node::Other,
    }
}

pub(super) fn set_reference(node: &mut Value, reference: String) {
    if let Some(object) = node.as_object_mut() {
        object.insert("$ref".to_string(), Value::String(reference));
    }
}

/// `/components/<kind>/<name>` with a kind of OpenAPI 3.0: the kind and the unescaped name.
pub(super) fn component_form(fragment: &str) -> Option<(&'static str, String)> {
    let component = pointer::component_of(&format!("#{fragment}"))
        .filter(|component| component.whole && !component.name.is_empty())?;
    let kind = KINDS.iter().find(|k| **k == component.kind)?;
    Some((kind, component.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_pointers() {
        assert_eq!(
            component_form("/components/schemas/a~1b"),
            Some(("schemas", "a/b".to_string()))
        );
        assert_eq!(component_form("/components/schemas/A/properties/b"), None);
        assert_eq!(component_form("/components/pathItems/A"), None);
        assert_eq!(component_form("/definitions/A"), None);
    }
}
