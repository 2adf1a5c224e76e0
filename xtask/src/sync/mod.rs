//! `cargo xtask sync --from FILE`: the fragment, reproduced from JumpCloud's
//! full v2 spec.
//!
//! 1. [`read_upstream`] reads the published spec (Swagger 2.0 or OpenAPI
//!    3.0.x, YAML or JSON) and converts Swagger to OpenAPI 3.0.
//! 2. [`sync`] extracts the operations listed in `openapi/deviations.yaml`
//!    by operationId, with every component they reference, applies the
//!    file's named patches in order (a patch that no longer fits upstream's
//!    shape is an error naming it), inserts pinned operations upstream
//!    lacks, and writes the fragment with a deterministic emitter that puts
//!    each patch's reason where it applies.
//! 3. [`describe_changes`] says what differs from the checked-in fragment,
//!    per operation, for `--check` and for the maintainer's review.

mod convert;
mod deviations;
mod emit;
mod extract;
mod report;
mod tree;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

pub use deviations::{Action, Deviations, Note, Patch, Pinned};
pub use report::describe_changes;

/// The deviations file, relative to the workspace root.
pub const DEVIATIONS: &str = "openapi/deviations.yaml";

/// Why `sync` could not produce a fragment. Every variant means the input
/// is unusable as it is (exit code 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The upstream document is not YAML or JSON.
    #[error("{path}: not valid YAML or JSON: {message}")]
    Unparseable {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// The upstream document is neither Swagger 2.0 nor OpenAPI 3.0.x, or
    /// cannot be read as one.
    #[error("{path}: {message}")]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Upstream lacks operations the fragment needs (and no pinned
    /// definition stands in).
    #[error("upstream defines no operation {}", .ids.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", "))]
    MissingOperations {
        /// The operationIds.
        ids: Vec<String>,
    },
    /// A deviation no longer applies to upstream's shape.
    #[error("deviation `{name}` no longer applies: {message}")]
    Deviation {
        /// The patch's name.
        name: String,
        /// What upstream looks like now.
        message: String,
    },
    /// The deviations file cannot be read.
    #[error("{path}: {message}")]
    DeviationsFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The fragment would not be self-contained (a reference to nothing).
    #[error("the fragment would be inconsistent: {message}")]
    Inconsistent {
        /// Which reference is dangling.
        message: String,
    },
}

/// A fragment made by [`sync`].
#[derive(Debug, Clone)]
pub struct Synced {
    /// The fragment's text, exactly as it is written to disk.
    pub text: String,
    /// The fragment as a JSON tree.
    pub document: Value,
    /// What the maintainer should know beyond the changes (pinned
    /// operations used or not used).
    pub notes: Vec<String>,
}

