//! Small helpers over the JSON tree an OpenAPI document is read into.

use serde_json::{Map, Value};

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

/// `(kind, name)` of a local component reference such as
/// `#/components/schemas/GraphType`.
pub(crate) fn component_ref(reference: &str) -> Option<(&str, &str)> {
    let rest = reference.strip_prefix("#/components/")?;
    rest.split_once('/')
}

/// The `$ref` of an object that is only a reference.
pub(crate) fn ref_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// Every `$ref` string below `value`, in document order.
pub(crate) fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
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

/// YAML read into JSON: keys become strings (YAML allows `200:` as an
/// integer key; OpenAPI means the string), tags are dropped, `<<` merges
/// applied.
pub(crate) fn yaml_to_json(value: serde_yaml::Value) -> Result<Value, String> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
                    .ok_or_else(|| format!("the number {n} has no JSON form"))?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (key, v) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    other => return Err(format!("a mapping key that is not a scalar: {other:?}")),
                };
                out.insert(key, yaml_to_json(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}

/// Reads YAML or JSON (JSON is YAML) into a JSON tree.
pub(crate) fn parse_document(text: &str) -> Result<Value, String> {
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    yaml.apply_merge().map_err(|e| e.to_string())?;
    yaml_to_json(yaml)
}
