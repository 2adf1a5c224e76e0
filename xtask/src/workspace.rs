//! Where the spec and the generated file live, so the CLI and the tests agree.

use std::path::{Path, PathBuf};

/// The fragment, relative to the workspace root.
pub const SPEC: &str = "openapi/jumpcloud-user-graph.yaml";
/// The generated source, relative to the workspace root.
pub const GENERATED: &str = "crates/jumpcloud-graph-openapi/src/generated.rs";

/// The workspace this xtask belongs to.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
}

impl Workspace {
    /// The workspace that contains this crate (found at compile time, so it
    /// works from any current directory).
    pub fn locate() -> Self {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = manifest.parent().unwrap_or(manifest).to_path_buf();
        Self { root }
    }

    /// A workspace rooted elsewhere, e.g. a temporary copy in a test.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The workspace root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The checked-in OpenAPI fragment.
    pub fn spec_path(&self) -> PathBuf {
        self.root.join(SPEC)
    }

    /// The checked-in generated source.
    pub fn generated_path(&self) -> PathBuf {
        self.root.join(GENERATED)
    }

    /// `path` relative to the root when it is inside, for messages.
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}