/// Reads the deviations file.
pub fn load_deviations(path: &Path) -> Result<Deviations, SyncError> {
    let text = std::fs::read_to_string(path).map_err(|source| SyncError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Deviations::parse(&text).map_err(|message| SyncError::DeviationsFile {
        path: path.to_path_buf(),
        message,
    })
}

/// Reads an upstream document (Swagger 2.0 or OpenAPI 3.0.x, YAML or JSON)
/// as OpenAPI 3.0; `path` names it in messages.
pub fn read_upstream(text: &str, path: &Path) -> Result<Value, SyncError> {
    let tree = tree::parse_document(text).map_err(|message| SyncError::Unparseable {
        path: path.to_path_buf(),
        message,
    })?;
    let unsupported = |message: String| SyncError::Unsupported {
        path: path.to_path_buf(),
        message,
    };
    let version = |key: &str| {
        tree.get(key)
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
    };
    match (version("swagger"), version("openapi")) {
        (Some(v), _) if v == "2.0" => convert::swagger_to_openapi(&tree).map_err(unsupported),
        (_, Some(v)) if v.starts_with("3.0.") => Ok(tree),
        (Some(v), _) => Err(unsupported(format!("Swagger {v} is not supported (Swagger 2.0 is)"))),
        (_, Some(v)) => Err(unsupported(format!(
            "OpenAPI {v} is not supported (OpenAPI 3.0.x and Swagger 2.0 are)"
        ))),
        (None, None) => Err(unsupported(
            "neither `swagger: \"2.0\"` nor `openapi: 3.0.x` at the top level: not an API description"
                .into(),
        )),
    }
}

/// Builds the fragment from `upstream` (as [`read_upstream`] returns it).
pub fn sync(upstream: &Value, deviations: &Deviations) -> Result<Synced, SyncError> {
    let inconsistent = |message: String| SyncError::Inconsistent { message };
    let (paths, located) =
        extract::operations(upstream, &deviations.operations).map_err(inconsistent)?;
    let missing: Vec<String> = deviations
        .operations
        .iter()
        .filter(|id| !located.contains_key(*id))
        .cloned()
        .collect();
    let unpinned: Vec<String> = missing
        .iter()
        .filter(|id| !deviations.pinned.iter().any(|p| &p.operation_id == *id))
        .cloned()
        .collect();
    if !unpinned.is_empty() {
        return Err(SyncError::MissingOperations { ids: unpinned });
    }

    let paths = Value::Object(paths);
    let mut components = Map::new();
    for (kind, name, why) in extract::references(&paths, "an operation").map_err(inconsistent)? {
        extract::add_component(upstream, &mut components, &kind, &name, &why)
            .map_err(inconsistent)?;
    }
    let mut work = deviations::Work {
        doc: json!({
            "openapi": "3.0.3",
            "info": upstream.get("info").cloned().unwrap_or_else(|| json!({})),
            "servers": upstream.get("servers").cloned().unwrap_or_else(|| json!([])),
            "paths": paths,
            "components": Value::Object(components),
        }),
        upstream,
        located,
        comments: Default::default(),
        keep: Vec::new(),
    };
    drop_empty_content(&mut work.doc);
    for patch in &deviations.patches {
        deviations::apply(&mut work, patch)?;
    }

    let mut notes = Vec::new();
    for pinned in &deviations.pinned {
        let id = &pinned.operation_id;
        if missing.contains(id) {
            deviations::insert_pinned(&mut work, pinned);
            notes.push(format!(
                "{id}: upstream defines no such operation; the pinned definition in {DEVIATIONS} is used"
            ));
        } else {
            notes.push(format!(
                "{id}: taken from upstream; the pinned definition in {DEVIATIONS} is not used \
                 (compare the two, and remove the pin once upstream's is right)"
            ));
        }
    }

    prune_components(&mut work).map_err(inconsistent)?;
    let path_order: Vec<String> = deviations
        .operations
        .iter()
        .filter_map(|id| work.located.get(id).map(|l| l.path.clone()))
        .collect();
    let text = emit::emit(&work.doc, &work.comments, &header(deviations), &path_order);
    Ok(Synced {
        text,
        document: work.doc,
        notes,
    })
}

/// `content: {}` on a response (openapi-generator writes it for 204) means
/// no body, as no `content` does; the fragment leaves it out.
fn drop_empty_content(doc: &mut Value) {
    let mut responses: Vec<&mut Value> = Vec::new();
    let Value::Object(root) = doc else { return };
    for (key, section) in root.iter_mut() {
        match (key.as_str(), section) {
            ("paths", Value::Object(paths)) => {
                for item in paths.values_mut().filter_map(Value::as_object_mut) {
                    for (method, op) in item.iter_mut() {
                        if tree::METHODS.contains(&method.as_str())
                            && let Some(Value::Object(r)) = op.get_mut("responses")
                        {
                            responses.extend(r.values_mut());
                        }
                    }
                }
            }
            ("components", Value::Object(components)) => {
                if let Some(Value::Object(r)) = components.get_mut("responses") {
                    responses.extend(r.values_mut());
                }
            }
            _ => {}
        }
    }
    for response in responses {
        if let Value::Object(response) = response
            && response.get("content").is_some_and(|c| c == &json!({}))
        {
            response.remove("content");
        }
    }
}

/// Keeps the components the operations reach, and those patches keep.
fn prune_components(work: &mut deviations::Work<'_>) -> Result<(), String> {
    let mut roots = extract::references(&work.doc["paths"], "an operation")?;
    roots.extend(
        work.keep
            .iter()
            .map(|(kind, name)| (kind.clone(), name.clone(), "a kept component".to_string())),
    );
    let Some(Value::Object(components)) = work.doc.get_mut("components") else {
        return Ok(());
    };
    let reachable = extract::reachable(components, roots)?;
    for (kind, section) in components.iter_mut() {
        if let Value::Object(section) = section {
            section.retain(|name, _| reachable.contains(&(kind.clone(), name.clone())));
        }
    }
    components.retain(|_, section| section.as_object().is_some_and(|s| !s.is_empty()));
    Ok(())
}

/// The fragment's header comment: the file's own paragraphs, then every
/// patch, pinned operation and note with its reason.
fn header(deviations: &Deviations) -> String {
    let mut lines: Vec<String> = deviations
        .header
        .trim_end()
        .lines()
        .map(str::to_string)
        .collect();
    let mut section = |title: &str, entries: Vec<(String, String)>| {
        if entries.is_empty() {
            return;
        }
        lines.push(String::new());
        lines.extend(emit::wrap(title, 78));
        for (name, text) in entries {
            let wrapped = emit::wrap(&format!("{name}: {}", text.trim()), 74);
            for (i, line) in wrapped.into_iter().enumerate() {
                lines.push(if i == 0 {
                    format!(" - {line}")
                } else {
                    format!("   {line}")
                });
            }
        }
    };
    section(
        "Deliberate differences from upstream, each marked \"DIFFERS (name)\" where it is made:",
        deviations
            .patches
            .iter()
            .map(|p| (p.name.clone(), p.reason.clone()))
            .collect(),
    );
    section(
        "Operations defined here while upstream defines none, marked \"PINNED (operationId)\":",
        deviations
            .pinned
            .iter()
            .map(|p| (p.operation_id.clone(), p.reason.clone()))
            .collect(),
    );
    section(
        "Notes:",
        deviations
            .notes
            .iter()
            .map(|n| (n.name.clone(), n.text.clone()))
            .collect(),
    );
    lines.join("\n")
}
