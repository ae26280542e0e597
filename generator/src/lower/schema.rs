//! One uniform view of a schema, whichever shape `openapiv3` parsed it into.
//!
//! `openapiv3` gives a schema a typed kind only when its keywords fit one type exactly;
//! anything else (an object with `allOf` beside its properties, a string with a `minimum`, an
//! enum of mixed values) lands in `SchemaKind::Any`. Lowering reads every schema through
//! [`View`], so those cases take the same paths as the tidy ones.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

pub type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

/// The keywords of a schema that decide its Rust type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
    /// No `type`.
    Untyped,
    /// `type: "null"` (OpenAPI 3.1 spelling).
    Null,
    /// A `type` that is none of the above.
    Unknown,
}

pub struct View<'s> {
    pub kind: Kind,
    /// The `type` as written, for messages about unknown types.
    pub type_name: Option<&'s str>,
    pub format: Option<String>,
    pub properties: Option<&'s Properties>,
    pub required: &'s [String],
    pub additional: Option<&'s AdditionalProperties>,
    pub items: Option<&'s ReferenceOr<Box<Schema>>>,
    /// `enum`, `null` included.
    pub enumeration: Vec<Value>,
    pub all_of: &'s [ReferenceOr<Schema>],
    pub one_of: &'s [ReferenceOr<Schema>],
    pub any_of: &'s [ReferenceOr<Schema>],
    pub not: bool,
}

impl<'s> View<'s> {
    pub fn of(schema: &'s Schema) -> View<'s> {
        let mut view = View {
            kind: Kind::Untyped,
            type_name: None,
            format: None,
            properties: None,
            required: &[],
            additional: None,
            items: None,
            enumeration: Vec::new(),
            all_of: &[],
            one_of: &[],
            any_of: &[],
            not: false,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                view.kind = Kind::String;
                view.format = string_format(&string.format);
                view.enumeration = string
                    .enumeration
                    .iter()
                    .map(|v| v.clone().map_or(Value::Null, Value::String))
                    .collect();
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                view.kind = Kind::Integer;
                view.format = match &integer.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32".into()),
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64".into()),
                    VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
                    VariantOrUnknownOrEmpty::Empty => None,
                };
                view.enumeration = integer
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, Value::from))
                    .collect();
            }
            SchemaKind::Type(Type::Number(number)) => {
                view.kind = Kind::Number;
                view.format = match &number.format {
                    VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Some("float".into()),
                    VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => Some("double".into()),
                    VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
                    VariantOrUnknownOrEmpty::Empty => None,
                };
                view.enumeration = number
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, Value::from))
                    .collect();
            }
            SchemaKind::Type(Type::Boolean(boolean)) => {
                view.kind = Kind::Boolean;
                view.enumeration = boolean
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, Value::Bool))
                    .collect();
            }
            SchemaKind::Type(Type::Object(object)) => {
                view.kind = Kind::Object;
                view.properties = Some(&object.properties);
                view.required = &object.required;
                view.additional = object.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(array)) => {
                view.kind = Kind::Array;
                view.items = array.items.as_ref();
            }
            SchemaKind::AllOf { all_of } => view.all_of = all_of,
            SchemaKind::OneOf { one_of } => view.one_of = one_of,
            SchemaKind::AnyOf { any_of } => view.any_of = any_of,
            SchemaKind::Not { .. } => view.not = true,
            SchemaKind::Any(any) => {
                view.type_name = any.typ.as_deref();
                view.kind = match any.typ.as_deref() {
                    None => Kind::Untyped,
                    Some("string") => Kind::String,
                    Some("integer") => Kind::Integer,
                    Some("number") => Kind::Number,
                    Some("boolean") => Kind::Boolean,
                    Some("object") => Kind::Object,
                    Some("array") => Kind::Array,
                    Some("null") => Kind::Null,
                    Some(_) => Kind::Unknown,
                };
                view.format = any.format.clone();
                view.properties = Some(&any.properties);
                view.required = &any.required;
                view.additional = any.additional_properties.as_ref();
                view.items = any.items.as_ref();
                view.enumeration = any.enumeration.clone();
                view.all_of = &any.all_of;
                view.one_of = &any.one_of;
                view.any_of = &any.any_of;
                view.not = any.not.is_some();
            }
        }
        view
    }

    pub fn has_properties(&self) -> bool {
        self.properties.is_some_and(|p| !p.is_empty())
    }

    /// Whether the schema says anything about the shape of a value (as opposed to only
    /// describing it: `description`, `nullable`, `readOnly`, `required`...).
    pub fn is_typed(&self) -> bool {
        !matches!(self.kind, Kind::Untyped)
            || self.has_properties()
            || self.additional.is_some()
            || self.items.is_some()
            || self.enumeration.iter().any(|v| !v.is_null())
            || !self.all_of.is_empty()
            || !self.one_of.is_empty()
            || !self.any_of.is_empty()
    }

    /// An alternative that only adds a constraint (`required: [a]`, `not`) to the schema
    /// beside it, rather than describing a value of its own.
    pub fn only_constrains(&self) -> bool {
        !self.is_typed() && (!self.required.is_empty() || self.not)
    }

    /// The enum values other than `null`.
    pub fn values(&self) -> Vec<&Value> {
        self.enumeration.iter().filter(|v| !v.is_null()).collect()
    }
}

/// A member of `oneOf`/`anyOf` that only admits `null`: `type: "null"`, `enum: [null]`, or
/// `nullable: true` with nothing else.
pub fn is_null_member(schema: &Schema) -> bool {
    let view = View::of(schema);
    if view.kind == Kind::Null && !view.has_properties() && view.items.is_none() {
        return true;
    }
    if !view.enumeration.is_empty() && view.enumeration.iter().all(Value::is_null) {
        return true;
    }
    schema.schema_data.nullable && !view.is_typed()
}

fn string_format(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(format) => Some(
            match format {
                StringFormat::Date => "date",
                StringFormat::DateTime => "date-time",
                StringFormat::Password => "password",
                StringFormat::Byte => "byte",
                StringFormat::Binary => "binary",
            }
            .to_string(),
        ),
        VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}
