//! Renderer differences with the same meaning, undone before anything is
//! patched or compared, so that every rendering of the same upstream gives
//! the same fragment and the report lists changes in meaning only.
//!
//! Each rule says which renderer makes the difference and why it means
//! nothing; the report has one line per rule that changed something.

use serde_json::{Map, Value, json};

use super::extract::add_component;
use super::tree::remove_keywords;
use super::walk;

/// What the rules changed, one report line per rule.
pub(crate) type Lines = Vec<String>;

/// How often each rule shared with [`for_comparison`] changed something.
#[derive(Default)]
struct SharedCounts {
    x_ms: usize,
    string_defaults: usize,
    additional_true: usize,
    required: usize,
}

/// Undoes renderer differences in `doc` (the fragment being built, with
/// the components its operations reach); `upstream` supplies components
/// that a renderer copied inline.
pub(crate) fn normalise(doc: &mut Value, upstream: &Value) -> Lines {
    let mut lines = Lines::new();
    let mut say = |count: usize, text: &str| {
        if count > 0 {
            lines.push(format!("{text} ({count})"));
        }
    };
    say(
        autorest_targets(doc),
        "`targets` (query) as one string with `enum` and `x-ms-enum` (JumpCloud's PowerShell \
         transform) read as the array of those values it stands for",
    );
    let counts = shared(doc);
    say(counts.x_ms, "AutoRest's `x-ms-` extensions dropped");
    say(
        counts.string_defaults,
        "defaults written as JSON text (`default: \"[]\"` on an array) read as their value",
    );
    say(
        counts.additional_true,
        "`additionalProperties: true` dropped: it is what an object allows anyway",
    );
    say(
        counts.required,
        "`required: false` written where a parameter or request body leaves it out",
    );
    let inlined = inline_generator_models(doc);
    if !inlined.is_empty() {
        lines.push(format!(
            "openapi-generator's inline models put back where they are used: {}",
            inlined.join(", ")
        ));
    }
    for (name, count) in references_for_copies(doc, upstream) {
        lines.push(format!(
            "inline copies of the schema `{name}` written as references to it ({count})"
        ));
    }
    drop_empty_content(doc);
    lines
}

/// The rules that also apply to a checked-in fragment before it is
/// compared with a new one: they change nothing in a fragment `sync`
/// wrote, and make one written otherwise comparable.
pub(crate) fn for_comparison(doc: &mut Value) {
    shared(doc);
}

fn shared(doc: &mut Value) -> SharedCounts {
    let mut counts = SharedCounts::default();
    let x_ms = |key: &str| key.starts_with("x-ms-");
    for section in ["paths", "components"] {
        if let Some(v) = doc.get_mut(section) {
            counts.x_ms += remove_keywords(v, &x_ms);
        }
    }
    walk::schemas(doc, &mut |schema, _| {
        counts.string_defaults += usize::from(string_default(schema));
        if schema.get("additionalProperties") == Some(&Value::Bool(true)) {
            schema.remove("additionalProperties");
            counts.additional_true += 1;
        }
    });
    walk::parameters(doc, &mut |p| {
        if !p.contains_key("required") {
            let in_path = p.get("in").and_then(Value::as_str) == Some("path");
            p.insert("required".into(), Value::Bool(in_path));
            counts.required += 1;
        }
    });
    walk::request_bodies(doc, &mut |body| {
        if !body.contains_key("required") {
            body.insert("required".into(), Value::Bool(false));
            counts.required += 1;
        }
    });
    counts
}

/// openapi-generator writes array and object defaults as JSON text
/// (`default: "[]"`); a default whose text parses to the schema's type is
/// that value.
fn string_default(schema: &mut Map<String, Value>) -> bool {
    let (Some(Value::String(text)), Some(kind)) = (
        schema.get("default"),
        schema.get("type").and_then(Value::as_str),
    ) else {
        return false;
    };
    let parsed: Option<Value> = serde_json::from_str(text).ok();
    let fits = match (&parsed, kind) {
        (Some(Value::Array(_)), "array") | (Some(Value::Object(_)), "object") => true,
        (Some(Value::Bool(_)), "boolean") => true,
        (Some(Value::Number(n)), "integer") => n.is_i64() || n.is_u64(),
        (Some(Value::Number(_)), "number") => true,
        _ => false,
    };
    if let (true, Some(value)) = (fits, parsed) {
        schema.insert("default".into(), value);
    }
    fits
}

/// JumpCloud's PowerShell transform (ApiTransform.ps1) turns every query
/// parameter named `targets` from an array of an enum into one string with
/// that enum and AutoRest's `x-ms-enum`; the parameter is read back as the
/// array, comma-joined as Swagger 2.0 arrays are by default.
fn autorest_targets(doc: &mut Value) -> usize {
    let mut count = 0;
    walk::parameters(doc, &mut |p| {
        let marked = p.contains_key("x-ms-enum")
            || p.get("schema").and_then(|s| s.get("x-ms-enum")).is_some();
        let Some(Value::Object(schema)) = p.get_mut("schema") else {
            return;
        };
        let is_string_enum =
            schema.get("type") == Some(&json!("string")) && schema.contains_key("enum");
        if !(marked && is_string_enum) {
            return;
        }
        let Some(values) = schema.remove("enum") else {
            return;
        };
        schema.remove("x-ms-enum");
        schema.insert("type".into(), json!("array"));
        schema.insert("items".into(), json!({ "type": "string", "enum": values }));
        p.insert("style".into(), json!("form"));
        p.insert("explode".into(), json!(false));
        count += 1;
    });
    count
}

