//! One function per kind of patch. Each states what upstream must look
//! like for it to apply; `Err` says what upstream looks like instead.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Marker, Outcome, Removal, Work};
use crate::sync::extract::add_component;
use crate::sync::tree::{
    METHODS, Pointer, component_ref, get_mut, pointer, ref_of, remove_keywords, rewrite_refs,
};

type Applied = Result<Outcome, String>;

pub(super) fn set_info(work: &mut Work<'_>, m: &Marker, info: &Value) -> Applied {
    work.doc["info"] = info.clone();
    work.note(pointer(&["info"]), m.differs.clone());
    Ok(Outcome::applied())
}

pub(super) fn replace_servers(
    work: &mut Work<'_>,
    m: &Marker,
    upstream: &[String],
    servers: &[Value],
) -> Applied {
    let found: Vec<String> = work.doc["servers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("url").and_then(Value::as_str).map(str::to_string))
        .collect();
    if found != upstream {
        return Err(format!(
            "upstream lists the servers {found:?}, not {upstream:?}; review the fragment's \
             servers and the patch's `upstream` list"
        ));
    }
    work.doc["servers"] = Value::Array(servers.to_vec());
    work.note(pointer(&["servers"]), m.differs.clone());
    Ok(Outcome::applied())
}

pub(super) fn remove_parameters(
    work: &mut Work<'_>,
    m: &Marker,
    location: &str,
    names: &[String],
) -> Applied {
    let components = work.doc.get("components").cloned().unwrap_or(Value::Null);
    let matches = |p: &Value| {
        let resolved = match ref_of(p).and_then(component_ref) {
            Some((kind, name)) => components.get(kind).and_then(|c| c.get(name)),
            None => Some(p),
        };
        resolved.is_some_and(|p| {
            p.get("in").and_then(Value::as_str) == Some(location)
                && p.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| names.iter().any(|m| m.eq_ignore_ascii_case(n)))
        })
    };
    for item in crate::sync::walk::path_items(&mut work.doc) {
        for (key, value) in item.iter_mut() {
            let list = if key == "parameters" {
                Some(value)
            } else if METHODS.contains(&key.as_str()) {
                value.get_mut("parameters")
            } else {
                None
            };
            if let Some(Value::Array(list)) = list {
                list.retain(|p| !matches(p));
            }
        }
        item.retain(|key, v| key != "parameters" || v.as_array().is_some_and(|l| !l.is_empty()));
    }
    for op in work.operations_mut() {
        if op
            .get("parameters")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
        {
            op.remove("parameters");
        }
    }
    work.note(pointer(&["paths"]), m.differs.clone());
    Ok(Outcome::applied())
}

/// Removes keywords everywhere, and remembers to remove them from
/// components a later patch adds.
fn remove_everywhere(work: &mut Work<'_>, removal: Removal) {
    for section in ["paths", "components"] {
        if let Some(v) = work.doc.get_mut(section) {
            remove_keywords(v, &|key| removal.removes(key));
        }
    }
    work.removals.push(removal);
}

pub(super) fn remove_extensions(work: &mut Work<'_>, m: &Marker, keep: &[String]) -> Applied {
    remove_everywhere(work, Removal::Extensions(keep.to_vec()));
    work.note(pointer(&["paths"]), m.differs.clone());
    Ok(Outcome::applied())
}

pub(super) fn remove_examples(work: &mut Work<'_>, m: &Marker) -> Applied {
    remove_everywhere(work, Removal::Examples);
    work.note(pointer(&["paths"]), m.differs.clone());
    Ok(Outcome::applied())
}

pub(super) fn strip_sample_requests(work: &mut Work<'_>, m: &Marker, marker: &str) -> Applied {
    for op in work.operations_mut() {
        if let Some(Value::String(description)) = op.get_mut("description")
            && let Some(at) = description.find(marker)
        {
            description.truncate(at);
            let trimmed = description.trim_end().len();
            description.truncate(trimmed);
        }
    }
    work.note(pointer(&["paths"]), m.differs.clone());
    Ok(Outcome::applied())
}

pub(super) fn remove_error_responses(work: &mut Work<'_>, m: &Marker) -> Applied {
    for op in work.operations_mut() {
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            responses.retain(|status, _| matches!(status.chars().next(), Some('1' | '2' | '3')));
        }
    }
    work.note(pointer(&["paths"]), m.differs.clone());
    Ok(Outcome::applied())
}

