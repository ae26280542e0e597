//! Edits of `tests/review/base.yaml`, one per kind of API change, with the verdict the
//! change report must give: shared by the change-report tests and the semver suite (which
//! holds each verdict against `cargo-semver-checks`).

#![allow(dead_code)]
#![allow(clippy::panic)]

use generator::{Generated, Level, Options};

/// The spec every edit starts from.
pub const BASE: &str = include_str!("../review/base.yaml");

/// Generates a crate from `spec` (the base or an edit of it); a spec that does not
/// generate fails the test with its diagnostics.
pub fn generate(spec: &str) -> Generated {
    let options = Options {
        crate_name: None,
        spec_path: "tests/review/base.yaml".to_string(),
        regenerate_command: "cargo xtask codegen".to_string(),
    };
    match generator::generate(spec, &options) {
        Ok(generated) => generated,
        Err(errors) => panic!(
            "{}",
            generator::render_diagnostics(&errors, &|_| Some(spec.into()))
        ),
    }
}

/// One spec edit.
pub struct Edit {
    /// Names the case (snapshot names, table rows).
    pub name: &'static str,
    /// What the edit does, in words.
    pub what: &'static str,
    /// Text replacements on [`BASE`], each of text found exactly once.
    pub replace: &'static [(&'static str, &'static str)],
    /// The most demanding level among the changes; `None`: the API did not change.
    pub level: Option<Level>,
    /// For a breaking change `cargo-semver-checks` cannot see (it does not compare the
    /// types of fields): user code that compiles against the crate before the edit and
    /// not after, the proof that the change breaks.
    pub witness: Option<&'static str>,
}

impl Edit {
    /// The edited spec; an error names a replacement whose text is not found exactly once.
    pub fn apply(&self) -> Result<String, String> {
        let mut text = BASE.to_string();
        for (from, to) in self.replace {
            let found = text.matches(from).count();
            if found != 1 {
                return Err(format!(
                    "edit `{}`: `{from}` is found {found} times in the base spec, not once",
                    self.name
                ));
            }
            text = text.replacen(from, to, 1);
        }
        Ok(text)
    }
}

