//! `cargo xtask sync --from FILE`: the fragment, reproduced from JumpCloud's
//! full v2 spec, in whichever rendering the maintainer has.
//!
//! 1. [`read_upstream_file`] reads the published spec (Swagger 2.0 or
//!    OpenAPI 3.0.x, YAML or JSON, at most 32 MiB) and converts Swagger to
//!    OpenAPI 3.0.
//! 2. [`sync`] finds the operations listed in `openapi/deviations.yaml` by
//!    method and path (where the checked-in fragment has them), with the
//!    operationId as a hint, and copies them with every component they
//!    reference (a `$ref` cycle is refused); undoes renderer differences
//!    with the same meaning; adds pinned parameters a rendering dropped;
//!    applies the file's named patches by structure; inserts pinned
//!    operations upstream lacks; validates the result as OpenAPI 3.0; and
//!    writes it with a deterministic emitter that puts each patch's reason
//!    where it applies. Every problem is reported at once.
//! 3. [`describe_changes`] says what differs in meaning from the checked-in
//!    fragment, one line per change, for `--check` and for review.

mod convert;
mod deviations;
mod emit;
mod extract;
mod family;
mod locate;
mod normalise;
mod output;
mod report;
mod tree;
mod validate;
mod walk;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

pub use deviations::{Action, Deviations, Note, Patch, Pinned, PinnedParameter};
pub use family::Member;
pub use output::render_report;
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
    /// The upstream document is larger than [`crate::MAX_INPUT_BYTES`].
    #[error("{path}: {}", crate::input::too_large(*.size))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
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
    /// The fragment would not be self-contained (a reference to nothing),
    /// or upstream's operations cannot be told apart.
    #[error("the fragment would be inconsistent: {message}")]
    Inconsistent {
        /// Which reference is dangling.
        message: String,
    },
    /// The operations refer to components that refer back to themselves.
    #[error("upstream has {message}")]
    RefCycle {
        /// The cycles, named.
        message: String,
    },
    /// The fragment would break a rule of OpenAPI 3.0.
    #[error("the fragment would not be valid OpenAPI 3.0: {problem}")]
    Invalid {
        /// Where, and which rule.
        problem: String,
    },
    /// More than one of the above, all reported at once.
    #[error("{} problems:\n{}", .0.len(), .0.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n"))]
    Several(Vec<SyncError>),
}

impl SyncError {
    /// One error for `problems`: itself when there is one.
    fn from_all(mut problems: Vec<SyncError>) -> Self {
        if problems.len() == 1 {
            problems.remove(0)
        } else {
            Self::Several(problems)
        }
    }
}

/// A fragment made by [`sync`].
#[derive(Debug, Clone)]
pub struct Synced {
    /// The fragment's text, exactly as it is written to disk.
    pub text: String,
    /// The fragment as a JSON tree.
    pub document: Value,
    /// What the maintainer should know beyond the changes (pinned
    /// operations and parameters used or not used).
    pub notes: Vec<String>,
    /// Operations upstream has under another id or elsewhere.
    pub renamed: Vec<String>,
    /// Renderer differences undone, one line per rule.
    pub normalised: Vec<String>,
    /// Patches (or parts) this input does not need, with why.
    pub not_needed: Vec<String>,
    /// Upstream operations that belong with the fragment's but are not in
    /// it.
    pub new_members: Vec<Member>,
}

/// Reads an upstream document from a file of at most
/// [`crate::MAX_INPUT_BYTES`] (checked before reading) as OpenAPI 3.0.
pub fn read_upstream_file(path: &Path) -> Result<Value, SyncError> {
    let text = read_file(path)?;
    read_upstream(&text, path)
}

fn read_file(path: &Path) -> Result<String, SyncError> {
    crate::input::read_capped(path).map_err(|error| match error {
        crate::input::ReadError::Io(source) => SyncError::Io {
            path: path.to_path_buf(),
            source,
        },
        crate::input::ReadError::TooLarge { size } => SyncError::TooLarge {
            path: path.to_path_buf(),
            size,
        },
    })
}