pub(super) fn keep_schemas(work: &mut Work<'_>, m: &Marker, names: &[String]) -> Applied {
    for name in names {
        let Some(Value::Object(components)) = work.doc.get_mut("components") else {
            return Err("the fragment has no components object".into());
        };
        let before: Vec<String> = section_names(components, "schemas");
        add_component(work.upstream, components, "schemas", name, "the patch")
            .map_err(|_| format!("upstream no longer defines the schema `{name}`"))?;
        // Removals made by earlier patches apply to what this one adds.
        for added in section_names(components, "schemas")
            .into_iter()
            .filter(|n| !before.contains(n))
        {
            if let Some(schema) = components
                .get_mut("schemas")
                .and_then(|s| s.get_mut(&added))
            {
                for removal in &work.removals {
                    remove_keywords(schema, &|key| removal.removes(key));
                }
            }
        }
        work.keep.push(("schemas".into(), name.clone()));
        work.note(pointer(&["components", "schemas", name]), m.differs.clone());
    }
    Ok(Outcome::applied())
}

fn section_names(components: &Map<String, Value>, kind: &str) -> Vec<String> {
    components
        .get(kind)
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default()
}

pub(super) fn rename_components(
    work: &mut Work<'_>,
    m: &Marker,
    kinds: &BTreeMap<String, BTreeMap<String, String>>,
) -> Applied {
    let mut outcome = Outcome::default();
    for (kind, renames) in kinds {
        for (from, to) in renames {
            if rename_one(work, m, kind, from, to)? {
                outcome.applied = true;
            } else {
                outcome.unneeded.push(format!("`{from}` ({kind})"));
            }
        }
    }
    if !outcome.unneeded.is_empty() {
        let list = outcome.unneeded.join(", ");
        outcome.unneeded = vec![format!(
            "no operation of this input refers to {list} (the rendering writes them inline, or \
             upstream no longer has them)"
        )];
    }
    Ok(outcome)
}

/// Renames one component; `false` when the fragment has no such component.
fn rename_one(
    work: &mut Work<'_>,
    m: &Marker,
    kind: &str,
    from: &str,
    to: &str,
) -> Result<bool, String> {
    let Some(section) = work
        .doc
        .get_mut("components")
        .and_then(|c| c.get_mut(kind))
        .and_then(Value::as_object_mut)
    else {
        return Ok(false);
    };
    if !section.contains_key(from) {
        return Ok(false);
    }
    if section.contains_key(to) {
        return Err(format!(
            "`#/components/{kind}/{to}` exists upstream already; pick another name"
        ));
    }
    if let Some(value) = section.remove(from) {
        section.insert(to.to_string(), value);
    }
    let (old, new) = (
        format!("#/components/{kind}/{from}"),
        format!("#/components/{kind}/{to}"),
    );
    rewrite_refs(&mut work.doc, &mut |r: &mut String| {
        if *r == old {
            r.clone_from(&new);
        }
    });
    for kept in &mut work.keep {
        if kept.0 == kind && kept.1 == from {
            kept.1 = to.to_string();
        }
    }
    work.note(
        pointer(&["components", kind, to]),
        format!("DIFFERS ({}): upstream name `{from}`.", m.name),
    );
    Ok(true)
}

/// Where the query parameters named `name` are: components, path items
/// and operations (references are found through their component).
fn query_parameters(doc: &Value, name: &str) -> Vec<Pointer> {
    let is_it = |p: &Value| p["in"] == "query" && p["name"] == name;
    let mut sites = Vec::new();
    for (key, p) in doc["components"]["parameters"]
        .as_object()
        .into_iter()
        .flatten()
    {
        if is_it(p) {
            sites.push(pointer(&["components", "parameters", key]));
        }
    }
    for (route, item) in doc["paths"].as_object().into_iter().flatten() {
        for (key, value) in item.as_object().into_iter().flatten() {
            let (list, at) = if key == "parameters" {
                (value, vec![route.clone(), key.clone()])
            } else if METHODS.contains(&key.as_str()) {
                (
                    &value["parameters"],
                    vec![route.clone(), key.clone(), "parameters".into()],
                )
            } else {
                continue;
            };
            for (i, p) in list.as_array().into_iter().flatten().enumerate() {
                if is_it(p) {
                    let mut site = vec!["paths".to_string()];
                    site.extend(at.iter().cloned());
                    site.push(i.to_string());
                    sites.push(site);
                }
            }
        }
    }
    sites
}

/// The parameter at `site`, which must have an array schema.
fn array_parameter<'d>(
    doc: &'d mut Value,
    site: &Pointer,
    name: &str,
) -> Result<&'d mut Value, String> {
    let param = get_mut(doc, site).ok_or_else(|| format!("`{name}` vanished"))?;
    if param["schema"]["type"] != "array" {
        return Err(format!(
            "upstream's `{name}` (query) is no longer an array ({})",
            param.get("schema").cloned().unwrap_or(Value::Null)
        ));
    }
    Ok(param)
}

