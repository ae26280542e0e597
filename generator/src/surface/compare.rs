//! Two surfaces into the list of changes between them, each with what it means for the
//! users of the generated crate under the growth policy of its types (structs and enums
//! are `#[non_exhaustive]`, structs a request reaches are built with `new` and setters).

use std::collections::BTreeMap;

use super::{ClientSurface, OperationSurface, Surface, TypeSurface};

/// What a change asks of the crate's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Code that compiled against the old crate may not compile against the new one.
    Breaking,
    /// New API; code that compiled still compiles.
    Additive,
    /// The API is the same but what it does changed (a path, a wire name, a default).
    Compatible,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::Additive => "additive",
            Level::Compatible => "compatible",
        }
    }
}

/// One change, said in API terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub level: Level,
    /// What changed: ``operation `emails.send()` ``, ``type `Attachment` ``.
    pub subject: String,
    /// How it changed.
    pub what: String,
}

/// Every change from `old` to `new`, breaking ones first, each group in the order of the
/// file (operations, types, events, client).
pub fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut changes = Changes::default();
    operations(&mut changes, &old.operations, &new.operations);
    let error_codes = new.client.error_codes.as_deref();
    for (name, before, after) in pairs(&old.types, &new.types) {
        let subject = format!("type `{name}`");
        match (before, after) {
            (Some(before), None) => changes.push(
                Level::Breaking,
                subject,
                format!("{} removed", before.kind()),
            ),
            (None, Some(after)) => {
                changes.push(Level::Additive, subject, format!("{} added", after.kind()))
            }
            (Some(before), Some(after)) => {
                let codes = error_codes == Some(name);
                type_changes(&mut changes, &subject, before, after, codes)
            }
            (None, None) => {}
        }
    }
    let no_events = BTreeMap::new();
    let (old_events, new_events) = (
        old.events.as_ref().unwrap_or(&no_events),
        new.events.as_ref().unwrap_or(&no_events),
    );
    members(
        &mut changes,
        "webhook events",
        "event",
        old_events,
        new_events,
    );
    client(&mut changes, &old.client, &new.client);
    let mut list = changes.0;
    list.sort_by_key(|change| change.level);
    list
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, level: Level, subject: impl Into<String>, what: impl Into<String>) {
        self.0.push(Change {
            level,
            subject: subject.into(),
            what: what.into(),
        });
    }
}

/// The keys of both maps in order, with the value on each side.
fn pairs<'m, V>(
    old: &'m BTreeMap<String, V>,
    new: &'m BTreeMap<String, V>,
) -> Vec<(&'m str, Option<&'m V>, Option<&'m V>)> {
    let mut keys: Vec<&str> = old.keys().chain(new.keys()).map(String::as_str).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .map(|key| (key, old.get(key), new.get(key)))
        .collect()
}

fn operations(
    changes: &mut Changes,
    old: &BTreeMap<String, OperationSurface>,
    new: &BTreeMap<String, OperationSurface>,
) {
    // An operation gone and one added with the same method and path: a rename.
    let mut renamed: BTreeMap<&str, &str> = BTreeMap::new();
    for (key, op) in old.iter().filter(|(key, _)| !new.contains_key(*key)) {
        let twin = new
            .iter()
            .filter(|(other, _)| !old.contains_key(*other))
            .find(|(other, candidate)| {
                candidate.http == op.http && !renamed.values().any(|taken| taken == other)
            });
        if let Some((other, _)) = twin {
            renamed.insert(key, other);
        }
    }
    for (key, before, after) in pairs(old, new) {
        let subject = format!("operation `{}()`", key);
        match (before, after) {
            (Some(before), None) => match renamed.get(key) {
                Some(other) => changes.push(
                    Level::Breaking,
                    subject,
                    format!("renamed to `{other}()` (`{}`)", before.http),
                ),
                None => changes.push(
                    Level::Breaking,
                    subject,
                    format!("removed (`{}`)", before.http),
                ),
            },
            (None, Some(after)) => {
                if !renamed.values().any(|other| *other == key) {
                    changes.push(
                        Level::Additive,
                        subject,
                        format!("added (`{}`)", after.http),
                    );
                }
            }
            (Some(before), Some(after)) => operation(changes, &subject, before, after),
            (None, None) => {}
        }
    }
}