pub const EDITS: &[Edit] = &[
    Edit {
        name: "add_optional_request_field",
        what: "add an optional property to a request body",
        replace: &[(
            "        body:\n          type: string\n          description: The text.\n",
            "        body:\n          type: string\n          description: The text.\n        tags:\n          type: array\n          items:\n            type: string\n",
        )],
        level: Some(Level::Additive),
        witness: None,
    },
    Edit {
        name: "add_required_request_field",
        what: "add a required property to a request body",
        replace: &[
            (
                "      required: [title]\n",
                "      required: [title, folder]\n",
            ),
            (
                "        title:\n          type: string\n          description: The title.\n",
                "        title:\n          type: string\n          description: The title.\n        folder:\n          type: string\n",
            ),
        ],
        level: Some(Level::Breaking),
        witness: None,
    },
    Edit {
        name: "add_response_field",
        what: "add an optional property to a response body",
        replace: &[(
            "        pinned:\n          type: boolean\n",
            "        pinned:\n          type: boolean\n        created_at:\n          type: string\n",
        )],
        level: Some(Level::Additive),
        witness: None,
    },
    Edit {
        name: "add_required_response_field",
        what: "add a required string property to a response body",
        replace: &[
            (
                "      required: [id, title]\n",
                "      required: [id, title, owner]\n",
            ),
            (
                "        pinned:\n          type: boolean\n",
                "        pinned:\n          type: boolean\n        owner:\n          type: string\n",
            ),
        ],
        level: Some(Level::Additive),
        witness: None,
    },
    Edit {
        name: "add_required_enum_response_field",
        what: "make a response property of an enum type (no `Default`) required",
        replace: &[(
            "      required: [id, title]\n",
            "      required: [id, title, color]\n",
        )],
        level: Some(Level::Breaking),
        witness: Some(
            "pub fn colored(note: &notes_client::types::Note) -> bool { note.color.is_some() }\n\
             pub fn blank() -> notes_client::types::Note { Default::default() }\n",
        ),
    },
    Edit {
        name: "remove_field",
        what: "remove a property of a response body",
        replace: &[("        pinned:\n          type: boolean\n", "")],
        level: Some(Level::Breaking),
        witness: None,
    },
    Edit {
        name: "make_field_required",
        what: "make an optional request property required",
        replace: &[(
            "      required: [title]\n",
            "      required: [title, body]\n",
        )],
        level: Some(Level::Breaking),
        witness: None,
    },
    Edit {
        name: "make_field_optional",
        what: "make a required request property optional",
        replace: &[("      required: [title]\n", "")],
        level: Some(Level::Breaking),
        witness: None,
    },
    Edit {
        name: "add_enum_value",
        what: "add a value to a string enum",
        replace: &[(
            "      enum: [red, green, blue]\n",
            "      enum: [red, green, blue, yellow]\n",
        )],
        level: Some(Level::Additive),
        witness: None,
    },
    Edit {
        name: "remove_enum_value",
        what: "remove a value of a string enum",
        replace: &[(
            "      enum: [red, green, blue]\n",
            "      enum: [red, green]\n",
        )],
        level: Some(Level::Breaking),
        witness: None,
    },
    Edit {
        name: "add_operation",
        what: "add an operation",
        replace: &[(
            "    delete:\n      operationId: deleteNote\n",
            "    patch:\n      operationId: updateNote\n      tags: [Notes]\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/NewNote'\n      responses:\n        '200':\n          description: The note.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Note'\n    delete:\n      operationId: deleteNote\n",
        )],
        level: Some(Level::Additive),
        witness: None,
    },
    Edit {
        name: "remove_operation",
        what: "remove an operation",
        replace: &[(
            "    delete:\n      operationId: deleteNote\n      tags: [Notes]\n      summary: Delete a note\n      responses:\n        '204':\n          description: Deleted.\n        '404':\n          $ref: '#/components/responses/Problem'\n",
            "",
        )],
        level: Some(Level::Breaking),
        witness: None,
    },
    Edit {
        name: "rename_operation",
        what: "rename an operation (its `operationId`)",
        replace: &[(
            "      operationId: getNote\n",
            "      operationId: fetchNote\n",
        )],
        level: Some(Level::Breaking),
        witness: None,
    },
    Edit {
        name: "change_property_type",
        what: "change a response property from boolean to string",
        replace: &[(
            "        pinned:\n          type: boolean\n",
            "        pinned:\n          type: string\n",
        )],
        level: Some(Level::Breaking),
        witness: Some(
            "pub fn pinned(note: &notes_client::types::Note) -> Option<bool> { note.pinned }\n",
        ),
    },
    Edit {
        name: "add_error_code",
        what: "add a value to the error code enum",
        replace: &[(
            "      enum: [not_found, invalid_request, rate_limited]\n",
            "      enum: [not_found, invalid_request, rate_limited, conflict]\n",
        )],
        level: Some(Level::Additive),
        witness: None,
    },
    Edit {
        name: "add_optional_query_parameter",
        what: "add an optional query parameter",
        replace: &[(
            "        - name: limit\n          in: query\n          schema:\n            type: integer\n",
            "        - name: limit\n          in: query\n          schema:\n            type: integer\n        - name: after\n          in: query\n          schema:\n            type: string\n",
        )],
        level: Some(Level::Additive),
        witness: None,
    },
    Edit {
        name: "add_required_query_parameter",
        what: "add a required query parameter",
        replace: &[(
            "        - name: limit\n          in: query\n          schema:\n            type: integer\n",
            "        - name: limit\n          in: query\n          schema:\n            type: integer\n        - name: folder\n          in: query\n          required: true\n          schema:\n            type: string\n",
        )],
        level: Some(Level::Breaking),
        witness: None,
    },
    Edit {
        name: "change_path",
        what: "move an operation to another path",
        replace: &[("  /notes/{note_id}:\n", "  /v2/notes/{note_id}:\n")],
        level: Some(Level::Compatible),
        witness: None,
    },
    Edit {
        name: "change_description",
        what: "change only a description",
        replace: &[(
            "          description: The text.\n",
            "          description: The text of the note, in Markdown.\n",
        )],
        level: None,
        witness: None,
    },
];
