//! The deliberate differences from upstream, as data: `openapi/deviations.yaml`
//! names each patch, says why it exists, and says exactly what it changes.
//! A patch that no longer fits upstream's shape is an error naming it.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::SyncError;
use super::extract::{Located, add_component};
use super::tree::{Pointer, get_mut, pointer, ref_of, remove_keywords, rewrite_refs};

/// The contents of `openapi/deviations.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Deviations {
    /// The operationIds the fragment holds, in the fragment's order.
    pub operations: Vec<String>,
    /// The opening paragraphs of the fragment's header comment.
    pub header: String,
    /// Facts about the fragment that are not patches (assumptions, sources).
    #[serde(default)]
    pub notes: Vec<Note>,
    /// The patches, applied in this order.
    pub patches: Vec<Patch>,
    /// Operations defined here, used only while upstream defines none.
    #[serde(default)]
    pub pinned: Vec<Pinned>,
}

/// A fact the header states.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Note {
    /// A short name.
    pub name: String,
    /// The text.
    pub text: String,
}

/// One named deviation.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Patch {
    /// The name the fragment's comments use, e.g. `repeated-filter-and-targets`.
    pub name: String,
    /// One line, written as a comment where the patch applies.
    pub summary: String,
    /// Why, written in the fragment's header.
    pub reason: String,
    /// What it changes.
    #[serde(flatten)]
    pub action: Action,
}

/// What a patch changes. Each kind states what upstream must look like for
/// it to apply.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", rename_all_fields = "kebab-case")]
pub enum Action {
    /// Replaces `info` (the fragment describes itself, not the whole API).
    SetInfo(Value),
    /// Replaces `servers`; upstream must list exactly `upstream`.
    ReplaceServers {
        /// The server URLs upstream is expected to list.
        upstream: Vec<String>,
        /// The fragment's servers.
        servers: Vec<Value>,
    },
    /// Removes the parameters in `location` with these names (any case),
    /// wherever an operation has them.
    RemoveParameters {
        /// `header`, `query`, ...
        location: String,
        /// The names.
        names: Vec<String>,
    },
    /// Removes `x-` extensions other than `keep` from operations and
    /// components.
    RemoveExtensions {
        /// The extensions that stay.
        keep: Vec<String>,
    },
    /// Cuts operation descriptions at `marker`.
    StripSampleRequests {
        /// Where the samples start.
        marker: String,
    },
    /// Removes `example`/`examples` from operations and components.
    RemoveExamples {},
    /// Removes 4xx, 5xx and `default` responses from operations.
    RemoveErrorResponses {},
    /// Keeps these upstream schemas although no operation references them.
    KeepSchemas(Vec<String>),
    /// Renames components: kind (`parameters`, `schemas`, ...) to a map of
    /// upstream name to fragment name. Every upstream name must be in use.
    RenameComponents(BTreeMap<String, BTreeMap<String, String>>),
    /// These parameter components (array, `explode: false` upstream) are
    /// sent as repeated parameters.
    ExplodeArrays(Vec<String>),
    /// These parameter components (array upstream) become one string.
    ArrayToString(Vec<String>),
    /// These properties (`Schema.property`, a plain `$ref` upstream) may be
    /// `null`.
    NullableRefs(Vec<String>),
    /// Replaces a property that upstream declares as `$ref` to
    /// `upstream-ref`.
    ReplaceProperty {
        /// `Schema.property`.
        property: String,
        /// The schema upstream's property refers to.
        upstream_ref: String,
        /// The fragment's schema for the property.
        schema: Value,
        /// A schema to keep although the property no longer references it.
        #[serde(default)]
        keep: Option<String>,
    },
    /// Gives these operations one description; upstream's must start with
    /// `upstream-prefix`.
    Describe {
        /// The operationIds.
        operations: Vec<String>,
        /// How upstream's descriptions start.
        upstream_prefix: String,
        /// The shared description.
        description: String,
    },
}

