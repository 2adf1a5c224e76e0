//! What changes between two fragments, per operation: parameters added,
//! removed or changed; enum values added or removed (a new association
//! target, say); schema properties; responses; servers.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::tree::{METHODS, component_ref, ref_of};

/// References are followed this deep at most (schemas may be recursive).
const MAX_DEPTH: usize = 24;

/// One line per difference, grouped by operation, empty when the two
/// fragments mean the same.
pub fn describe_changes(old: &Value, new: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    let (old_ops, new_ops) = (operations(old), operations(new));
    let ids: BTreeSet<&String> = old_ops.keys().chain(new_ops.keys()).collect();
    for id in ids {
        match (old_ops.get(id), new_ops.get(id)) {
            (None, Some((label, _))) => lines.push(format!("{id}: added ({label})")),
            (Some((label, _)), None) => lines.push(format!("{id}: removed ({label})")),
            (Some((old_label, old_op)), Some((new_label, new_op))) => {
                let mut changes = Vec::new();
                if old_label != new_label {
                    changes.push(format!("moved from {old_label} to {new_label}"));
                }
                operation_changes(old, old_op, new, new_op, &mut changes);
                let mut seen = BTreeSet::new();
                changes.retain(|c| seen.insert(c.clone()));
                lines.extend(changes.into_iter().map(|c| format!("{id}: {c}")));
            }
            (None, None) => {}
        }
    }
    // Components no operation reaches (kept by a patch, like `GraphType`).
    let (old_reached, new_reached) = (reached_schemas(old), reached_schemas(new));
    let names: BTreeSet<String> = [old, new]
        .iter()
        .flat_map(|doc| {
            doc["components"]["schemas"]
                .as_object()
                .into_iter()
                .flatten()
        })
        .map(|(name, _)| name.clone())
        .filter(|name| !old_reached.contains(name) && !new_reached.contains(name))
        .collect();
    for name in names {
        let (a, b) = (
            &old["components"]["schemas"][&name],
            &new["components"]["schemas"][&name],
        );
        let mut changes = Vec::new();
        match (a.is_null(), b.is_null()) {
            (true, false) => changes.push(format!("schema `{name}` added")),
            (false, true) => changes.push(format!("schema `{name}` removed")),
            _ => schema_changes(old, a, new, b, &format!("schema `{name}`"), 0, &mut changes),
        }
        lines.extend(changes.into_iter().map(|c| format!("components: {c}")));
    }
    let servers = |doc: &Value| -> Vec<String> {
        doc["servers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["url"].as_str().map(str::to_string))
            .collect()
    };
    let (old_servers, new_servers) = (servers(old), servers(new));
    for url in new_servers.iter().filter(|u| !old_servers.contains(u)) {
        lines.push(format!("servers: `{url}` added"));
    }
    for url in old_servers.iter().filter(|u| !new_servers.contains(u)) {
        lines.push(format!("servers: `{url}` removed"));
    }
    lines
}

/// The operations of `doc` by operationId: label (`GET /path`) and the
/// operation with its path-level parameters merged in.
fn operations(doc: &Value) -> BTreeMap<String, (String, Value)> {
    let mut ops = BTreeMap::new();
    for (route, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let mut op = op.clone();
            let mut params: Vec<Value> = item["parameters"].as_array().cloned().unwrap_or_default();
            params.extend(op["parameters"].as_array().cloned().unwrap_or_default());
            op["parameters"] = Value::Array(params);
            ops.insert(
                id.to_string(),
                (format!("{} {route}", method.to_uppercase()), op),
            );
        }
    }
    ops
}

/// Follows `$ref`s at the top of `value` within `doc`.
fn resolve<'d>(doc: &'d Value, mut value: &'d Value) -> &'d Value {
    for _ in 0..MAX_DEPTH {
        let Some((kind, name)) = ref_of(value).and_then(component_ref) else {
            break;
        };
        match doc["components"][kind].get(name) {
            Some(target) => value = target,
            None => break,
        }
    }
    value
}

