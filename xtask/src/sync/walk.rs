//! Visiting the parts of an OpenAPI 3.0 document that rules apply to:
//! every parameter object and every schema object, wherever they sit
//! (components, path items, operations, media types, nested schemas).

use serde_json::{Map, Value};

use super::tree::METHODS;

/// Keys under which a schema holds further schemas, one each.
const ONE_SCHEMA: [&str; 3] = ["items", "additionalProperties", "not"];
/// Keys under which a schema holds a list of schemas.
const SCHEMA_LISTS: [&str; 3] = ["allOf", "oneOf", "anyOf"];

/// Where a schema sits: `true` for a component's top level.
pub(crate) type IsComponent = bool;

/// Calls `f` on every parameter object that is not a `$ref` (component
/// parameters, path-level and operation parameters).
pub(crate) fn parameters(doc: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    for p in section(doc, "parameters").flat_map(|m| m.values_mut()) {
        if let Value::Object(p) = p {
            f(p);
        }
    }
    for item in path_items(doc) {
        for (key, value) in item.iter_mut() {
            let list = if key == "parameters" {
                Some(value)
            } else if METHODS.contains(&key.as_str()) {
                value.get_mut("parameters")
            } else {
                None
            };
            for p in list.and_then(Value::as_array_mut).into_iter().flatten() {
                if let Value::Object(p) = p
                    && !p.contains_key("$ref")
                {
                    f(p);
                }
            }
        }
    }
}

/// Calls `f` on every request body object that is not a `$ref`.
pub(crate) fn request_bodies(doc: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    for body in section(doc, "requestBodies").flat_map(|m| m.values_mut()) {
        if let Value::Object(body) = body {
            f(body);
        }
    }
    for item in path_items(doc) {
        for op in operations(item) {
            if let Some(Value::Object(body)) = op.get_mut("requestBody")
                && !body.contains_key("$ref")
            {
                f(body);
            }
        }
    }
}

/// Calls `f` on every schema object, parents before children; the flag
/// says whether it is a component's top level.
pub(crate) fn schemas(doc: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>, IsComponent)) {
    for schema in section(doc, "schemas").flat_map(|m| m.values_mut()) {
        descend(schema, true, f);
    }
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        for (kind, section) in components.iter_mut() {
            if kind != "schemas" {
                holders(section, f);
            }
        }
    }
    for item in path_items(doc) {
        for value in item.values_mut() {
            holders(value, f);
        }
    }
}

/// The components of one kind, mutably, if there are any.
pub(crate) fn section<'d>(
    doc: &'d mut Value,
    kind: &str,
) -> impl Iterator<Item = &'d mut Map<String, Value>> {
    doc.get_mut("components")
        .and_then(|c| c.get_mut(kind))
        .and_then(Value::as_object_mut)
        .into_iter()
}

/// The path items of `doc`, mutably.
pub(crate) fn path_items(doc: &mut Value) -> Vec<&mut Map<String, Value>> {
    doc.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .collect()
}

/// The operations of a path item, mutably.
pub(crate) fn operations(item: &mut Map<String, Value>) -> Vec<&mut Map<String, Value>> {
    item.iter_mut()
        .filter(|(key, _)| METHODS.contains(&key.as_str()))
        .filter_map(|(_, op)| op.as_object_mut())
        .collect()
}

/// Finds the schemas held by parameters, bodies, responses, media types
/// and headers below `value` (not inside examples or extensions).
fn holders(value: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>, IsComponent)) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match key.as_str() {
                    "schema" => descend(v, false, f),
                    "example" | "examples" => {}
                    k if k.starts_with("x-") => {}
                    _ => holders(v, f),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| holders(v, f)),
        _ => {}
    }
}

/// `schema` and the schemas nested in it.
fn descend(
    schema: &mut Value,
    is_component: IsComponent,
    f: &mut impl FnMut(&mut Map<String, Value>, IsComponent),
) {
    let Value::Object(map) = schema else { return };
    f(map, is_component);
    for (key, v) in map.iter_mut() {
        match key.as_str() {
            "properties" => {
                for p in v.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                    descend(p, false, f);
                }
            }
            k if ONE_SCHEMA.contains(&k) => descend(v, false, f),
            k if SCHEMA_LISTS.contains(&k) => {
                for part in v.as_array_mut().into_iter().flatten() {
                    descend(part, false, f);
                }
            }
            _ => {}
        }
    }
}
