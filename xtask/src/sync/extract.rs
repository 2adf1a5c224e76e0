//! Picking the wanted operations out of a whole (OpenAPI 3.0) document,
//! with every component they reference, transitively.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::tree::{component_ref, refs};

/// Where one operation lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    /// The path template.
    pub path: String,
    /// The method, lower case as in the document.
    pub method: String,
}

impl Located {
    /// `GET /users/{user_id}/systems`.
    pub(crate) fn label(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }
}

/// A component reference: kind, name, and who refers to it (for messages).
pub(crate) type Reference = (String, String, String);

/// The located operations copied from `upstream` as the `paths` object of
/// the fragment (path-level parameters kept), each under our operationId.
pub(crate) fn operations(
    upstream: &Value,
    located: &BTreeMap<String, Located>,
) -> Map<String, Value> {
    let mut paths = Map::new();
    for (id, here) in located {
        let item = &upstream["paths"][here.path.as_str()];
        let entry = paths
            .entry(here.path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let (Value::Object(entry), Some(params)) = (&mut *entry, item.get("parameters")) {
            entry.insert("parameters".into(), params.clone());
        }
        let mut op = item[here.method.as_str()].clone();
        op["operationId"] = Value::String(id.clone());
        entry[here.method.as_str()] = op;
    }
    paths
}

/// The components `paths` references, with everything they reference, or
/// every reference that cannot be followed and every cycle.
pub(crate) fn components(
    upstream: &Value,
    paths: &Value,
) -> Result<Map<String, Value>, Vec<String>> {
    let roots = references(paths, "an operation").map_err(|e| vec![e])?;
    let cycles = crate::refs::cycles(
        &upstream["components"],
        Some(
            roots
                .iter()
                .map(|(k, n, _)| (k.clone(), n.clone()))
                .collect(),
        ),
    );
    if !cycles.is_empty() {
        return Err(vec![crate::refs::describe(&cycles)]);
    }
    let mut components = Map::new();
    let mut problems = Vec::new();
    for (kind, name, why) in roots {
        if let Err(problem) = add_component(upstream, &mut components, &kind, &name, &why)
            && !problems.contains(&problem)
        {
            problems.push(problem);
        }
    }
    if problems.is_empty() {
        Ok(components)
    } else {
        Err(problems)
    }
}

/// Copies component `kind/name` from `upstream` into `components`, with
/// everything it references; `why` names the referrer for messages.
pub(crate) fn add_component(
    upstream: &Value,
    components: &mut Map<String, Value>,
    kind: &str,
    name: &str,
    why: &str,
) -> Result<(), String> {
    let mut queue = vec![(kind.to_string(), name.to_string(), why.to_string())];
    let mut seen = BTreeSet::new();
    while let Some((kind, name, why)) = queue.pop() {
        if !seen.insert((kind.clone(), name.clone())) {
            continue;
        }
        let value = upstream
            .get("components")
            .and_then(|c| c.get(&kind))
            .and_then(|c| c.get(&name))
            .ok_or_else(|| {
                format!("{why} references `#/components/{kind}/{name}`, which the document does not define")
            })?;
        let section = components
            .entry(kind.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(section) = section {
            section.insert(name.clone(), value.clone());
        }
        queue.extend(references(value, &format!("`#/components/{kind}/{name}`"))?);
    }
    Ok(())
}

/// The components `value` references directly: `$ref`s and the names in
/// security requirements.
pub(crate) fn references(value: &Value, why: &str) -> Result<Vec<Reference>, String> {
    let mut found = Vec::new();
    let mut all = Vec::new();
    refs(value, &mut all);
    for reference in all {
        let (kind, name) = component_ref(&reference).ok_or_else(|| {
            format!("{why} has the reference `{reference}`; only `#/components/...` references are supported")
        })?;
        found.push((kind.to_string(), name.to_string(), why.to_string()));
    }
    security_names(value, why, &mut found);
    Ok(found)
}

/// Security scheme names used by `security` requirement lists below
/// `value` (operations carry them; schemas never do).
fn security_names(value: &Value, why: &str, out: &mut Vec<Reference>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "security" {
                    for requirement in v.as_array().into_iter().flatten() {
                        for name in requirement
                            .as_object()
                            .into_iter()
                            .flatten()
                            .map(|(k, _)| k)
                        {
                            out.push(("securitySchemes".into(), name.clone(), why.to_string()));
                        }
                    }
                } else if key != "properties" {
                    security_names(v, why, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| security_names(v, why, out)),
        _ => {}
    }
}

/// The components reachable from `roots` within `components` itself, for
/// pruning after patches; an unresolved reference is an error.
pub(crate) fn reachable(
    components: &Map<String, Value>,
    roots: Vec<Reference>,
) -> Result<BTreeSet<(String, String)>, String> {
    let mut queue = roots;
    let mut seen = BTreeSet::new();
    while let Some((kind, name, why)) = queue.pop() {
        if !seen.insert((kind.clone(), name.clone())) {
            continue;
        }
        let value = components
            .get(&kind)
            .and_then(|c| c.get(&name))
            .ok_or_else(|| format!("{why} references `#/components/{kind}/{name}`, which the fragment would not define"))?;
        queue.extend(references(value, &format!("`#/components/{kind}/{name}`"))?);
    }
    Ok(seen)
}