fn operation(changes: &mut Changes, subject: &str, old: &OperationSurface, new: &OperationSurface) {
    if old.http != new.http {
        changes.push(
            Level::Compatible,
            subject,
            format!("now `{}` (was `{}`)", new.http, old.http),
        );
    }
    if old.builder != new.builder {
        changes.push(
            Level::Breaking,
            subject,
            format!(
                "builder type `{}` renamed to `{}`",
                old.builder, new.builder
            ),
        );
    }
    if old.arguments != new.arguments {
        changes.push(
            Level::Breaking,
            subject,
            format!(
                "arguments `({})` became `({})`",
                old.arguments.join(", "),
                new.arguments.join(", ")
            ),
        );
    }
    members(changes, subject, "option", &old.options, &new.options);
    if old.returns != new.returns {
        changes.push(
            Level::Breaking,
            subject,
            format!("returns `{}` (was `{}`)", new.returns, old.returns),
        );
    }
    match (&old.pages, &new.pages) {
        (None, Some(item)) => changes.push(
            Level::Additive,
            subject,
            format!("now paginated: `pages()` and `items()` of `{item}`"),
        ),
        (Some(_), None) => changes.push(
            Level::Breaking,
            subject,
            "no longer paginated: `pages()` and `items()` removed",
        ),
        (Some(a), Some(b)) if a != b => changes.push(
            Level::Breaking,
            subject,
            format!("page items are `{b}` (were `{a}`)"),
        ),
        _ => {}
    }
    if old.deprecated != new.deprecated {
        let what = if new.deprecated {
            "deprecated"
        } else {
            "no longer deprecated"
        };
        changes.push(Level::Compatible, subject, what);
    }
}

/// Entries of a map of name to type (options, variants, events): added ones are
/// additive, removed ones and changed types breaking.
fn members(
    changes: &mut Changes,
    subject: &str,
    noun: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) {
    for (name, before, after) in pairs(old, new) {
        match (before, after) {
            (Some(ty), None) => changes.push(
                Level::Breaking,
                subject,
                format!("{noun} `{name}` ({ty}) removed"),
            ),
            (None, Some(ty)) => changes.push(
                Level::Additive,
                subject,
                format!("{noun} `{name}` ({ty}) added"),
            ),
            (Some(a), Some(b)) if a != b => changes.push(
                Level::Breaking,
                subject,
                format!("{noun} `{name}` is `{b}` (was `{a}`)"),
            ),
            _ => {}
        }
    }
}

fn type_changes(
    changes: &mut Changes,
    subject: &str,
    old: &TypeSurface,
    new: &TypeSurface,
    error_codes: bool,
) {
    match (old, new) {
        (
            TypeSurface::Struct {
                fields: old_fields,
                new: old_new,
                default: old_default,
            },
            TypeSurface::Struct {
                fields: new_fields,
                new: new_new,
                default: new_default,
            },
        ) => {
            let required: Vec<&str> = new_new
                .iter()
                .flatten()
                .filter_map(|arg| arg.split_once(':').map(|(name, _)| name))
                .collect();
            fields(changes, subject, old_fields, new_fields, &required);
            match (old_new, new_new) {
                (None, Some(_)) => changes.push(
                    Level::Additive,
                    subject,
                    "a request now takes it: constructor `new` and setters added",
                ),
                (Some(_), None) => changes.push(
                    Level::Breaking,
                    subject,
                    "no request takes it any more: constructor `new` and setters removed",
                ),
                (Some(a), Some(b)) if a != b => changes.push(
                    Level::Breaking,
                    subject,
                    format!("`new({})` became `new({})`", a.join(", "), b.join(", ")),
                ),
                _ => {}
            }
            if old_default != new_default {
                if *new_default {
                    changes.push(Level::Additive, subject, "implements `Default`");
                } else {
                    changes.push(
                        Level::Breaking,
                        subject,
                        "no longer implements `Default` (a required field's type has none)",
                    );
                }
            }
        }
        (TypeSurface::Enum { values: a }, TypeSurface::Enum { values: b }) => {
            let noun = if error_codes { "error code" } else { "value" };
            for (variant, before, after) in pairs(a, b) {
                match (before, after) {
                    (Some(wire), None) => changes.push(
                        Level::Breaking,
                        subject,
                        format!("{noun} `{wire}` (variant `{variant}`) removed"),
                    ),
                    (None, Some(wire)) => changes.push(
                        Level::Additive,
                        subject,
                        format!("{noun} `{wire}` (variant `{variant}`) added"),
                    ),
                    (Some(x), Some(y)) if x != y => changes.push(
                        Level::Compatible,
                        subject,
                        format!("variant `{variant}` is `{y}` on the wire (was `{x}`)"),
                    ),
                    _ => {}
                }
            }
        }
        (TypeSurface::IntEnum { values: a }, TypeSurface::IntEnum { values: b }) => {
            let text = |m: &BTreeMap<String, i64>| -> BTreeMap<String, String> {
                m.iter().map(|(k, v)| (k.clone(), v.to_string())).collect()
            };
            members(changes, subject, "value", &text(a), &text(b));
        }
        (TypeSurface::Union { variants: a }, TypeSurface::Union { variants: b })
        | (TypeSurface::Responses { variants: a }, TypeSurface::Responses { variants: b }) => {
            members(changes, subject, "variant", a, b);
        }
        (TypeSurface::Alias { target: a }, TypeSurface::Alias { target: b }) => {
            if a != b {
                changes.push(Level::Breaking, subject, format!("is `{b}` (was `{a}`)"));
            }
        }
        (a, b) => changes.push(
            Level::Breaking,
            subject,
            format!("is a {} (was a {})", b.kind(), a.kind()),
        ),
    }
}

