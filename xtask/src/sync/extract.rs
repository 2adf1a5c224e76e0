//! Picking the wanted operations out of a whole (OpenAPI 3.0) document,
//! with every component they reference, transitively.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::tree::{METHODS, component_ref, refs};

/// Where one operation lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    /// The path template.
    pub path: String,
    /// The method, lower case as in the document.
    pub method: String,
}

/// The `paths` object of the fragment, and where each operation is.
pub(crate) type Found = (Map<String, Value>, BTreeMap<String, Located>);

/// A component reference: kind, name, and who refers to it (for messages).
pub(crate) type Reference = (String, String, String);

/// The wanted operations found in `upstream`, as the `paths` object of the
/// fragment (path-level parameters kept), and where each one is. Ids that
/// upstream does not define are left out of both.
pub(crate) fn operations(upstream: &Value, wanted: &[String]) -> Result<Found, String> {
    let mut found: BTreeMap<String, Located> = BTreeMap::new();
    let mut paths = Map::new();
    let upstream_paths = upstream
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the document has no `paths`")?;
    for (route, item) in upstream_paths {
        let Value::Object(item) = item else { continue };
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            if !wanted.iter().any(|w| w == id) {
                continue;
            }
            let here = Located {
                path: route.clone(),
                method: method.to_string(),
            };
            if let Some(first) = found.insert(id.to_string(), here) {
                return Err(format!(
                    "operationId `{id}` is used by both {} {} and {} {route}",
                    first.method.to_uppercase(),
                    first.path,
                    method.to_uppercase()
                ));
            }
            let entry = paths
                .entry(route.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if let (Value::Object(entry), Some(params)) = (entry, item.get("parameters")) {
                entry.insert("parameters".into(), params.clone());
            }
            paths[route.as_str()][method] = op.clone();
        }
    }
    Ok((paths, found))
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
