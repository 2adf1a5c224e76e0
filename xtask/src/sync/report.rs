//! What changes in meaning between two fragments, one line per change:
//! parameters added, removed or changed; enum values added or removed (a
//! new association target, say); schema properties; responses; scopes;
//! servers. Both fragments are normalised first, so renderer differences
//! (`required: false` left out, say) are not changes. A named schema's
//! changes are reported once: under the one operation that uses it, or
//! under `components` when several do. The same change to several
//! operations is one line naming them all.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::normalise::for_comparison;
use super::tree::{METHODS, component_ref, ref_of, refs};

/// Inline schemas are compared this deep at most.
const MAX_DEPTH: usize = 24;

/// One line per difference in meaning, empty when the two fragments mean
/// the same.
pub fn describe_changes(old: &Value, new: &Value) -> Vec<String> {
    let (mut old, mut new) = (old.clone(), new.clone());
    for_comparison(&mut old);
    for_comparison(&mut new);
    let (old_ops, new_ops) = (operations(&old), operations(&new));
    let users = Users::of(&old, &new, &old_ops, &new_ops);
    let docs = Docs {
        old: &old,
        new: &new,
        users: &users,
    };
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    let ids: BTreeSet<&String> = old_ops.keys().chain(new_ops.keys()).collect();
    for id in ids {
        for change in operation_lines(&docs, old_ops.get(id), new_ops.get(id)) {
            match grouped.iter_mut().find(|(text, _)| *text == change) {
                Some((_, ids)) => ids.push(id.clone()),
                None => grouped.push((change, vec![id.clone()])),
            }
        }
    }
    let mut lines: Vec<String> = grouped
        .into_iter()
        .map(|(text, ids)| format!("{}: {text}", group_name(&ids, new_ops.len())))
        .collect();
    lines.extend(component_lines(&docs));
    lines.extend(server_lines(&old, &new));
    lines
}

struct Docs<'d> {
    old: &'d Value,
    new: &'d Value,
    users: &'d Users,
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

/// Which operations use each named schema, in either fragment.
struct Users(BTreeMap<String, BTreeSet<String>>);

impl Users {
    fn of(
        old: &Value,
        new: &Value,
        old_ops: &BTreeMap<String, (String, Value)>,
        new_ops: &BTreeMap<String, (String, Value)>,
    ) -> Self {
        let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (doc, ops) in [(old, old_ops), (new, new_ops)] {
            for (id, (_, op)) in ops {
                for name in reached_schemas(doc, op) {
                    users.entry(name).or_default().insert(id.clone());
                }
            }
        }
        Self(users)
    }

    /// Whether exactly one operation uses `name`: its changes are reported
    /// under that operation.
    fn single(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|ids| ids.len() == 1)
    }
}

/// The schemas `op` reaches through references (parameters and bodies
/// resolved through their components).
fn reached_schemas(doc: &Value, op: &Value) -> BTreeSet<String> {
    let mut reached = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut queue = Vec::new();
    refs(op, &mut queue);
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
            refs(target, &mut queue);
        }
    }
    reached
}

/// Follows a `$ref` at the top of `value` within `doc`, once.
fn resolve<'d>(doc: &'d Value, value: &'d Value) -> &'d Value {
    match ref_of(value).and_then(component_ref) {
        Some((kind, name)) => doc["components"][kind].get(name).unwrap_or(value),
        None => value,
    }
}

fn operation_lines(
    docs: &Docs<'_>,
    old: Option<&(String, Value)>,
    new: Option<&(String, Value)>,
) -> Vec<String> {
    let ((old_label, old), (new_label, new)) = match (old, new) {
        (None, Some((label, _))) => return vec![format!("added ({label})")],
        (Some((label, _)), None) => return vec![format!("removed ({label})")],
        (Some(a), Some(b)) => (a, b),
        (None, None) => return Vec::new(),
    };
    let mut out = Vec::new();
    if old_label != new_label {
        out.push(format!("moved from {old_label} to {new_label}"));
    }
    for key in ["x-scopes", "security"] {
        if old[key] != new[key] {
            out.push(match (old[key].is_null(), new[key].is_null()) {
                (false, true) => format!("`{key}` removed"),
                (true, false) => format!("`{key}` added: {}", new[key]),
                _ => format!("`{key}` changed from {} to {}", old[key], new[key]),
            });
        }
    }
    let mut seen = BTreeSet::new();
    parameter_lines(docs, old, new, &mut seen, &mut out);
    body_lines(docs, old, new, &mut seen, &mut out);
    response_lines(docs, old, new, &mut seen, &mut out);
    let mut unique = BTreeSet::new();
    out.retain(|line| unique.insert(line.clone()));
    out
}

