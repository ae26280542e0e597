//! What every enum of values in `types` has beside its values, written once: an enum of
//! strings is shown, sent and read through its `as_str` and `From<&str>`, an enum of integers
//! through its `value` and `From<i64>`. `types.rs` gives each enum these impls with one line.

/// `Display`, `Serialize` and `Deserialize` for an enum of strings, through its `as_str` and
/// `From<&str>` (so a value the enum does not know is kept as it was received).
#[allow(unused_macros)]
macro_rules! string_enum {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
    };
}

/// `Display`, `Serialize` and `Deserialize` for an enum of integers, through its `value` and
/// `From<i64>`.
#[allow(unused_macros)]
macro_rules! int_enum {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <i64 as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value))
            }
        }
    };
}

// A spec may have no enum of either kind.
#[allow(unused_imports)]
pub(crate) use {int_enum, string_enum};
