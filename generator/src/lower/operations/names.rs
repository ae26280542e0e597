//! Names of operations: the resource module of a tag (never one the runtime defines), the
//! id of an operation that has none, and each operation's method name (the id without the
//! tag's words where that is unambiguous).

use std::collections::BTreeMap;

use heck::ToSnakeCase;

use crate::model::{Name, Operation};
use crate::naming::{self, Scope};

/// The group of operations that have no tag.
pub(super) const UNTAGGED: &str = "operations";

pub(super) struct Group {
    pub(super) tag: String,
    pub(super) handle: String,
    pub(super) builders: Scope,
    pub(super) operations: Vec<Operation>,
    /// Per operation, its method name without the tag's words, if that leaves any.
    pub(super) short_names: Vec<Option<String>>,
}

/// Gives each operation its short method name where that name is unambiguous in the group
/// (no other operation shortens to it, and it is no other operation's full name), and its
/// full name otherwise: `deleteWidget` and `deleteWidgets` both stay whole rather than one of
/// them becoming `delete` by the accident of spec order.
pub(super) fn assign_method_names(group: &mut Group) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for short in group.short_names.iter().flatten() {
        *counts.entry(short.as_str()).or_default() += 1;
    }
    let full_names: Vec<String> = group
        .operations
        .iter()
        .map(|op| op.method_name.rust.clone())
        .collect();
    let mut scope = Scope::default();
    for (operation, short) in group.operations.iter_mut().zip(&group.short_names) {
        let preferred = match short {
            Some(short)
                if counts.get(short.as_str()) == Some(&1) && !full_names.contains(short) =>
            {
                short.clone()
            }
            _ => operation.method_name.rust.clone(),
        };
        operation.method_name = Name::new(scope.claim(&preferred).0);
    }
}

/// `get /emails/{email_id}` -> `get_emails_email_id`.
pub(super) fn derived_operation_id(method: &str, path: &str) -> String {
    let words: Vec<String> = path
        .split('/')
        .map(|segment| segment.trim_matches(|c| c == '{' || c == '}'))
        .filter(|segment| !segment.is_empty())
        .map(|segment| segment.to_snake_case())
        .collect();
    if words.is_empty() {
        format!("{method}_root")
    } else {
        format!("{method}_{}", words.join("_"))
    }
}

/// The method names an operation may take: the operation id without the words of its tag
/// (`sendEmail` in `Emails` -> `send`), if that leaves any, and the whole id.
pub(super) fn method_names(operation_id: &str, tag: &str) -> (Option<String>, String) {
    let full = naming::field_name(operation_id);
    let words: Vec<String> = naming::bare(&full).split('_').map(str::to_string).collect();
    let tag_snake = naming::bare(&naming::field_name(tag)).to_string();
    let tag_words: Vec<&str> = tag_snake.split('_').collect();
    let count = tag_words.len();
    if count == 0 || count > words.len() {
        return (None, full);
    }
    for start in 0..=(words.len() - count) {
        let Some(window) = words.get(start..start + count) else {
            continue;
        };
        let matches = window
            .iter()
            .zip(&tag_words)
            .enumerate()
            .all(|(i, (w, t))| {
                let last = i + 1 == count;
                w == t || (last && (naming::singular(w) == naming::singular(t)))
            });
        if matches {
            let rest: Vec<&str> = words
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < start || *i >= start + count)
                .map(|(_, w)| w.as_str())
                .collect();
            let short = (!rest.is_empty()).then(|| naming::field_name(&rest.join("_")));
            return (short, full);
        }
    }
    (None, full)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{HttpMethod, Response, ResponseBody};

    #[test]
    fn method_names_drop_the_tag() {
        let short = |id: &str, tag: &str| method_names(id, tag).0;
        assert_eq!(short("sendEmail", "Emails").as_deref(), Some("send"));
        assert_eq!(
            short("sendBatchEmails", "Emails").as_deref(),
            Some("send_batch")
        );
        assert_eq!(short("listApiKeys", "API Keys").as_deref(), Some("list"));
        assert_eq!(short("deleteApiKey", "API Keys").as_deref(), Some("delete"));
        assert_eq!(short("emails", "Emails"), None);
        assert_eq!(method_names("emails", "Emails").1, "emails");
    }

    #[test]
    fn ambiguous_short_names_keep_the_whole_id() {
        let op = |id: &str| Operation {
            method_name: Name::new(naming::field_name(id)),
            builder: naming::type_name(id),
            operation_id: id.to_string(),
            summary: None,
            description: None,
            deprecated: false,
            http_method: HttpMethod::Delete,
            path: Vec::new(),
            path_template: String::new(),
            path_params: Vec::new(),
            query_params: Vec::new(),
            header_params: Vec::new(),
            body: None,
            response: Response {
                status: None,
                body: ResponseBody::Empty,
                optional: false,
                accept: None,
                doc: None,
            },
            idempotency_key: None,
            pagination: None,
        };
        let ids = ["deleteWidgets", "deleteWidget", "getWidget"];
        let mut group = Group {
            tag: "Widgets".to_string(),
            handle: "Widgets".to_string(),
            builders: Scope::default(),
            operations: ids.iter().map(|id| op(id)).collect(),
            short_names: ids.iter().map(|id| method_names(id, "Widgets").0).collect(),
        };
        assign_method_names(&mut group);
        let names: Vec<&str> = group
            .operations
            .iter()
            .map(|o| o.method_name.rust.as_str())
            .collect();
        assert_eq!(names, ["delete_widgets", "delete_widget", "get"]);
    }

    #[test]
    fn derived_ids_are_stable() {
        assert_eq!(
            derived_operation_id("get", "/emails/{email_id}"),
            "get_emails_email_id"
        );
        assert_eq!(derived_operation_id("post", "/"), "post_root");
    }
}
