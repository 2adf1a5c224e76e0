//! Definitions kept in the deviations file for what upstream (or one
//! rendering of it) lacks: whole operations, used only while upstream
//! defines none, and parameters, added to the operations that lack them.

use serde_json::{Value, json};

use super::{Pinned, PinnedParameter, Work};
use crate::sync::extract::Located;
use crate::sync::tree::{component_ref, pointer, ref_of};

/// Inserts a pinned operation and its components.
pub(crate) fn insert_pinned(work: &mut Work<'_>, pinned: &Pinned) {
    let item = &mut work.doc["paths"][pinned.path.as_str()];
    if !item.is_object() {
        *item = json!({});
    }
    if !pinned.path_parameters.is_empty() {
        item["parameters"] = Value::Array(pinned.path_parameters.clone());
    }
    item[pinned.method.as_str()] = pinned.operation.clone();
    // Upstream's own component wins: the pin's stands in where the
    // rendering has none (one that inlines its parameters has no `xOrgId`).
    for (kind, entries) in &pinned.components {
        for (name, value) in entries {
            let section = &mut work.doc["components"][kind.as_str()];
            if section.get(name).is_none() {
                section[name.as_str()] = value.clone();
            }
            work.keep.push((kind.clone(), name.clone()));
        }
    }
    work.located.insert(
        pinned.operation_id.clone(),
        Located {
            path: pinned.path.clone(),
            method: pinned.method.clone(),
        },
    );
    let at = pointer(&["paths", &pinned.path, &pinned.method]);
    work.note(
        at.clone(),
        format!("PINNED ({}): {}", pinned.operation_id, pinned.summary),
    );
    for (key, comment) in &pinned.comments {
        let mut at = at.clone();
        at.push(key.clone());
        work.note(at, comment.clone());
    }
}

/// Adds each pinned parameter to the operations taken from upstream that
/// lack it; one report line per parameter added somewhere.
pub(crate) fn pin_parameters(work: &mut Work<'_>, pins: &[PinnedParameter]) -> Vec<String> {
    let mut lines = Vec::new();
    let total = work.located.len();
    for pin in pins {
        let lacking: Vec<(String, Located)> = work
            .located
            .iter()
            .filter(|(_, here)| !has_parameter(&work.doc, here, &pin.parameter))
            .map(|(id, here)| (id.clone(), here.clone()))
            .collect();
        for (_, here) in &lacking {
            add_parameter(work, here, pin);
        }
        if lacking.is_empty() {
            continue;
        }
        let which = if lacking.len() == total {
            format!("every operation ({total})")
        } else {
            let ids: Vec<&str> = lacking.iter().map(|(id, _)| id.as_str()).collect();
            ids.join(", ")
        };
        lines.push(format!(
            "{}: this input lacks it on {which}; the pinned definition in {} is used",
            pin.label(),
            crate::sync::DEVIATIONS
        ));
    }
    lines
}

/// Whether the operation at `here` (or its path item) has a parameter
/// with the name and location of `wanted`.
fn has_parameter(doc: &Value, here: &Located, wanted: &Value) -> bool {
    let item = &doc["paths"][here.path.as_str()];
    let lists = [
        &item["parameters"],
        &item[here.method.as_str()]["parameters"],
    ];
    lists
        .into_iter()
        .flat_map(|list| list.as_array().into_iter().flatten())
        .map(|p| match ref_of(p).and_then(component_ref) {
            Some((kind, name)) => &doc["components"][kind][name],
            None => p,
        })
        .any(|p| {
            p["in"] == wanted["in"]
                && p["name"]
                    .as_str()
                    .zip(wanted["name"].as_str())
                    .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b))
        })
}

fn add_parameter(work: &mut Work<'_>, here: &Located, pin: &PinnedParameter) {
    let op = &mut work.doc["paths"][here.path.as_str()][here.method.as_str()];
    let Some(op) = op.as_object_mut() else { return };
    let list = op.entry("parameters").or_insert_with(|| json!([]));
    let Some(list) = list.as_array_mut() else {
        return;
    };
    list.push(pin.parameter.clone());
    let index = (list.len() - 1).to_string();
    let name = pin.parameter["name"].as_str().unwrap_or("?").to_string();
    work.note(
        pointer(&["paths", &here.path, &here.method, "parameters", &index]),
        format!("PINNED ({name}): {}", pin.summary),
    );
}
