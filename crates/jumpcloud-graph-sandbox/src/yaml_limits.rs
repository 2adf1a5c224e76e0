//! Limits on fixture YAML, so that loading a fixture cannot take the memory
//! of the process: a fixture is at most [`MAX_YAML_BYTES`], checked before a
//! file is read whole (by its size when it has one, while reading when it is
//! a pipe), and its aliases may not expand it past [`MAX_EXPANDED`].
//!
//! serde_yaml bounds the number of alias expansions (a hundred per event of
//! the document) but not their size: a 1 MiB string named once and repeated
//! by a million five-byte aliases is a 6 MiB file that expands to a
//! terabyte. So before the fixture is built, a pass over the document
//! counts what it expands to, allocating nothing, and stops at the limit.

use std::cell::Cell;
use std::fmt;
use std::io::Read;
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

use crate::fixture::FixtureError;

/// The most a fixture's YAML may be: 16 MiB, about 100,000 objects in the
/// demo's format (larger orgs come from the generator).
pub(crate) const MAX_YAML_BYTES: usize = 16 * 1024 * 1024;

/// The most a fixture's YAML may expand to through its aliases, counting one
/// unit per node plus the bytes of each scalar: 32 MiB. A fixture within
/// [`MAX_YAML_BYTES`] that uses no aliases stays within it, since every node
/// takes at least a byte of the text and no scalar is longer than its text.
pub(crate) const MAX_EXPANDED: usize = 2 * MAX_YAML_BYTES;

/// Reads a fixture file, refusing one larger than [`MAX_YAML_BYTES`]: by its
/// size before reading, and, when it has none (a pipe), once it has read a
/// byte more.
pub(crate) fn read(path: &Path) -> Result<String, FixtureError> {
    let io = |source| FixtureError::Io {
        path: path.to_owned(),
        source,
    };
    let too_large = || FixtureError::TooLarge {
        path: Some(path.to_owned()),
        limit: MAX_YAML_BYTES,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let limit = MAX_YAML_BYTES as u64;
    if file.metadata().is_ok_and(|meta| meta.len() > limit) {
        return Err(too_large());
    }
    // Bytes first: a cut through a character at the limit is still "too
    // large", not "invalid UTF-8".
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() > MAX_YAML_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes)
        .map_err(|e| io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// Checks that `yaml` is within [`MAX_YAML_BYTES`] and that its aliases do
/// not expand it past [`MAX_EXPANDED`].
pub(crate) fn check(yaml: &str) -> Result<(), FixtureError> {
    if yaml.len() > MAX_YAML_BYTES {
        return Err(FixtureError::TooLarge {
            path: None,
            limit: MAX_YAML_BYTES,
        });
    }
    // An alias needs an anchor (`&name`) and a reference (`*name`).
    if !(yaml.contains('&') && yaml.contains('*')) {
        return Ok(());
    }
    let meter = Meter {
        left: Cell::new(MAX_EXPANDED),
        exceeded: Cell::new(false),
    };
    let counted = Budget(&meter).deserialize(serde_yaml::Deserializer::from_str(yaml));
    match counted {
        Ok(()) => Ok(()),
        Err(_) if meter.exceeded.get() => Err(FixtureError::AliasesTooLarge {
            limit: MAX_EXPANDED,
        }),
        Err(error) => Err(FixtureError::Yaml(error)),
    }
}

/// What is left of the expansion budget.
struct Meter {
    left: Cell<usize>,
    exceeded: Cell<bool>,
}

/// Counts a node and everything under it against the [`Meter`].
#[derive(Clone, Copy)]
struct Budget<'a>(&'a Meter);

impl Budget<'_> {
    /// Spends one unit for the node and `bytes` for its text.
    fn spend<E: de::Error>(self, bytes: usize) -> Result<(), E> {
        let cost = bytes.saturating_add(1);
        match self.0.left.get().checked_sub(cost) {
            Some(left) => {
                self.0.left.set(left);
                Ok(())
            }
            None => {
                self.0.exceeded.set(true);
                Err(E::custom("the fixture expands past its limit"))
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Budget<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Budget<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        self.spend(text.len())
    }

    fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<(), E> {
        self.spend(bytes.len())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.spend(0)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.spend(0)?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }

    /// A tagged value (`!tag value`): the tag, then the value.
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        let ((), variant) = data.variant_seed(self)?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The units `yaml` expands to.
    fn expanded(yaml: &str) -> usize {
        let meter = Meter {
            left: Cell::new(usize::MAX),
            exceeded: Cell::new(false),
        };
        Budget(&meter)
            .deserialize(serde_yaml::Deserializer::from_str(yaml))
            .expect("valid YAML");
        usize::MAX - meter.left.get()
    }

    #[test]
    fn every_node_counts_one_and_scalars_their_bytes() {
        // The map; key `a`; the sequence and its items 1, true and xyz;
        // key `b` and its null.
        assert_eq!(
            expanded("a: [1, true, xyz]\nb: ~\n"),
            1 + 2 + 1 + (1 + 1 + 4) + 2 + 1
        );
        // A tagged value counts its tag and its value.
        assert_eq!(expanded("!tag abc"), 4 + 4);
    }

    #[test]
    fn aliases_count_what_they_repeat() {
        let named = expanded("- &x [abcd, efgh]\n");
        let repeated = expanded("- &x [abcd, efgh]\n- *x\n- *x\n");
        assert_eq!(named, 1 + 11);
        assert_eq!(repeated, 1 + 3 * 11);
    }

    #[test]
    fn a_fixture_without_aliases_expands_to_no_more_than_twice_its_text() {
        let dense: [String; 4] = [
            "- \n".repeat(1000),
            "? \n".repeat(1000),
            (0..1000).map(|i| format!("k{i}:\n")).collect(),
            "- [a, b, {c: d}, \"\\x41\"]\n".repeat(1000),
        ];
        for text in dense
            .iter()
            .map(String::as_str)
            .chain([crate::Fixture::demo_yaml()])
        {
            assert!(expanded(text) <= 2 * text.len(), "{}", &text[..20]);
        }
    }
}