/// openapi-generator moves inline objects into components named after
/// where they were (`GraphOperation_User_allOf`, `GraphAttribute_Sudo_sudo`,
/// `..._inner`); they are put back inline, so the generated types are named
/// as upstream's shape names them. A component is taken for one when its
/// name is another component's name (with `-` as `_`) followed by `_`.
fn inline_generator_models(doc: &mut Value) -> Vec<String> {
    let names: Vec<String> = walk::section(doc, "schemas")
        .flat_map(|m| m.keys().cloned().collect::<Vec<_>>())
        .collect();
    let models: Vec<String> = names
        .iter()
        .filter(|name| {
            names.iter().any(|parent| {
                *parent != **name && name.starts_with(&format!("{}_", parent.replace('-', "_")))
            })
        })
        .cloned()
        .collect();
    let mut inlined = Vec::new();
    // The components reachable from the operations have no cycles, so
    // every pass replaces one level of references and this many suffice.
    for _ in 0..=models.len() {
        let values: Vec<(String, Value)> = models
            .iter()
            .filter_map(|m| {
                let mut value = doc["components"]["schemas"].get(m)?.clone();
                // The generator adds `type: object` beside the `allOf` it
                // moves out; the parts say what the value is.
                if let Value::Object(map) = &mut value
                    && map.contains_key("allOf")
                    && !map.contains_key("properties")
                    && map.get("type") == Some(&json!("object"))
                {
                    map.remove("type");
                }
                Some((format!("#/components/schemas/{m}"), value))
            })
            .collect();
        let mut replaced = false;
        replace_refs(doc, &values, &mut |reference| {
            replaced = true;
            let name = reference.rsplit('/').next().unwrap_or_default().to_string();
            if !inlined.contains(&name) {
                inlined.push(name);
            }
        });
        if !replaced {
            break;
        }
    }
    inlined.sort();
    inlined
}

/// Replaces every `{$ref: r}` below `value` whose `r` is in `values` by a
/// copy of its value.
fn replace_refs(value: &mut Value, values: &[(String, Value)], seen: &mut impl FnMut(&str)) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str)
                && let Some((r, target)) = values.iter().find(|(r, _)| r == reference)
            {
                seen(r);
                *value = target.clone();
                return;
            }
            map.values_mut().for_each(|v| replace_refs(v, values, seen));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| replace_refs(v, values, seen)),
        _ => {}
    }
}

/// Some renderings copy a small component where it is used instead of
/// referring to it (BATON23 writes `GraphAttributes` out in three
/// properties). An inline schema whose `title` names an upstream component
/// and that equals it, once normalised, becomes a reference to it.
fn references_for_copies(doc: &mut Value, upstream: &Value) -> Vec<(String, usize)> {
    let mut found: Vec<(String, usize)> = Vec::new();
    walk::schemas(doc, &mut |schema, is_component| {
        if is_component {
            return;
        }
        let Some(name) = copied_component(schema, upstream) else {
            return;
        };
        schema.clear();
        schema.insert("$ref".into(), json!(format!("#/components/schemas/{name}")));
        match found.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => found.push((name, 1)),
        }
    });
    for (name, _) in &found {
        if let Some(Value::Object(components)) = doc.get_mut("components") {
            // The component was there upstream; its own references were
            // checked for cycles with the rest of upstream's components.
            let _ = add_component(upstream, components, "schemas", name, "a copied schema");
        }
    }
    if !found.is_empty() {
        let _ = shared(doc);
    }
    found
}

/// The upstream component `schema` is a copy of, if any.
fn copied_component(schema: &Map<String, Value>, upstream: &Value) -> Option<String> {
    let title = schema.get("title")?.as_str()?;
    if schema.contains_key("$ref") {
        return None;
    }
    let components = upstream["components"]["schemas"].as_object()?;
    let candidates = components.iter().filter(|(name, value)| {
        name.as_str() == title || value.get("title").and_then(Value::as_str) == Some(title)
    });
    for (name, value) in candidates {
        let mut wrapped = json!({ "components": { "schemas": { "x": value.clone() } } });
        let mut copy =
            json!({ "components": { "schemas": { "x": Value::Object(schema.clone()) } } });
        shared(&mut wrapped);
        shared(&mut copy);
        if wrapped == copy {
            return Some(name.clone());
        }
    }
    None
}

/// `content: {}` on a response (openapi-generator writes it for 204) means
/// no body, as no `content` does; the fragment leaves it out.
fn drop_empty_content(doc: &mut Value) {
    let empty = |r: &mut Value| {
        if let Value::Object(r) = r
            && r.get("content").is_some_and(|c| c == &json!({}))
        {
            r.remove("content");
        }
    };
    for section in walk::section(doc, "responses") {
        section.values_mut().for_each(empty);
    }
    for item in walk::path_items(doc) {
        for op in walk::operations(item) {
            if let Some(Value::Object(responses)) = op.get_mut("responses") {
                responses.values_mut().for_each(empty);
            }
        }
    }
}