/// An operation defined in the deviations file, used only while upstream
/// lacks one with its operationId.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Pinned {
    /// The operationId.
    pub operation_id: String,
    /// One line, written as a comment on the operation.
    pub summary: String,
    /// Why, written in the header.
    pub reason: String,
    /// The path template.
    pub path: String,
    /// The method, lower case.
    pub method: String,
    /// The path item's parameters.
    #[serde(default)]
    pub path_parameters: Vec<Value>,
    /// The operation object, with the fragment's component names.
    pub operation: Value,
    /// Components the operation needs that upstream may lack, by kind.
    #[serde(default)]
    pub components: BTreeMap<String, Map<String, Value>>,
    /// Comments on keys of the operation (`x-scopes: "Assumed: ..."`).
    #[serde(default)]
    pub comments: BTreeMap<String, String>,
}

impl Deviations {
    /// Reads the deviations file's text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let value = super::tree::parse_document(text)?;
        // A patch is `name`, `summary`, `reason` and exactly one action; a
        // misspelt key must not be ignored.
        for patch in value["patches"].as_array().into_iter().flatten() {
            let name = patch["name"].as_str().unwrap_or("(unnamed)");
            let actions: Vec<&String> = patch
                .as_object()
                .into_iter()
                .flatten()
                .map(|(key, _)| key)
                .filter(|key| !["name", "summary", "reason"].contains(&key.as_str()))
                .collect();
            if actions.len() != 1 {
                return Err(format!(
                    "patch `{name}` must have exactly one action besides name, summary and \
                     reason; it has {actions:?}"
                ));
            }
        }
        serde_json::from_value(value).map_err(|e| e.to_string())
    }
}

/// Comments to write above keys of the fragment, by location.
pub(crate) type Comments = BTreeMap<Pointer, Vec<String>>;

/// What patches work on: the fragment being built, the whole upstream
/// document (for components to keep), where each operation is, comments,
/// and the components kept although unreferenced.
pub(crate) struct Work<'a> {
    pub doc: Value,
    pub upstream: &'a Value,
    pub located: BTreeMap<String, Located>,
    pub comments: Comments,
    pub keep: Vec<(String, String)>,
}

impl Work<'_> {
    fn note(&mut self, at: Pointer, text: String) {
        let list = self.comments.entry(at).or_default();
        if !list.contains(&text) {
            list.push(text);
        }
    }

    fn operations_mut(&mut self) -> Vec<&mut Map<String, Value>> {
        let mut ops = Vec::new();
        if let Some(Value::Object(paths)) = self.doc.get_mut("paths") {
            for item in paths.values_mut() {
                if let Value::Object(item) = item {
                    for (key, op) in item.iter_mut() {
                        if super::tree::METHODS.contains(&key.as_str())
                            && let Value::Object(op) = op
                        {
                            ops.push(op);
                        }
                    }
                }
            }
        }
        ops
    }

    fn component_mut(&mut self, kind: &str, name: &str) -> Option<&mut Value> {
        get_mut(&mut self.doc, &pointer(&["components", kind, name]))
    }
}