fn parameter_lines(
    docs: &Docs<'_>,
    old: &Value,
    new: &Value,
    seen: &mut BTreeSet<String>,
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
    let (before, after) = (params(docs.old, old), params(docs.new, new));
    for (key, p) in &after {
        let Some(was) = before.get(key) else {
            let required = if p["required"] == true {
                "required"
            } else {
                "optional"
            };
            out.push(format!("parameter `{key}` added, {required}"));
            continue;
        };
        for field in ["required", "style", "explode"] {
            if was[field] != p[field] {
                out.push(format!(
                    "parameter `{key}`: `{field}` changed from {} to {}",
                    was[field], p[field]
                ));
            }
        }
        let label = format!("parameter `{key}`");
        schema_lines(docs, &was["schema"], &p["schema"], &label, 0, seen, out);
    }
    for key in before.keys().filter(|k| !after.contains_key(*k)) {
        out.push(format!("parameter `{key}` removed"));
    }
}

fn body_lines(
    docs: &Docs<'_>,
    old: &Value,
    new: &Value,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<String>,
) {
    let body = |doc: &Value, op: &Value| -> Option<Value> {
        let body = resolve(doc, &op["requestBody"]);
        (!body.is_null()).then(|| body.clone())
    };
    match (body(docs.old, old), body(docs.new, new)) {
        (None, Some(_)) => out.push("request body added".into()),
        (Some(_), None) => out.push("request body removed".into()),
        (Some(before), Some(after)) => {
            if before["required"] != after["required"] {
                out.push(format!(
                    "request body: `required` changed from {} to {}",
                    before["required"], after["required"]
                ));
            }
            content_lines(docs, &before, &after, "request body", seen, out);
        }
        (None, None) => {}
    }
}

fn response_lines(
    docs: &Docs<'_>,
    old: &Value,
    new: &Value,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<String>,
) {
    let responses = |doc: &Value, op: &Value| -> BTreeMap<String, Value> {
        op["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(status, r)| (status.clone(), resolve(doc, r).clone()))
            .collect()
    };
    let (before, after) = (responses(docs.old, old), responses(docs.new, new));
    for (status, r) in &after {
        match before.get(status) {
            None => out.push(format!("response {status} added")),
            Some(was) => content_lines(docs, was, r, &format!("response {status}"), seen, out),
        }
    }
    for status in before.keys().filter(|s| !after.contains_key(*s)) {
        out.push(format!("response {status} removed"));
    }
}

fn content_lines(
    docs: &Docs<'_>,
    old: &Value,
    new: &Value,
    label: &str,
    seen: &mut BTreeSet<String>,
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
        let (a, b) = (
            &old["content"][media]["schema"],
            &new["content"][media]["schema"],
        );
        schema_lines(docs, a, b, label, 0, seen, out);
    }
}

/// Differences between two schemas in words. A reference to a schema one
/// operation uses is followed (once per operation); one to a shared schema
/// is not: [`component_lines`] reports its changes.
fn schema_lines(
    docs: &Docs<'_>,
    old: &Value,
    new: &Value,
    label: &str,
    depth: usize,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<String>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let name = |v: &Value| {
        ref_of(v)
            .and_then(component_ref)
            .map(|(_, n)| n.to_string())
    };
    let (old, new, here) = match (name(old), name(new)) {
        (None, None) => (old, new, label.to_string()),
        (Some(a), Some(b)) if a != b => {
            out.push(format!("{label}: now `{b}` instead of `{a}`"));
            return;
        }
        (Some(a), Some(_)) => {
            if !docs.users.single(&a) || !seen.insert(a.clone()) {
                return;
            }
            (
                resolve(docs.old, old),
                resolve(docs.new, new),
                format!("{label} ({a})"),
            )
        }
        (Some(a), None) => {
            out.push(format!("{label}: now an inline schema instead of `{a}`"));
            return;
        }
        (None, Some(b)) => {
            out.push(format!("{label}: now `{b}` instead of an inline schema"));
            return;
        }
    };
    keyword_lines(docs, old, new, &here, depth, seen, out);
}

fn keyword_lines(
    docs: &Docs<'_>,
    old: &Value,
    new: &Value,
    here: &str,
    depth: usize,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<String>,
) {
    let (Value::Object(before), Value::Object(after)) = (old, new) else {
        if old != new {
            out.push(format!("{here}: changed from {old} to {new}"));
        }
        return;
    };
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for key in keys {
        let (a, b) = (&old[key.as_str()], &new[key.as_str()]);
        match key.as_str() {
            "properties" => property_lines(docs, a, b, here, depth, seen, out),
            "items" | "additionalProperties" | "not" => {
                let label = format!("{here} {key}");
                schema_lines(docs, a, b, &label, depth + 1, seen, out);
            }
            "allOf" | "oneOf" | "anyOf" => part_lines(docs, a, b, here, key, depth, seen, out),
            _ if a == b => {}
            "enum" => enum_lines(a, b, here, out),
            "description" | "title" | "example" => {}
            _ => out.push(format!("{here}: `{key}` changed from {a} to {b}")),
        }
    }
}

