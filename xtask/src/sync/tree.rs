//! Small helpers over the JSON tree an OpenAPI document is read into.

use serde_json::{Map, Value};

pub(crate) use crate::refs::{component_ref, refs};
pub(crate) use crate::spec::METHODS;

/// A location in a document: object keys and array indices as strings,
/// e.g. `["paths", "/users/{user_id}/systems", "get", "description"]`.
pub(crate) type Pointer = Vec<String>;

/// Builds a [`Pointer`] from segments.
pub(crate) fn pointer<S: AsRef<str>>(segments: &[S]) -> Pointer {
    segments.iter().map(|s| s.as_ref().to_string()).collect()
}

/// The value at `at`, mutably.
pub(crate) fn get_mut<'v>(value: &'v mut Value, at: &[String]) -> Option<&'v mut Value> {
    at.iter().try_fold(value, |v, key| match v {
        Value::Object(map) => map.get_mut(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    })
}

/// The `$ref` of an object that is only a reference.
pub(crate) fn ref_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// Calls `f` on every `$ref` string below `value`.
pub(crate) fn rewrite_refs(value: &mut Value, f: &mut impl FnMut(&mut String)) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => f(r),
                    (_, v) => rewrite_refs(v, f),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, f)),
        _ => {}
    }
}

/// Keys whose values are maps of names (property names, status codes,
/// media types, component names), not of OpenAPI keywords: keyword
/// removals must not touch them.
const NAME_MAPS: [&str; 12] = [
    "properties",
    "patternProperties",
    "paths",
    "responses",
    "content",
    "schemas",
    "parameters",
    "requestBodies",
    "securitySchemes",
    "headers",
    "encoding",
    "scopes",
];

/// Removes every keyword (not a property or other name) for which `remove`
/// says yes, anywhere below `value`; returns how many were removed.
pub(crate) fn remove_keywords(value: &mut Value, remove: &impl Fn(&str) -> bool) -> usize {
    let mut removed = 0;
    match value {
        Value::Object(map) => {
            let before = map.len();
            map.retain(|key, _| !remove(key));
            removed += before - map.len();
            for (key, v) in map.iter_mut() {
                // Security requirements are keyed by scheme names.
                if key == "security" {
                    continue;
                }
                if NAME_MAPS.contains(&key.as_str())
                    && let Value::Object(names) = v
                {
                    for named in names.values_mut() {
                        removed += remove_keywords(named, remove);
                    }
                } else {
                    removed += remove_keywords(v, remove);
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                removed += remove_keywords(v, remove);
            }
        }
        _ => {}
    }
    removed
}

/// A JSON object from key-value pairs.
pub(crate) fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<Map<String, Value>>(),
    )
}

/// Reads YAML or JSON into a JSON tree, within the size budget of
/// [`crate::input::parse_tree`].
pub(crate) fn parse_document(text: &str) -> Result<Value, String> {
    crate::input::parse_tree(text)
}
