//! Reading spec files with bounded time and memory: a size cap checked
//! before the file is read, and a budget on what the parse may build, so
//! that YAML aliases replayed many times ("billion laughs") or a document
//! of millions of tiny nodes stop with a clear error instead of taking
//! gigabytes.
//!
//! JumpCloud's published spec is about 1.7 MB of YAML (2 MB as JSON, some
//! 150 000 nodes); the limits leave well over ten times that.

use std::cell::Cell;
use std::fmt;
use std::io::Read as _;
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The largest spec file read, in bytes (32 MiB).
pub const MAX_INPUT_BYTES: u64 = 32 * 1024 * 1024;
/// The largest YAML text parsed, in bytes (8 MiB): the YAML parser holds
/// every event of the document in memory before anything is built (about
/// 35 bytes of memory per byte of YAML of tiny nodes), so YAML gets a
/// quarter of the file limit; JSON is parsed as it streams.
pub const MAX_YAML_BYTES: usize = 8 * 1024 * 1024;
/// The most nodes (mappings, sequences and scalars, aliases counted each
/// time they are replayed) a document may expand to.
pub const MAX_NODES: usize = 2_000_000;
/// The most scalar text (keys and values, aliases replayed) a document may
/// expand to, in bytes (64 MiB).
pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// The file is larger than [`MAX_INPUT_BYTES`].
    TooLarge {
        /// Its size, or at least how much was read before giving up.
        size: u64,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(error) => error.fmt(f),
            Self::TooLarge { size } => write!(f, "{}", too_large(*size)),
        }
    }
}

/// The message for a file over the cap.
pub fn too_large(size: u64) -> String {
    format!(
        "{size} bytes is more than the {MAX_INPUT_BYTES} bytes (32 MiB) a spec may have \
         (JumpCloud's is about 2 MB)"
    )
}

/// Reads a text file of at most [`MAX_INPUT_BYTES`]: the size is checked
/// before reading, and reading stops past the cap (a file that grows, or a
/// device such as `/dev/zero`, cannot make it read more). Windows line
/// endings become `\n`.
pub fn read_capped(path: &Path) -> Result<String, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let size = file.metadata().map_err(ReadError::Io)?.len();
    if size > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge { size });
    }
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge { size: read });
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text: {e}"),
        ))
    })?;
    Ok(text.replace("\r\n", "\n"))
}

/// Parses YAML (or JSON, which is YAML) into a JSON tree within the
/// budget: mapping keys become strings, tags are dropped, `<<` merge keys
/// are applied. JSON text (starting with `{` or `[`) is parsed by the JSON
/// parser, which needs far less memory than the YAML one.
pub fn parse_tree(text: &str) -> Result<Value, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        parse_json_tree(trimmed)
    } else if text.len() > MAX_YAML_BYTES {
        Err(format!(
            "{} bytes of YAML is more than the {MAX_YAML_BYTES} bytes (8 MiB) read as YAML \
             (JumpCloud's is about 1.7 MB); JSON may have up to 32 MiB",
            text.len()
        ))
    } else {
        Node(&Budget::default())
            .deserialize(serde_yaml::Deserializer::from_str(text))
            .map_err(|e| e.to_string())
    }
}

/// Parses JSON into a tree within the budget.
pub fn parse_json_tree(text: &str) -> Result<Value, String> {
    let budget = Budget::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Node(&budget)
        .deserialize(&mut de)
        .map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(value)
}

/// How much the parse has built so far.
#[derive(Default)]
struct Budget {
    nodes: Cell<usize>,
    text: Cell<usize>,
}

impl Budget {
    fn charge<E: de::Error>(&self, text: usize) -> Result<(), E> {
        let nodes = self.nodes.get().saturating_add(1);
        let text = self.text.get().saturating_add(text);
        self.nodes.set(nodes);
        self.text.set(text);
        if nodes > MAX_NODES || text > MAX_TEXT_BYTES {
            return Err(E::custom(format!(
                "the document expands to more than {MAX_NODES} nodes or {MAX_TEXT_BYTES} bytes \
                 of text (YAML aliases are counted each time they are used); no API \
                 description needs that"
            )));
        }
        Ok(())
    }
}

/// One node of the document, built within the budget.
struct Node<'b>(&'b Budget);

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML or JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.0.charge(0)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.0.charge(0)?;
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.0.charge(0)?;
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.0.charge(0)?;
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("the number {v} has no JSON form")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.0.charge(v.len())?;
        Ok(Value::String(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.0.charge(0)?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.charge(0)?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Node(self.0))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.0.charge(0)?;
        let mut out = Map::new();
        let mut merges = Vec::new();
        while let Some(key) = map.next_key_seed(Key(self.0))? {
            let value = map.next_value_seed(Node(self.0))?;
            if key == "<<" {
                merges.push(value);
            } else {
                out.insert(key, value);
            }
        }
        for merge in merges {
            apply_merge(&mut out, merge).map_err(de::Error::custom)?;
        }
        Ok(Value::Object(out))
    }

    /// A tagged YAML value (`!Tag value`): the tag is dropped.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, value): (de::IgnoredAny, _) = data.variant()?;
        de::VariantAccess::newtype_variant_seed(value, self)
    }
}

/// `<<: *anchor` (or a list of anchors): keys the mapping lacks are taken
/// from the merged mappings, earlier ones first.
fn apply_merge(out: &mut Map<String, Value>, merge: Value) -> Result<(), String> {
    let sources = match merge {
        Value::Object(map) => vec![map],
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::Object(map) => Ok(map),
                _ => Err("a `<<` merge list may hold mappings only".to_string()),
            })
            .collect::<Result<_, _>>()?,
        _ => return Err("a `<<` merge key needs a mapping or a list of mappings".into()),
    };
    for source in sources {
        for (key, value) in source {
            out.entry(key).or_insert(value);
        }
    }
    Ok(())
}

/// A mapping key: YAML allows `200:` (an integer) or `true:`; OpenAPI
/// means the string.
struct Key<'b>(&'b Budget);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar mapping key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        self.0.charge(v.len())?;
        Ok(v.to_string())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        self.visit_str("null")
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<String, A::Error> {
        let (_tag, value): (de::IgnoredAny, _) = data.variant()?;
        de::VariantAccess::newtype_variant_seed(value, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_keys_tags_and_merges_read_as_json() {
        let text = "base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n200: ok\ntagged: !T v\n";
        let value = parse_tree(text).unwrap();
        assert_eq!(value["item"], serde_json::json!({"x": 1, "y": 3}));
        assert_eq!(value["200"], "ok");
        assert_eq!(value["tagged"], "v");
    }

    #[test]
    fn yaml_over_8_mib_is_refused_before_the_parser_buffers_it() {
        let text = "- 0\n".repeat(MAX_YAML_BYTES / 4 + 1);
        let error = parse_tree(&text).unwrap_err();
        assert!(
            error.contains("more than the 8388608 bytes (8 MiB) read as YAML"),
            "{error}"
        );
    }

    #[test]
    fn json_is_read_by_the_json_parser_with_the_same_result() {
        let text = r#"{"a": [1, 2.5, "x", null, true], "200": {}}"#;
        assert_eq!(
            parse_tree(text).unwrap(),
            parse_tree(&format!("\n{text}")).unwrap()
        );
    }
}