/// Reads the deviations file.
pub fn load_deviations(path: &Path) -> Result<Deviations, SyncError> {
    let text = read_file(path)?;
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

/// Builds the fragment from `upstream` (as [`read_upstream`] returns it);
/// `current`, the checked-in fragment, says where our operations are, so
/// that renamed operationIds are found by method and path.
pub fn sync(
    upstream: &Value,
    deviations: &Deviations,
    current: Option<&Value>,
) -> Result<Synced, SyncError> {
    let mut problems = Vec::new();
    let matched = locate::locate(
        upstream,
        &deviations.operations,
        &known(deviations, current),
    );
    problems.extend(
        matched
            .problems
            .iter()
            .map(|message| SyncError::Inconsistent {
                message: message.clone(),
            }),
    );
    let unpinned: Vec<String> = matched
        .missing
        .iter()
        .filter(|id| !deviations.pinned.iter().any(|p| &p.operation_id == *id))
        .cloned()
        .collect();
    if !unpinned.is_empty() {
        problems.push(SyncError::MissingOperations { ids: unpinned });
    }
    let mut work = extracted(upstream, &matched.located).map_err(|mut found| {
        problems.append(&mut found);
        SyncError::from_all(std::mem::take(&mut problems))
    })?;
    let normalised = normalise::normalise(&mut work.doc, upstream);
    let mut notes = deviations::pin_parameters(&mut work, &deviations.pinned_parameters);
    let mut not_needed = Vec::new();
    for patch in &deviations.patches {
        match deviations::apply(&mut work, patch) {
            Ok(outcome) => not_needed.extend(outcome.not_needed_line(&patch.name)),
            Err(error) => problems.push(error),
        }
    }
    notes.extend(insert_pinned(&mut work, deviations, &matched.missing));
    if let Err(message) = prune_components(&mut work) {
        problems.push(SyncError::Inconsistent { message });
    }
    problems.extend(
        validate::problems(&work.doc)
            .into_iter()
            .map(|problem| SyncError::Invalid { problem }),
    );
    if !problems.is_empty() {
        return Err(SyncError::from_all(problems));
    }
    let held: Vec<extract::Located> = work.located.values().cloned().collect();
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
        renamed: matched.renamed,
        normalised,
        not_needed,
        new_members: family::new_members(upstream, &held),
    })
}

/// Where the fragment's operations are now: the checked-in fragment's
/// operations and the pinned definitions.
fn known(deviations: &Deviations, current: Option<&Value>) -> BTreeMap<String, extract::Located> {
    let mut known = current.map(locate::known_locations).unwrap_or_default();
    for pinned in &deviations.pinned {
        known
            .entry(pinned.operation_id.clone())
            .or_insert_with(|| extract::Located {
                path: pinned.path.clone(),
                method: pinned.method.clone(),
            });
    }
    known
}

/// The located operations and the components they reach, as the work the
/// patches start from.
fn extracted<'u>(
    upstream: &'u Value,
    located: &BTreeMap<String, extract::Located>,
) -> Result<deviations::Work<'u>, Vec<SyncError>> {
    let paths = Value::Object(extract::operations(upstream, located));
    let components = extract::components(upstream, &paths).map_err(|problems| {
        problems
            .into_iter()
            .map(|message| match message.strip_prefix("a `$ref` cycle") {
                Some(_) => SyncError::RefCycle { message },
                None => SyncError::Inconsistent { message },
            })
            .collect::<Vec<_>>()
    })?;
    Ok(deviations::Work {
        doc: json!({
            "openapi": "3.0.3",
            "info": upstream.get("info").cloned().unwrap_or_else(|| json!({})),
            "servers": upstream.get("servers").cloned().unwrap_or_else(|| json!([])),
            "paths": paths,
            "components": Value::Object(components),
        }),
        upstream,
        located: located.clone(),
        comments: Default::default(),
        keep: Vec::new(),
        removals: Vec::new(),
    })
}

/// Inserts the pinned operations upstream lacks; a note for each pin.
fn insert_pinned(
    work: &mut deviations::Work<'_>,
    deviations: &Deviations,
    missing: &[String],
) -> Vec<String> {
    let mut notes = Vec::new();
    for pinned in &deviations.pinned {
        let id = &pinned.operation_id;
        if missing.contains(id) {
            deviations::insert_pinned(work, pinned);
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
    notes
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
        "Parameters added where a rendering of upstream lacks them, marked \"PINNED (name)\":",
        deviations
            .pinned_parameters
            .iter()
            .map(|p| (p.label(), p.reason.clone()))
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