/// A field's type and JSON name from its surface text (`Option<String> as "from"`).
fn split_field(text: &str) -> (&str, Option<&str>) {
    match text.split_once(" as \"") {
        Some((ty, wire)) => (ty, Some(wire.trim_end_matches('"'))),
        None => (text, None),
    }
}

fn fields(
    changes: &mut Changes,
    subject: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    constructor: &[&str],
) {
    for (name, before, after) in pairs(old, new) {
        match (before, after) {
            (Some(ty), None) => changes.push(
                Level::Breaking,
                subject,
                format!("field `{name}` ({}) removed", split_field(ty).0),
            ),
            (None, Some(ty)) if constructor.contains(&name) => changes.push(
                Level::Breaking,
                subject,
                format!(
                    "required field `{name}` ({}) added: `new` takes it",
                    split_field(ty).0
                ),
            ),
            (None, Some(ty)) => changes.push(
                Level::Additive,
                subject,
                format!("field `{name}` ({}) added", split_field(ty).0),
            ),
            (Some(a), Some(b)) if a != b => {
                let ((a_ty, a_wire), (b_ty, b_wire)) = (split_field(a), split_field(b));
                if a_ty != b_ty {
                    let what = if a_ty
                        .strip_prefix("Option<")
                        .and_then(|t| t.strip_suffix('>'))
                        == Some(b_ty)
                    {
                        format!("field `{name}` is now required (`{b_ty}`, was `{a_ty}`)")
                    } else if b_ty
                        .strip_prefix("Option<")
                        .and_then(|t| t.strip_suffix('>'))
                        == Some(a_ty)
                    {
                        format!("field `{name}` is now optional (`{b_ty}`, was `{a_ty}`)")
                    } else {
                        format!("field `{name}` is `{b_ty}` (was `{a_ty}`)")
                    };
                    changes.push(Level::Breaking, subject, what);
                }
                if a_wire != b_wire {
                    changes.push(
                        Level::Compatible,
                        subject,
                        format!(
                            "field `{name}` is `{}` in JSON (was `{}`)",
                            b_wire.unwrap_or(name),
                            a_wire.unwrap_or(name)
                        ),
                    );
                }
            }
            _ => {}
        }
    }
}

fn client(changes: &mut Changes, old: &ClientSurface, new: &ClientSurface) {
    let subject = "client";
    for constructor in &old.constructors {
        if !new.constructors.contains(constructor) {
            changes.push(
                Level::Breaking,
                subject,
                format!("`Client::{constructor}` removed"),
            );
        }
    }
    for constructor in &new.constructors {
        if !old.constructors.contains(constructor) {
            changes.push(
                Level::Additive,
                subject,
                format!("`Client::{constructor}` added"),
            );
        }
    }
    let mut compatible = |what: &str, a: String, b: String| {
        if a != b {
            changes.push(Level::Compatible, subject, format!("{what}: {b} (was {a})"));
        }
    };
    let or_none = |value: &Option<String>| value.clone().unwrap_or_else(|| "none".to_string());
    compatible("base URL", or_none(&old.base_url), or_none(&new.base_url));
    compatible("authentication", old.auth.clone(), new.auth.clone());
    compatible(
        "default rate limit",
        or_none(&old.rate_limit),
        or_none(&new.rate_limit),
    );
    compatible(
        "codes worth retrying",
        format!("{:?}", old.retryable_codes),
        format!("{:?}", new.retryable_codes),
    );
    compatible(
        "statuses worth retrying",
        format!("{:?}", old.retryable_statuses),
        format!("{:?}", new.retryable_statuses),
    );
}