fn operation_changes(
    old_doc: &Value,
    old: &Value,
    new_doc: &Value,
    new: &Value,
    out: &mut Vec<String>,
) {
    let params = |doc: &Value, op: &Value| -> BTreeMap<String, Value> {
        op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| resolve(doc, p))
            .map(|p| {
                let key = format!(
                    "{} ({})",
                    p["name"].as_str().unwrap_or("?"),
                    p["in"].as_str().unwrap_or("?")
                );
                (key, p.clone())
            })
            .collect()
    };
    let (old_params, new_params) = (params(old_doc, old), params(new_doc, new));
    for (key, p) in &new_params {
        match old_params.get(key) {
            None => {
                let required = if p["required"] == true {
                    "required"
                } else {
                    "optional"
                };
                out.push(format!("parameter `{key}` added, {required}"));
            }
            Some(before) => {
                for field in ["required", "style", "explode"] {
                    if before[field] != p[field] {
                        out.push(format!(
                            "parameter `{key}`: `{field}` changed from {} to {}",
                            before[field], p[field]
                        ));
                    }
                }
                schema_changes(
                    old_doc,
                    &before["schema"],
                    new_doc,
                    &p["schema"],
                    &format!("parameter `{key}`"),
                    0,
                    out,
                );
            }
        }
    }
    for key in old_params.keys().filter(|k| !new_params.contains_key(*k)) {
        out.push(format!("parameter `{key}` removed"));
    }

    let body = |doc: &'_ Value, op: &Value| -> Option<Value> {
        let body = resolve(doc, &op["requestBody"]);
        (!body.is_null()).then(|| body.clone())
    };
    match (body(old_doc, old), body(new_doc, new)) {
        (None, Some(_)) => out.push("request body added".into()),
        (Some(_), None) => out.push("request body removed".into()),
        (Some(before), Some(after)) => {
            if before["required"] != after["required"] {
                out.push(format!(
                    "request body: `required` changed from {} to {}",
                    before["required"], after["required"]
                ));
            }
            content_changes(old_doc, &before, new_doc, &after, "request body", out);
        }
        (None, None) => {}
    }

    let responses = |doc: &Value, op: &Value| -> BTreeMap<String, Value> {
        op["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(status, r)| (status.clone(), resolve(doc, r).clone()))
            .collect()
    };
    let (old_responses, new_responses) = (responses(old_doc, old), responses(new_doc, new));
    for (status, r) in &new_responses {
        match old_responses.get(status) {
            None => out.push(format!("response {status} added")),
            Some(before) => content_changes(
                old_doc,
                before,
                new_doc,
                r,
                &format!("response {status}"),
                out,
            ),
        }
    }
    for status in old_responses
        .keys()
        .filter(|s| !new_responses.contains_key(*s))
    {
        out.push(format!("response {status} removed"));
    }
}

fn content_changes(
    old_doc: &Value,
    old: &Value,
    new_doc: &Value,
    new: &Value,
    label: &str,
    out: &mut Vec<String>,
) {
    let types = |v: &Value| -> BTreeSet<String> {
        v["content"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.clone())
            .collect()
    };
    let (before, after) = (types(old), types(new));
    for media in after.difference(&before) {
        out.push(format!("{label}: media type `{media}` added"));
    }
    for media in before.difference(&after) {
        out.push(format!("{label}: media type `{media}` removed"));
    }
    for media in before.intersection(&after) {
        schema_changes(
            old_doc,
            &old["content"][media]["schema"],
            new_doc,
            &new["content"][media]["schema"],
            label,
            0,
            out,
        );
    }
}

