//! New members of the family: upstream operations under `/users/{user_id}/`
//! that the fragment lacks but that belong with it, because they traverse
//! the graph (a list of objects with `paths`) or change a user's
//! associations (a body with `op` add/remove and `id`). JumpCloud adds such
//! endpoints every year or two; `/users/{user_id}/activedirectories` is
//! one. Other user endpoints (push endpoints, policy statuses) are not
//! listed.

use serde_json::Value;

use super::extract::Located;
use super::locate::template;
use super::tree::{METHODS, component_ref, ref_of};

/// References are followed this many times at most per lookup.
const MAX_HOPS: usize = 16;

/// An upstream operation that belongs with the fragment's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Where it is.
    pub label: String,
    /// Upstream's operationId, if it has one.
    pub upstream_id: Option<String>,
    /// `a traversal` or `an association change`.
    pub kind: &'static str,
}

impl Member {
    /// One report line.
    pub fn line(&self) -> String {
        let id = self.upstream_id.as_deref().map_or_else(
            || "no operationId".to_string(),
            |id| format!("upstream id {id}"),
        );
        format!(
            "{} ({id}): {} the fragment does not hold; add its id to `operations` in {} to \
             include it",
            self.label,
            self.kind,
            super::DEVIATIONS
        )
    }
}

/// The operations under `/users/{user_id}/` in `upstream` that traverse or
/// change associations and are not at any of `held`.
pub(crate) fn new_members(upstream: &Value, held: &[Located]) -> Vec<Member> {
    let held: Vec<(String, String)> = held
        .iter()
        .map(|l| (l.method.clone(), template(&l.path)))
        .collect();
    let mut found = Vec::new();
    for (route, item) in upstream["paths"].as_object().into_iter().flatten() {
        if !template(route).starts_with("/users/{}/") {
            continue;
        }
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            if held.contains(&(method.to_string(), template(route))) {
                continue;
            }
            let kind = if method == "get" && lists_graph_objects(upstream, op) {
                "a traversal"
            } else if method != "get" && changes_associations(upstream, op) {
                "an association change"
            } else {
                continue;
            };
            found.push(Member {
                label: format!("{} {route}", method.to_uppercase()),
                upstream_id: op["operationId"].as_str().map(str::to_string),
                kind,
            });
        }
    }
    found
}

/// Follows `$ref`s at the top of `value`, a bounded number of times.
fn resolve<'d>(doc: &'d Value, mut value: &'d Value) -> &'d Value {
    for _ in 0..MAX_HOPS {
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

/// Whether `schema` (or one of its `allOf` parts) has property `name`.
fn has_property<'d>(doc: &'d Value, schema: &'d Value, name: &str) -> Option<&'d Value> {
    let schema = resolve(doc, schema);
    if let Some(p) = schema["properties"].get(name) {
        return Some(resolve(doc, p));
    }
    schema["allOf"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|part| {
            let part = resolve(doc, part);
            part["properties"].get(name).map(|p| resolve(doc, p))
        })
}

/// The JSON schema of a response or request body.
fn json_schema<'d>(doc: &'d Value, holder: &'d Value) -> &'d Value {
    let holder = resolve(doc, holder);
    holder["content"]
        .as_object()
        .and_then(|c| c.iter().find(|(media, _)| media.contains("json")))
        .map_or(&Value::Null, |(_, m)| &m["schema"])
}

fn lists_graph_objects(doc: &Value, op: &Value) -> bool {
    let Some(ok) = op["responses"]
        .as_object()
        .and_then(|r| r.iter().find(|(status, _)| status.starts_with('2')))
    else {
        return false;
    };
    let list = resolve(doc, json_schema(doc, ok.1));
    list["type"] == "array" && has_property(doc, &list["items"], "paths").is_some()
}

fn changes_associations(doc: &Value, op: &Value) -> bool {
    let body = json_schema(doc, &op["requestBody"]);
    let op_values = has_property(doc, body, "op").map(|op| &op["enum"]);
    has_property(doc, body, "id").is_some()
        && op_values.is_some_and(|values| {
            values.as_array().is_some_and(|v| {
                v.contains(&Value::from("add")) && v.contains(&Value::from("remove"))
            })
        })
}