/// Applies `patch`, or says why it no longer applies.
pub(crate) fn apply(work: &mut Work<'_>, patch: &Patch) -> Result<(), SyncError> {
    let fail = |message: String| SyncError::Deviation {
        name: patch.name.clone(),
        message,
    };
    let differs = format!("DIFFERS ({}): {}", patch.name, patch.summary);
    match &patch.action {
        Action::SetInfo(info) => {
            work.doc["info"] = info.clone();
            work.note(pointer(&["info"]), differs);
        }
        Action::ReplaceServers { upstream, servers } => {
            let found: Vec<String> = work.doc["servers"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.get("url").and_then(Value::as_str).map(str::to_string))
                .collect();
            if &found != upstream {
                return Err(fail(format!(
                    "upstream lists the servers {found:?}, not {upstream:?}; review the \
                     fragment's servers and the patch's `upstream` list"
                )));
            }
            work.doc["servers"] = Value::Array(servers.clone());
            work.note(pointer(&["servers"]), differs);
        }
        Action::RemoveParameters { location, names } => {
            let components = work.doc.get("components").cloned().unwrap_or(Value::Null);
            let matches = |p: &Value| {
                let resolved = match ref_of(p).and_then(super::tree::component_ref) {
                    Some((kind, name)) => components.get(kind).and_then(|c| c.get(name)),
                    None => Some(p),
                };
                resolved.is_some_and(|p| {
                    p.get("in").and_then(Value::as_str) == Some(location.as_str())
                        && p.get("name")
                            .and_then(Value::as_str)
                            .is_some_and(|n| names.iter().any(|m| m.eq_ignore_ascii_case(n)))
                })
            };
            if let Some(Value::Object(paths)) = work.doc.get_mut("paths") {
                for item in paths.values_mut() {
                    let Value::Object(item) = item else { continue };
                    for (key, value) in item.iter_mut() {
                        let list = if key == "parameters" {
                            Some(value)
                        } else if super::tree::METHODS.contains(&key.as_str()) {
                            value.get_mut("parameters")
                        } else {
                            None
                        };
                        if let Some(Value::Array(list)) = list {
                            list.retain(|p| !matches(p));
                        }
                    }
                    item.retain(|key, v| {
                        key != "parameters" || v.as_array().is_some_and(|l| !l.is_empty())
                    });
                }
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
            work.note(pointer(&["paths"]), differs);
        }
        Action::RemoveExtensions { keep } => {
            let remove = |key: &str| key.starts_with("x-") && !keep.iter().any(|k| k == key);
            for section in ["paths", "components"] {
                if let Some(v) = work.doc.get_mut(section) {
                    remove_keywords(v, &remove);
                }
            }
            work.note(pointer(&["paths"]), differs);
        }
        Action::StripSampleRequests { marker } => {
            for op in work.operations_mut() {
                if let Some(Value::String(description)) = op.get_mut("description")
                    && let Some(at) = description.find(marker.as_str())
                {
                    description.truncate(at);
                    let trimmed = description.trim_end().len();
                    description.truncate(trimmed);
                }
            }
            work.note(pointer(&["paths"]), differs);
        }
        Action::RemoveExamples {} => {
            let remove = |key: &str| key == "example" || key == "examples";
            for section in ["paths", "components"] {
                if let Some(v) = work.doc.get_mut(section) {
                    remove_keywords(v, &remove);
                }
            }
            work.note(pointer(&["paths"]), differs);
        }
        Action::RemoveErrorResponses {} => {
            for op in work.operations_mut() {
                if let Some(Value::Object(responses)) = op.get_mut("responses") {
                    responses
                        .retain(|status, _| matches!(status.chars().next(), Some('1' | '2' | '3')));
                }
            }
            work.note(pointer(&["paths"]), differs);
        }
        Action::KeepSchemas(names) => {
            for name in names {
                let components = work
                    .doc
                    .as_object_mut()
                    .and_then(|d| {
                        d.entry("components")
                            .or_insert_with(|| json!({}))
                            .as_object_mut()
                    })
                    .ok_or_else(|| fail("the fragment has no components object".into()))?;
                add_component(work.upstream, components, "schemas", name, "the patch")
                    .map_err(|_| fail(format!("upstream no longer defines the schema `{name}`")))?;
                work.keep.push(("schemas".into(), name.clone()));
                work.note(pointer(&["components", "schemas", name]), differs.clone());
            }
        }
        Action::RenameComponents(kinds) => {
            for (kind, renames) in kinds {
                for (from, to) in renames {
                    let Some(value) = work
                        .doc
                        .get_mut("components")
                        .and_then(|c| c.get_mut(kind))
                        .and_then(Value::as_object_mut)
                        .and_then(|section| section.remove(from))
                    else {
                        let defined = work
                            .upstream
                            .get("components")
                            .and_then(|c| c.get(kind))
                            .and_then(|c| c.get(from))
                            .is_some();
                        return Err(fail(if defined {
                            format!(
                                "no operation references `#/components/{kind}/{from}` any \
                                 more; remove the rename or find what replaced it"
                            )
                        } else {
                            format!("upstream no longer defines `#/components/{kind}/{from}`")
                        }));
                    };
                    let section = work.doc["components"][kind.as_str()]
                        .as_object_mut()
                        .ok_or_else(|| fail(format!("no `{kind}` components")))?;
                    if section.contains_key(to) {
                        return Err(fail(format!(
                            "`#/components/{kind}/{to}` exists upstream already; pick another name"
                        )));
                    }
                    section.insert(to.clone(), value);
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
                        if kept.0 == *kind && kept.1 == *from {
                            kept.1.clone_from(to);
                        }
                    }
                    work.note(
                        pointer(&["components", kind, to]),
                        format!("DIFFERS ({}): upstream name `{from}`.", patch.name),
                    );
                }
            }
        }
        Action::ExplodeArrays(names) => {
            for name in names {
                let param = parameter_component(work, name).map_err(&fail)?;
                let explode = param
                    .get("explode")
                    .and_then(Value::as_bool)
                    .unwrap_or(param.get("style").is_none_or(|s| s == "form"));
                if explode {
                    return Err(fail(format!(
                        "upstream now sends `{name}` as repeated parameters (explode: true); \
                         this patch is no longer needed, remove it"
                    )));
                }
                param["style"] = json!("form");
                param["explode"] = json!(true);
                work.note(
                    pointer(&["components", "parameters", name, "explode"]),
                    differs.clone(),
                );
            }
        }
        Action::ArrayToString(names) => {
            for name in names {
                let param = parameter_component(work, name).map_err(&fail)?;
                if let Value::Object(param) = param {
                    param.remove("style");
                    param.remove("explode");
                    param.insert("schema".into(), json!({ "type": "string" }));
                }
                work.note(
                    pointer(&["components", "parameters", name, "schema"]),
                    differs.clone(),
                );
            }
        }
        Action::NullableRefs(properties) => {
            for property in properties {
                let at = property_pointer(property).map_err(&fail)?;
                let value = get_mut(&mut work.doc, &at)
                    .ok_or_else(|| fail(format!("upstream has no property `{property}`")))?;
                let Some(reference) = plain_ref(value) else {
                    return Err(fail(format!(
                        "upstream's `{property}` is no longer a plain `$ref` ({value})"
                    )));
                };
                *value = json!({ "allOf": [{ "$ref": reference }], "nullable": true });
                work.note(at, differs.clone());
            }
        }
        Action::ReplaceProperty {
            property,
            upstream_ref,
            schema,
            keep,
        } => {
            let at = property_pointer(property).map_err(&fail)?;
            let value = get_mut(&mut work.doc, &at)
                .ok_or_else(|| fail(format!("upstream has no property `{property}`")))?;
            let expected = format!("#/components/schemas/{upstream_ref}");
            if plain_ref(value).as_deref() != Some(expected.as_str()) {
                return Err(fail(format!(
                    "upstream's `{property}` is no longer `$ref: '{expected}'` ({value})"
                )));
            }
            *value = schema.clone();
            if let Some(keep) = keep {
                work.keep.push(("schemas".into(), keep.clone()));
            }
            work.note(at, differs);
        }
        Action::Describe {
            operations,
            upstream_prefix,
            description,
        } => {
            for id in operations {
                let Some(here) = work.located.get(id).cloned() else {
                    return Err(fail(format!("upstream has no operation `{id}`")));
                };
                let at = pointer(&["paths", &here.path, &here.method, "description"]);
                let value = get_mut(&mut work.doc, &at)
                    .ok_or_else(|| fail(format!("`{id}` has no description upstream")))?;
                if !value
                    .as_str()
                    .is_some_and(|d| d.starts_with(upstream_prefix.as_str()))
                {
                    return Err(fail(format!(
                        "upstream's description of `{id}` no longer starts with \
                         {upstream_prefix:?}: review it and the shared text"
                    )));
                }
                *value = Value::String(description.clone());
                work.note(at, differs.clone());
            }
        }
    }
    Ok(())
}

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
    for (kind, entries) in &pinned.components {
        for (name, value) in entries {
            work.doc["components"][kind.as_str()][name.as_str()] = value.clone();
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

fn parameter_component<'w>(work: &'w mut Work<'_>, name: &str) -> Result<&'w mut Value, String> {
    let param = work
        .component_mut("parameters", name)
        .ok_or_else(|| format!("the fragment has no parameter component `{name}`"))?;
    let is_array = param
        .get("schema")
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        == Some("array");
    if !is_array {
        return Err(format!(
            "upstream's `{name}` is no longer an array ({})",
            param.get("schema").cloned().unwrap_or(Value::Null)
        ));
    }
    Ok(param)
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
