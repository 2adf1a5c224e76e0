//! The deliberate differences from upstream, as data: `openapi/deviations.yaml`
//! names each patch, says why it exists, and says exactly what it changes.
//! Patches apply by structure: a parameter patch finds its parameters by
//! location and name, whether the rendering refers to a component or
//! writes them inline. A patch whose target this input does not have (or
//! already has in the patched form) is "not needed for this input"; one
//! whose target changed shape is an error naming it.

mod actions;
mod pinned;

pub(crate) use pinned::{insert_pinned, pin_parameters};

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::SyncError;
use super::extract::Located;
use super::tree::Pointer;

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
    /// Parameters defined here, added to the operations whose upstream
    /// rendering lacks them.
    #[serde(default)]
    pub pinned_parameters: Vec<PinnedParameter>,
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
    /// The query parameters with these names (arrays, `explode: false`
    /// upstream) are sent as repeated parameters.
    ExplodeArrays(Vec<String>),
    /// The query parameters with these names (arrays upstream) become one
    /// string.
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
    /// Components the operation needs, by kind; used where the fragment
    /// has none of that name (upstream's wins).
    #[serde(default)]
    pub components: BTreeMap<String, Map<String, Value>>,
    /// Comments on keys of the operation (`x-scopes: "Assumed: ..."`).
    #[serde(default)]
    pub comments: BTreeMap<String, String>,
}

/// A parameter every operation of the fragment has; some renderings drop
/// it (JumpCloud's PowerShell transform strips `x-org-id`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PinnedParameter {
    /// One line, written as a comment where it is added.
    pub summary: String,
    /// Why, written in the header.
    pub reason: String,
    /// The parameter object (with `name` and `in`).
    pub parameter: Value,
}

impl PinnedParameter {
    /// `x-org-id (header)`.
    pub fn label(&self) -> String {
        format!(
            "{} ({})",
            self.parameter["name"].as_str().unwrap_or("?"),
            self.parameter["in"].as_str().unwrap_or("?")
        )
    }
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
/// the components kept although unreferenced, and the keyword removals
/// applied so far (components added later get them too).
pub(crate) struct Work<'a> {
    pub doc: Value,
    pub upstream: &'a Value,
    pub located: BTreeMap<String, Located>,
    pub comments: Comments,
    pub keep: Vec<(String, String)>,
    pub removals: Vec<Removal>,
}

/// A keyword removal a patch made everywhere.
pub(crate) enum Removal {
    /// `x-` keys except these.
    Extensions(Vec<String>),
    /// `example` and `examples`.
    Examples,
}

impl Removal {
    pub(crate) fn removes(&self, key: &str) -> bool {
        match self {
            Self::Extensions(keep) => key.starts_with("x-") && !keep.iter().any(|k| k == key),
            Self::Examples => key == "example" || key == "examples",
        }
    }
}

impl Work<'_> {
    pub(crate) fn note(&mut self, at: Pointer, text: String) {
        let list = self.comments.entry(at).or_default();
        if !list.contains(&text) {
            list.push(text);
        }
    }

    pub(crate) fn operations_mut(&mut self) -> Vec<&mut Map<String, Value>> {
        let mut ops = Vec::new();
        for item in super::walk::path_items(&mut self.doc) {
            ops.extend(super::walk::operations(item));
        }
        ops
    }
}

/// What applying a patch did: whether it changed anything, and which of
/// its parts this input does not need (with why).
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub applied: bool,
    pub unneeded: Vec<String>,
}

impl Outcome {
    pub(crate) fn applied() -> Self {
        Self {
            applied: true,
            unneeded: Vec::new(),
        }
    }

    /// The report line, if some part was not needed.
    pub(crate) fn not_needed_line(&self, name: &str) -> Option<String> {
        if self.unneeded.is_empty() {
            return None;
        }
        let which = if self.applied {
            "partly not needed"
        } else {
            "not needed"
        };
        Some(format!(
            "{name}: {which} for this input: {}",
            self.unneeded.join("; ")
        ))
    }
}

/// The comment a patch writes where it applies.
pub(crate) struct Marker {
    pub differs: String,
    pub name: String,
}

/// Applies `patch`, or says why it no longer fits upstream's shape.
pub(crate) fn apply(work: &mut Work<'_>, patch: &Patch) -> Result<Outcome, SyncError> {
    let marker = Marker {
        differs: format!("DIFFERS ({}): {}", patch.name, patch.summary),
        name: patch.name.clone(),
    };
    let m = &marker;
    match &patch.action {
        Action::SetInfo(info) => actions::set_info(work, m, info),
        Action::ReplaceServers { upstream, servers } => {
            actions::replace_servers(work, m, upstream, servers)
        }
        Action::RemoveParameters { location, names } => {
            actions::remove_parameters(work, m, location, names)
        }
        Action::RemoveExtensions { keep } => actions::remove_extensions(work, m, keep),
        Action::StripSampleRequests { marker } => actions::strip_sample_requests(work, m, marker),
        Action::RemoveExamples {} => actions::remove_examples(work, m),
        Action::RemoveErrorResponses {} => actions::remove_error_responses(work, m),
        Action::KeepSchemas(names) => actions::keep_schemas(work, m, names),
        Action::RenameComponents(kinds) => actions::rename_components(work, m, kinds),
        Action::ExplodeArrays(names) => actions::explode_arrays(work, m, names),
        Action::ArrayToString(names) => actions::array_to_string(work, m, names),
        Action::NullableRefs(properties) => actions::nullable_refs(work, m, properties),
        Action::ReplaceProperty {
            property,
            upstream_ref,
            schema,
            keep,
        } => actions::replace_property(work, m, property, upstream_ref, schema, keep.as_deref()),
        Action::Describe {
            operations,
            upstream_prefix,
            description,
        } => actions::describe(work, m, operations, upstream_prefix, description),
    }
    .map_err(|message| SyncError::Deviation {
        name: patch.name.clone(),
        message,
    })
}
