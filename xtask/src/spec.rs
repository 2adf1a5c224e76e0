//! Reading and validating the OpenAPI fragment before progenitor sees it, so
//! that a broken spec gets a message naming the file and the problem.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::GenerateError;
use crate::generate::PROGENITOR_VERSION;

/// The HTTP methods of a path item, in OpenAPI's order.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What identifies one operation of the spec.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OperationInfo {
    /// The `operationId`.
    pub operation_id: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template, relative to the server URL.
    pub path: String,
}

impl OperationInfo {
    /// The name of the operation's constant in the generated
    /// `operations` table: the operationId in SCREAMING_SNAKE_CASE
    /// (`graph_userTraverseSystem` becomes `GRAPH_USER_TRAVERSE_SYSTEM`).
    pub fn const_name(&self) -> String {
        heck::ToShoutySnakeCase::to_shouty_snake_case(self.operation_id.as_str())
    }
}

/// A parsed and validated OpenAPI 3.0 document.
#[derive(Debug, Clone)]
pub struct Spec {
    path: PathBuf,
    document: openapiv3::OpenAPI,
    fingerprint: String,
}

impl Spec {
    /// Reads and validates the spec at `path` (YAML, or JSON when the name
    /// ends in `.json`).
    pub fn load(path: &Path) -> Result<Self, GenerateError> {
        let text = crate::input::read_capped(path).map_err(|error| match error {
            crate::input::ReadError::Io(source) => GenerateError::Io {
                path: path.to_path_buf(),
                source,
            },
            crate::input::ReadError::TooLarge { size } => GenerateError::TooLarge {
                path: path.to_path_buf(),
                size,
            },
        })?;
        Self::parse(&text, path)
    }

    /// Validates `text` as if it had been read from `path` (which only names
    /// the document in messages and picks the format).
    pub fn parse(text: &str, path: &Path) -> Result<Self, GenerateError> {
        let path = path.to_path_buf();
        let is_json = path.extension().is_some_and(|e| e == "json");
        let format = if is_json { "JSON" } else { "YAML" };
        let unparseable = |message: String| GenerateError::Unparseable {
            path: path.clone(),
            format,
            message,
        };

        // First as a plain tree, within the size budget, for version,
        // operationId and `$ref` cycle checks whose messages are clearer
        // than a deserializer's (and which keep progenitor from overflowing
        // its stack on a cycle).
        let tree = if is_json {
            crate::input::parse_json_tree(text)
        } else {
            crate::input::parse_tree(text)
        }
        .map_err(unparseable)?;
        check_version(&tree, &path)?;
        check_operation_ids(&tree, &path)?;
        let cycles = crate::refs::cycles(&tree["components"], None);
        if !cycles.is_empty() {
            return Err(GenerateError::RefCycle {
                path: path.clone(),
                message: crate::refs::describe(&cycles),
            });
        }

        // Then straight from the text into the typed document, so that map
        // order is the file's order whatever serde_json features are enabled.
        let document: openapiv3::OpenAPI = if is_json {
            serde_json::from_str(text).map_err(|e| e.to_string())
        } else {
            serde_yaml::from_str(text).map_err(|e| e.to_string())
        }
        .map_err(|message| GenerateError::InvalidDocument {
            path: path.clone(),
            message,
        })?;

        Ok(Self {
            fingerprint: fingerprint(&tree),
            path,
            document,
        })
    }

    /// The path the spec was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The typed document.
    pub fn document(&self) -> &openapiv3::OpenAPI {
        &self.document
    }

    /// SHA-256 of the document's content (keys sorted, comments and layout
    /// ignored): any change that means something changes the fingerprint.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Every operation in the document's order (paths in file order, the
    /// methods of one path in OpenAPI's order: get, put, post, delete, ...).
    pub fn operations(&self) -> Vec<OperationInfo> {
        let mut ops = Vec::new();
        for (route, item) in self.document.paths.iter() {
            let Some(item) = item.as_item() else { continue };
            for (method, op) in item.iter() {
                ops.push(OperationInfo {
                    operation_id: op.operation_id.clone().unwrap_or_default(),
                    method: method.to_uppercase(),
                    path: route.clone(),
                });
            }
        }
        ops
    }

    /// The same spec reduced to one operation, used to find which operation
    /// makes progenitor panic.
    pub(crate) fn with_only_operation(&self, path: &str, method: &str) -> openapiv3::OpenAPI {
        let mut document = self.document.clone();
        document.paths.paths.retain(|p, _| p == path);
        if let Some(openapiv3::ReferenceOr::Item(item)) = document.paths.paths.get_mut(path) {
            for other in METHODS.iter().filter(|m| **m != method) {
                match *other {
                    "get" => item.get = None,
                    "put" => item.put = None,
                    "post" => item.post = None,
                    "delete" => item.delete = None,
                    "options" => item.options = None,
                    "head" => item.head = None,
                    "patch" => item.patch = None,
                    _ => item.trace = None,
                }
            }
        }
        document
    }
}

fn check_version(tree: &serde_json::Value, path: &Path) -> Result<(), GenerateError> {
    let unsupported = |found: String| GenerateError::UnsupportedVersion {
        path: path.to_path_buf(),
        found,
        progenitor: PROGENITOR_VERSION,
    };
    if let Some(version) = tree.get("swagger") {
        return Err(unsupported(format!("Swagger {}", scalar(version))));
    }
    match tree.get("openapi") {
        None => Err(GenerateError::InvalidDocument {
            path: path.to_path_buf(),
            message: "no `openapi:` version field at the top level".into(),
        }),
        Some(version) => {
            let version = scalar(version);
            if version.starts_with("3.0.") {
                Ok(())
            } else {
                Err(unsupported(format!("OpenAPI {version}")))
            }
        }
    }
}

fn check_operation_ids(tree: &serde_json::Value, path: &Path) -> Result<(), GenerateError> {
    let mut problems = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let paths = tree.get("paths").and_then(|p| p.as_object());
    for (route, item) in paths.into_iter().flatten() {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let label = format!("{} {route}", method.to_uppercase());
            match operation.get("operationId").and_then(|id| id.as_str()) {
                None | Some("") => problems.push(format!("{label} has no operationId")),
                Some(id) => {
                    if let Some(first) = seen.insert(id.to_string(), label.clone()) {
                        problems.push(format!(
                            "operationId `{id}` is used by both {first} and {label}"
                        ));
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(GenerateError::OperationIds {
            path: path.to_path_buf(),
            problem: problems.join("; "),
        })
    }
}

fn scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn fingerprint(tree: &serde_json::Value) -> String {
    let mut canonical = String::new();
    write_canonical(tree, &mut canonical);
    let digest = Sha256::digest(canonical.as_bytes());
    digest.iter().fold(String::new(), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

/// JSON with object keys sorted explicitly, so the fingerprint does not
/// depend on whether serde_json's `preserve_order` feature is on in a build.
fn write_canonical(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(map) => {
            let sorted: BTreeMap<_, _> = map.iter().collect();
            out.push('{');
            for (i, (key, value)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}
