//! How the structs of `types` are read from JSON, written once: `types.rs` gives each struct
//! its `Deserialize` with one `object!` line that names each field's property and what its
//! absence means.
//!
//! `#[derive(Deserialize)]` would do the same, but it writes for every struct a visitor of
//! its field names (from strings, bytes and indices) and one of sequences beside the one of
//! maps; in a crate of a few hundred types that is most of its compile time. Here a property's
//! name is looked up in the struct's list of names, and only maps are read: a struct is sent
//! as a JSON object, never as an array.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

/// `Deserialize` for a struct, from a map of its properties:
///
/// ```text
/// object!(Name {
///     field: required("wireName"),   // absent: an error
///     field: optional("wireName"),   // absent or null: None
///     field: or_else("wireName", f), // absent: f(), the spec's default
/// });
/// ```
///
/// A property the struct does not name is skipped; one it names given twice is an error, as
/// is a required one absent.
#[allow(unused_macros)]
macro_rules! object {
    // A field's value from its slot, by what its absence means.
    (@finish required $field:ident $name:literal) => {
        match $field {
            Some(value) => value,
            None => return Err(serde::de::Error::missing_field($name)),
        }
    };
    (@finish optional $field:ident $name:literal) => {
        $field.flatten()
    };
    (@finish or_else $field:ident $name:literal, $default:path) => {
        $field.unwrap_or_else($default)
    };
    // `__D`, `__A` and `__Visitor`: names no type of `types` can have.
    ($type:ident { $($field:ident: $how:ident($name:literal $(, $default:path)?)),* $(,)? }) => {
        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<__D: serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> Result<Self, __D::Error> {
                const NAMES: &[&str] = &[$($name),*];

                struct __Visitor;

                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = $type;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        formatter.write_str(concat!("struct ", stringify!($type)))
                    }

                    fn visit_map<__A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: __A,
                    ) -> Result<$type, __A::Error> {
                        $(let mut $field = None;)*
                        // No `?` per field, two per struct (the key, then the value read):
                        // each costs the compiler a branch and a conversion.
                        while let Some(key) = map.next_key_seed($crate::decode::Key(NAMES))? {
                            $(
                                if key == Some($name) {
                                    $crate::decode::read(&mut map, &mut $field, $name)
                                } else
                            )*
                            {
                                $crate::decode::skip(&mut map)
                            }?;
                        }
                        Ok($type {
                            $($field: $crate::decode::object!(@finish $how $field $name $(, $default)?),)*
                        })
                    }
                }

                deserializer.deserialize_struct(stringify!($type), NAMES, __Visitor)
            }
        }
    };
}

// A spec may have no struct.
#[allow(unused_imports)]
pub(crate) use object;

// Each helper below is used only by a spec whose structs need it.

/// A property's name, read as the entry of the struct's list of names it equals (`None` for
/// a name the struct does not know), without copying it.
#[allow(dead_code)]
pub(crate) struct Key(pub(crate) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<&'static str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Option<&'static str>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().copied().find(|name| *name == value))
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Self::Value, E> {
        Ok(self.0.iter().copied().find(|name| name.as_bytes() == value))
    }
}

/// Reads the value of the property `name` into its slot; an error if it was read before.
#[allow(dead_code)]
#[inline]
pub(crate) fn read<'de, A: MapAccess<'de>, T: serde::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a property the struct does not know.
#[allow(dead_code)]
#[inline]
pub(crate) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}