pub(super) fn explode_arrays(work: &mut Work<'_>, m: &Marker, names: &[String]) -> Applied {
    let mut outcome = Outcome::default();
    for name in names {
        let sites = query_parameters(&work.doc, name);
        if sites.is_empty() {
            outcome
                .unneeded
                .push(format!("no operation has a query parameter `{name}`"));
        }
        for site in sites {
            let param = array_parameter(&mut work.doc, &site, name)?;
            let explode = param
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(param.get("style").is_none_or(|s| s == "form"));
            if explode {
                outcome.unneeded.push(format!(
                    "upstream already sends `{name}` as repeated parameters (explode: true) at {}",
                    site_name(&site)
                ));
                continue;
            }
            param["style"] = json!("form");
            param["explode"] = json!(true);
            let mut at = site.clone();
            at.push("explode".into());
            work.note(at, m.differs.clone());
            outcome.applied = true;
        }
    }
    Ok(outcome)
}

/// `#/components/parameters/filter`, or `GET /path` for an inline one.
fn site_name(site: &Pointer) -> String {
    match site.as_slice() {
        [components, kind, name] if components == "components" => {
            format!("`#/components/{kind}/{name}`")
        }
        [_, route, method, ..] if METHODS.contains(&method.as_str()) => {
            format!("{} {route}", method.to_uppercase())
        }
        [_, route, ..] => format!("the path item {route}"),
        _ => site.join("/"),
    }
}

pub(super) fn array_to_string(work: &mut Work<'_>, m: &Marker, names: &[String]) -> Applied {
    let mut outcome = Outcome::default();
    for name in names {
        let sites = query_parameters(&work.doc, name);
        if sites.is_empty() {
            outcome
                .unneeded
                .push(format!("no operation has a query parameter `{name}`"));
        }
        for site in sites {
            let param = array_parameter(&mut work.doc, &site, name)?;
            if let Value::Object(param) = param {
                param.remove("style");
                param.remove("explode");
                param.insert("schema".into(), json!({ "type": "string" }));
            }
            let mut at = site.clone();
            at.push("schema".into());
            work.note(at, m.differs.clone());
            outcome.applied = true;
        }
    }
    Ok(outcome)
}

pub(super) fn nullable_refs(work: &mut Work<'_>, m: &Marker, properties: &[String]) -> Applied {
    let mut outcome = Outcome::default();
    for property in properties {
        let at = property_pointer(property)?;
        let value = get_mut(&mut work.doc, &at)
            .ok_or_else(|| format!("upstream has no property `{property}`"))?;
        if value["nullable"] == true {
            outcome
                .unneeded
                .push(format!("upstream's `{property}` may be null already"));
            continue;
        }
        let Some(reference) = plain_ref(value) else {
            return Err(format!(
                "upstream's `{property}` is no longer a plain `$ref` ({value})"
            ));
        };
        *value = json!({ "allOf": [{ "$ref": reference }], "nullable": true });
        work.note(at, m.differs.clone());
        outcome.applied = true;
    }
    Ok(outcome)
}

pub(super) fn replace_property(
    work: &mut Work<'_>,
    m: &Marker,
    property: &str,
    upstream_ref: &str,
    schema: &Value,
    keep: Option<&str>,
) -> Applied {
    let at = property_pointer(property)?;
    let value = get_mut(&mut work.doc, &at)
        .ok_or_else(|| format!("upstream has no property `{property}`"))?;
    let expected = format!("#/components/schemas/{upstream_ref}");
    if plain_ref(value).as_deref() != Some(expected.as_str()) {
        return Err(format!(
            "upstream's `{property}` is no longer `$ref: '{expected}'` ({value})"
        ));
    }
    *value = schema.clone();
    if let Some(keep) = keep {
        work.keep.push(("schemas".into(), keep.to_string()));
    }
    work.note(at, m.differs.clone());
    Ok(Outcome::applied())
}

pub(super) fn describe(
    work: &mut Work<'_>,
    m: &Marker,
    operations: &[String],
    upstream_prefix: &str,
    description: &str,
) -> Applied {
    for id in operations {
        // An operation upstream lacks is reported once, as missing.
        let Some(here) = work.located.get(id).cloned() else {
            continue;
        };
        let at = pointer(&["paths", &here.path, &here.method, "description"]);
        let value = get_mut(&mut work.doc, &at)
            .ok_or_else(|| format!("`{id}` has no description upstream"))?;
        if !value
            .as_str()
            .is_some_and(|d| d.starts_with(upstream_prefix))
        {
            return Err(format!(
                "upstream's description of `{id}` no longer starts with {upstream_prefix:?}: \
                 review it and the shared text"
            ));
        }
        *value = Value::String(description.to_string());
        work.note(at, m.differs.clone());
    }
    Ok(Outcome::applied())
}

/// `Schema.property` as a location in the document.
fn property_pointer(property: &str) -> Result<Pointer, String> {
    let (schema, name) = property
        .split_once('.')
        .ok_or_else(|| format!("`{property}` is not `Schema.property`"))?;
    Ok(pointer(&[
        "components",
        "schemas",
        schema,
        "properties",
        name,
    ]))
}

/// The target of a schema that is nothing but a `$ref`.
fn plain_ref(value: &Value) -> Option<String> {
    let map = value.as_object()?;
    (map.len() == 1).then(|| ref_of(value).map(str::to_string))?
}