/// Differences between two schemas, references followed, in words.
fn schema_changes(
    old_doc: &Value,
    old: &Value,
    new_doc: &Value,
    new: &Value,
    label: &str,
    depth: usize,
    out: &mut Vec<String>,
) {
    if depth > MAX_DEPTH || (old == new && !has_refs(old)) {
        return;
    }
    let named = |doc: &Value, v: &Value| -> Option<String> {
        ref_of(v)
            .and_then(component_ref)
            .filter(|(kind, name)| doc["components"][*kind].get(*name).is_some())
            .map(|(_, name)| name.to_string())
    };
    let here = match (named(old_doc, old), named(new_doc, new)) {
        (Some(a), Some(b)) if a != b => {
            out.push(format!("{label}: now `{b}` instead of `{a}`"));
            format!("{label} ({b})")
        }
        (_, Some(b)) => format!("{label} ({b})"),
        _ => label.to_string(),
    };
    let (old, new) = (resolve(old_doc, old), resolve(new_doc, new));
    let (Value::Object(before), Value::Object(after)) = (old, new) else {
        if old != new {
            out.push(format!("{here}: changed from {old} to {new}"));
        }
        return;
    };
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for key in keys {
        let (a, b) = (&old[key.as_str()], &new[key.as_str()]);
        if a == b
            && !matches!(
                key.as_str(),
                "properties" | "items" | "allOf" | "oneOf" | "anyOf" | "additionalProperties"
            )
        {
            continue;
        }
        match key.as_str() {
            "enum" => {
                let set = |v: &Value| -> Vec<String> {
                    v.as_array()
                        .into_iter()
                        .flatten()
                        .map(Value::to_string)
                        .collect()
                };
                let (a, b) = (set(a), set(b));
                for value in b.iter().filter(|v| !a.contains(v)) {
                    out.push(format!("{here}: enum value {value} added"));
                }
                for value in a.iter().filter(|v| !b.contains(v)) {
                    out.push(format!("{here}: enum value {value} removed"));
                }
            }
            "properties" => {
                let names = |v: &Value| -> BTreeSet<String> {
                    v.as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, _)| k.clone())
                        .collect()
                };
                let (an, bn) = (names(a), names(b));
                for name in bn.difference(&an) {
                    out.push(format!("{here}: property `{name}` added"));
                }
                for name in an.difference(&bn) {
                    out.push(format!("{here}: property `{name}` removed"));
                }
                for name in an.intersection(&bn) {
                    schema_changes(
                        old_doc,
                        &a[name.as_str()],
                        new_doc,
                        &b[name.as_str()],
                        &format!("{here}: property `{name}`"),
                        depth + 1,
                        out,
                    );
                }
            }
            "items" | "additionalProperties" | "not" => schema_changes(
                old_doc,
                a,
                new_doc,
                b,
                &format!("{here} {key}"),
                depth + 1,
                out,
            ),
            "allOf" | "oneOf" | "anyOf" => {
                let (a, b) = (
                    a.as_array().cloned().unwrap_or_default(),
                    b.as_array().cloned().unwrap_or_default(),
                );
                if a.len() != b.len() {
                    out.push(format!(
                        "{here}: `{key}` has {} parts instead of {}",
                        b.len(),
                        a.len()
                    ));
                }
                for (i, (x, y)) in a.iter().zip(&b).enumerate() {
                    schema_changes(
                        old_doc,
                        x,
                        new_doc,
                        y,
                        &format!("{here} {key}[{i}]"),
                        depth + 1,
                        out,
                    );
                }
            }
            "description" | "title" => {}
            _ => out.push(format!("{here}: `{key}` changed from {a} to {b}")),
        }
    }
}

fn has_refs(value: &Value) -> bool {
    let mut found = Vec::new();
    super::tree::refs(value, &mut found);
    !found.is_empty()
}

/// The schemas the operations of `doc` reach through references.
fn reached_schemas(doc: &Value) -> BTreeSet<String> {
    let mut reached = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut queue = Vec::new();
    super::tree::refs(&doc["paths"], &mut queue);
    while let Some(reference) = queue.pop() {
        if !seen.insert(reference.clone()) {
            continue;
        }
        let Some((kind, name)) = component_ref(&reference) else {
            continue;
        };
        if kind == "schemas" {
            reached.insert(name.to_string());
        }
        if let Some(target) = doc["components"][kind].get(name) {
            super::tree::refs(target, &mut queue);
        }
    }
    reached
}
