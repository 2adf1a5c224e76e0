//! Finding the fragment's operations in upstream by method and path, with
//! the operationId as a hint: renderings rename ids (JumpCloud's
//! PowerShell transform calls `graph_userTraverseSystem`
//! `UserTraverseSystem_Get`), and the fragment keeps its own so that the
//! generated API does not churn with a renderer.
//!
//! An operation is looked for, in order: where the checked-in fragment (or
//! its pinned definition) has it; by its operationId; by its operationId
//! compared loosely (case, a `graph_` prefix and an AutoRest `_Get`-style
//! suffix ignored), which finds a new traversal in a renamed rendering.

use std::collections::BTreeMap;

use serde_json::Value;

use super::extract::Located;
use super::tree::METHODS;

/// Where the fragment's operations are, and what upstream calls them.
#[derive(Debug, Default)]
pub(crate) struct Matched {
    /// Our operationId to where upstream has it.
    pub located: BTreeMap<String, Located>,
    /// Report lines: ids upstream spells differently, operations moved.
    pub renamed: Vec<String>,
    /// Our operationIds upstream has nowhere.
    pub missing: Vec<String>,
    /// Matches that cannot be told apart.
    pub problems: Vec<String>,
}

/// One operation of upstream.
struct Candidate {
    located: Located,
    id: Option<String>,
}

/// Finds each of `wanted` in `upstream`; `known` says where the fragment
/// has them now.
pub(crate) fn locate(
    upstream: &Value,
    wanted: &[String],
    known: &BTreeMap<String, Located>,
) -> Matched {
    let candidates = candidates(upstream);
    let mut matched = Matched::default();
    let mut taken: BTreeMap<usize, String> = BTreeMap::new();
    for id in wanted {
        let found = by_location(&candidates, known.get(id))
            .or_else(|| by_id(&candidates, id, &mut matched.problems, false))
            .or_else(|| by_id(&candidates, id, &mut matched.problems, true));
        let Some(index) = found else {
            matched.missing.push(id.clone());
            continue;
        };
        if let Some(other) = taken.insert(index, id.clone()) {
            let here = &candidates[index].located;
            matched.problems.push(format!(
                "`{other}` and `{id}` both match {}; give one of them its own place in the \
                 checked-in fragment",
                here.label()
            ));
            continue;
        }
        let candidate = &candidates[index];
        matched
            .renamed
            .extend(rename_line(id, candidate, known.get(id)));
        matched
            .located
            .insert(id.clone(), candidate.located.clone());
    }
    matched
}

/// Every operation of `upstream`, in document order.
fn candidates(upstream: &Value) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (route, item) in upstream["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(op) = item.get(method).filter(|op| op.is_object()) else {
                continue;
            };
            out.push(Candidate {
                located: Located {
                    path: route.clone(),
                    method: method.to_string(),
                },
                id: op["operationId"].as_str().map(str::to_string),
            });
        }
    }
    out
}

fn by_location(candidates: &[Candidate], known: Option<&Located>) -> Option<usize> {
    let known = known?;
    candidates.iter().position(|c| {
        c.located.method == known.method && template(&c.located.path) == template(&known.path)
    })
}

/// The candidate whose id is `id` (or loosely `id`); two such are a
/// problem.
fn by_id(
    candidates: &[Candidate],
    id: &str,
    problems: &mut Vec<String>,
    loosely: bool,
) -> Option<usize> {
    let key = |s: &str| if loosely { loose(s) } else { s.to_string() };
    let wanted = key(id);
    let hits: Vec<usize> = candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.id.as_deref().is_some_and(|c| key(c) == wanted))
        .map(|(i, _)| i)
        .collect();
    match hits.as_slice() {
        [] => None,
        [one] => Some(*one),
        many => {
            let labels: Vec<String> = many
                .iter()
                .map(|i| candidates[*i].located.label())
                .collect();
            problems.push(format!(
                "upstream has several operations `{id}` could be: {}",
                labels.join(", ")
            ));
            None
        }
    }
}

/// A path template with its parameter names left out, so that
/// `/users/{id}/systems` is where `/users/{user_id}/systems` was.
pub(crate) fn template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push('{');
            }
            '}' => {
                in_name = false;
                out.push('}');
            }
            _ if in_name => {}
            _ => out.push(c),
        }
    }
    out
}

/// An operationId without case, a `graph_` prefix or an AutoRest verb
/// suffix (`_Get`, `_Set`, `_List`, ...).
fn loose(id: &str) -> String {
    let id = id.to_ascii_lowercase();
    let id = id.strip_prefix("graph_").unwrap_or(&id);
    let id = [
        "_get", "_set", "_list", "_post", "_create", "_delete", "_update",
    ]
    .iter()
    .find_map(|suffix| id.strip_suffix(suffix))
    .unwrap_or(id);
    id.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// What the report says about an operation found elsewhere or under
/// another name.
fn rename_line(id: &str, candidate: &Candidate, known: Option<&Located>) -> Option<String> {
    let here = &candidate.located;
    let moved = known.filter(|k| k != &here).map(|k| {
        format!(
            "{id}: moved from {} to {} upstream",
            k.label(),
            here.label()
        )
    });
    match candidate.id.as_deref() {
        Some(theirs) if theirs == id => moved,
        Some(theirs) => Some(format!(
            "upstream calls {id} {theirs} ({}); the fragment keeps {id}",
            here.label()
        )),
        None => Some(format!(
            "upstream gives {id} no operationId ({}); the fragment keeps {id}",
            here.label()
        )),
    }
}

/// Where the operations of a fragment are, by operationId.
pub(crate) fn known_locations(fragment: &Value) -> BTreeMap<String, Located> {
    candidates(fragment)
        .into_iter()
        .filter_map(|c| Some((c.id?, c.located)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_ids_ignore_case_prefix_and_autorest_suffixes() {
        assert_eq!(
            loose("graph_userTraverseActiveDirectory"),
            loose("UserTraverseActiveDirectory_Get")
        );
        assert_ne!(
            loose("graph_userAssociationsList"),
            loose("UserAssociation_Get")
        );
        assert_eq!(template("/users/{user_id}/x/{id}"), "/users/{}/x/{}");
    }
}