fn enum_lines(a: &Value, b: &Value, here: &str, out: &mut Vec<String>) {
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

fn property_lines(
    docs: &Docs<'_>,
    a: &Value,
    b: &Value,
    here: &str,
    depth: usize,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<String>,
) {
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
        let label = format!("{here}: property `{name}`");
        schema_lines(
            docs,
            &a[name.as_str()],
            &b[name.as_str()],
            &label,
            depth + 1,
            seen,
            out,
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn part_lines(
    docs: &Docs<'_>,
    a: &Value,
    b: &Value,
    here: &str,
    key: &str,
    depth: usize,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<String>,
) {
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
        let label = format!("{here} {key}[{i}]");
        schema_lines(docs, x, y, &label, depth + 1, seen, out);
    }
}

/// Schemas several operations use, or none (kept by a patch, like
/// `GraphType`): each compared once, under `components`.
fn component_lines(docs: &Docs<'_>) -> Vec<String> {
    let names: BTreeSet<String> = [docs.old, docs.new]
        .iter()
        .flat_map(|doc| {
            doc["components"]["schemas"]
                .as_object()
                .into_iter()
                .flatten()
        })
        .map(|(name, _)| name.clone())
        .filter(|name| !docs.users.single(name))
        .collect();
    let mut lines = Vec::new();
    for name in names {
        let (a, b) = (
            &docs.old["components"]["schemas"][&name],
            &docs.new["components"]["schemas"][&name],
        );
        let mut changes = Vec::new();
        match (a.is_null(), b.is_null()) {
            (true, false) => changes.push(format!("schema `{name}` added")),
            (false, true) => changes.push(format!("schema `{name}` removed")),
            _ => {
                let label = format!("schema `{name}`");
                keyword_lines(docs, a, b, &label, 0, &mut BTreeSet::new(), &mut changes);
            }
        }
        lines.extend(changes.into_iter().map(|c| format!("components: {c}")));
    }
    lines
}

fn server_lines(old: &Value, new: &Value) -> Vec<String> {
    let servers = |doc: &Value| -> Vec<String> {
        doc["servers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["url"].as_str().map(str::to_string))
            .collect()
    };
    let (before, after) = (servers(old), servers(new));
    let mut lines = Vec::new();
    for url in after.iter().filter(|u| !before.contains(u)) {
        lines.push(format!("servers: `{url}` added"));
    }
    for url in before.iter().filter(|u| !after.contains(u)) {
        lines.push(format!("servers: `{url}` removed"));
    }
    lines
}

/// The operations a change applies to: one id, `every operation`, or the
/// ids with their common prefix written once (`graph_user{MemberOf,
/// TraverseSystem}`).
fn group_name(ids: &[String], total: usize) -> String {
    match ids {
        [one] => one.clone(),
        _ if ids.len() == total && total > 2 => format!("every operation ({total})"),
        _ => {
            let prefix = common_prefix(ids);
            if prefix.len() >= 6 {
                let rests: Vec<&str> = ids.iter().map(|id| &id[prefix.len()..]).collect();
                format!("{prefix}{{{}}}", rests.join(", "))
            } else {
                ids.join(", ")
            }
        }
    }
}

/// The longest prefix all `ids` share, cut before an upper-case letter or
/// after `_` so that words stay whole.
fn common_prefix(ids: &[String]) -> String {
    let first = ids.first().map(String::as_str).unwrap_or_default();
    let len = ids
        .iter()
        .map(|id| {
            first
                .bytes()
                .zip(id.bytes())
                .take_while(|(a, b)| a == b)
                .count()
        })
        .min()
        .unwrap_or(0);
    let bytes = first.as_bytes();
    let cut = (1..=len)
        .rev()
        .find(|&i| bytes.get(i).is_some_and(u8::is_ascii_uppercase) || bytes[i - 1] == b'_')
        .unwrap_or(0);
    first.get(..cut).unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_write_the_common_prefix_once() {
        let ids = [
            "graph_userMemberOf".to_string(),
            "graph_userTraverseSystem".into(),
        ];
        assert_eq!(group_name(&ids, 12), "graph_user{MemberOf, TraverseSystem}");
        let ids = [
            "graph_userTraverseSystem".to_string(),
            "graph_userTraverseSystemGroup".into(),
        ];
        assert_eq!(
            group_name(&ids, 12),
            "graph_userTraverse{System, SystemGroup}"
        );
        assert_eq!(
            group_name(&ids, 2),
            "graph_userTraverse{System, SystemGroup}"
        );
    }
}
