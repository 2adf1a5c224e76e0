//! `$ref` cycles among an OpenAPI document's components. A component that
//! refers back to itself, directly (`A: {$ref: A}`) or through others, is
//! refused by `sync` and `generate` alike: progenitor overflows its stack
//! on alias cycles, and the fragment needs no recursive schema. The search
//! is iterative, so a hostile chain of a million references cannot
//! overflow the stack either.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// A component: kind (`schemas`, `parameters`, ...) and name.
pub(crate) type Component = (String, String);

/// At most this many cycles are named in one message.
const MAX_CYCLES: usize = 10;

/// `(kind, name)` of a local component reference such as
/// `#/components/schemas/GraphType`.
pub(crate) fn component_ref(reference: &str) -> Option<(&str, &str)> {
    let rest = reference.strip_prefix("#/components/")?;
    rest.split_once('/')
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

/// The cycles among `components` (a document's `components` object)
/// reachable from `roots`, or from every component when `roots` is `None`;
/// each cycle as its references in order, the first repeated at the end.
pub(crate) fn cycles(components: &Value, roots: Option<Vec<Component>>) -> Vec<Vec<String>> {
    let roots = roots.unwrap_or_else(|| all_components(components));
    let mut search = Search {
        components,
        state: BTreeMap::new(),
        found: Vec::new(),
        seen: BTreeSet::new(),
    };
    for root in roots {
        if search.found.len() >= MAX_CYCLES {
            break;
        }
        search.from(root);
    }
    search.found
}

/// The message naming `cycles`, one per line after the first.
pub(crate) fn describe(cycles: &[Vec<String>]) -> String {
    let lines: Vec<String> = cycles.iter().map(|c| shortened(c)).collect();
    format!(
        "a `$ref` cycle (a component that refers back to itself; the fragment needs none): {}",
        lines.join("; ")
    )
}

/// A cycle's references joined by arrows, the middle of a long one left
/// out.
fn shortened(cycle: &[String]) -> String {
    const SHOWN: usize = 8;
    if cycle.len() <= SHOWN {
        return cycle.join(" -> ");
    }
    format!(
        "{} -> ({} more) -> {}",
        cycle[..SHOWN / 2].join(" -> "),
        cycle.len() - SHOWN,
        cycle[cycle.len() - SHOWN / 2..].join(" -> ")
    )
}

fn all_components(components: &Value) -> Vec<Component> {
    let mut out = Vec::new();
    for (kind, section) in components.as_object().into_iter().flatten() {
        for name in section.as_object().into_iter().flatten().map(|(k, _)| k) {
            out.push((kind.clone(), name.clone()));
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    OnPath,
    Done,
}

struct Search<'d> {
    components: &'d Value,
    state: BTreeMap<Component, State>,
    found: Vec<Vec<String>>,
    /// Cycles already found, as sorted member sets.
    seen: BTreeSet<Vec<Component>>,
}

impl Search<'_> {
    /// The components `node` refers to that exist.
    fn edges(&self, node: &Component) -> Vec<Component> {
        let Some(value) = self.components.get(&node.0).and_then(|s| s.get(&node.1)) else {
            return Vec::new();
        };
        let mut all = Vec::new();
        refs(value, &mut all);
        let mut out: Vec<Component> = Vec::new();
        for reference in all {
            if let Some((kind, name)) = component_ref(&reference)
                && self
                    .components
                    .get(kind)
                    .and_then(|s| s.get(name))
                    .is_some()
            {
                let edge = (kind.to_string(), name.to_string());
                if !out.contains(&edge) {
                    out.push(edge);
                }
            }
        }
        out
    }

    /// Depth-first from `root`, with an explicit stack.
    fn from(&mut self, root: Component) {
        if self.state.contains_key(&root) {
            return;
        }
        let edges = self.edges(&root);
        self.state.insert(root.clone(), State::OnPath);
        let mut stack: Vec<(Component, Vec<Component>, usize)> = vec![(root, edges, 0)];
        while let Some((node, edges, next)) = stack.last_mut() {
            let Some(edge) = edges.get(*next).cloned() else {
                self.state.insert(node.clone(), State::Done);
                stack.pop();
                continue;
            };
            *next += 1;
            match self.state.get(&edge) {
                Some(State::Done) => {}
                Some(State::OnPath) => self.record(&stack, &edge),
                None => {
                    let edges = self.edges(&edge);
                    self.state.insert(edge.clone(), State::OnPath);
                    stack.push((edge, edges, 0));
                }
            }
        }
    }

    /// The cycle closed by an edge back to `to`, which is on the path.
    fn record(&mut self, stack: &[(Component, Vec<Component>, usize)], to: &Component) {
        if self.found.len() >= MAX_CYCLES {
            return;
        }
        let start = stack.iter().position(|(n, _, _)| n == to).unwrap_or(0);
        let members: Vec<Component> = stack[start..].iter().map(|(n, _, _)| n.clone()).collect();
        let mut key = members.clone();
        key.sort();
        if !self.seen.insert(key) {
            return;
        }
        let mut cycle: Vec<String> = members
            .iter()
            .map(|(kind, name)| format!("#/components/{kind}/{name}"))
            .collect();
        cycle.push(format!("#/components/{}/{}", to.0, to.1));
        self.found.push(cycle);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn self_references_alias_cycles_and_recursion_are_found() {
        let components = json!({
            "schemas": {
                "Self": { "$ref": "#/components/schemas/Self" },
                "A": { "$ref": "#/components/schemas/B" },
                "B": { "allOf": [{ "$ref": "#/components/schemas/A" }] },
                "Tree": { "properties": { "child": { "$ref": "#/components/schemas/Tree" } } },
                "Fine": { "properties": { "a": { "$ref": "#/components/schemas/Leaf" } } },
                "Leaf": { "type": "string" },
            },
            "parameters": { "P": { "$ref": "#/components/parameters/P" } },
        });
        let found = cycles(&components, None);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found.contains(&vec![
            "#/components/schemas/A".to_string(),
            "#/components/schemas/B".into(),
            "#/components/schemas/A".into()
        ]));
        let only_fine = cycles(&components, Some(vec![("schemas".into(), "Fine".into())]));
        assert!(only_fine.is_empty());
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        let mut schemas = serde_json::Map::new();
        for i in 0..200_000 {
            schemas.insert(
                format!("S{i}"),
                json!({ "$ref": format!("#/components/schemas/S{}", (i + 1) % 200_000) }),
            );
        }
        let found = cycles(&json!({ "schemas": schemas }), None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), 200_001);
        assert!(describe(&found).contains("-> (199993 more) ->"));
    }
}
