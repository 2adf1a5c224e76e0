//! Where the spec and the generated file live, so the CLI and the tests agree.
//!
//! The workspace is found at run time, never from a path compiled into the
//! binary: with a shared `CARGO_TARGET_DIR`, two clones of the repository
//! share one xtask binary (cargo's artifact hashes do not depend on where a
//! workspace lives), and a compiled-in path would make the second clone's
//! `cargo xtask generate` read and write the first clone's files.

use std::path::{Path, PathBuf};

use crate::GenerateError;

/// The fragment, relative to the workspace root.
pub const SPEC: &str = "openapi/jumpcloud-user-graph.yaml";
/// The generated source, relative to the workspace root.
pub const GENERATED: &str = "crates/jumpcloud-graph-openapi/src/generated.rs";

/// A checkout of the jumpcloud-graph workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
}

impl Workspace {
    /// The workspace this process works on, found at run time:
    ///
    /// 1. `CARGO_MANIFEST_DIR` in the environment, which `cargo run` (and so
    ///    `cargo xtask`) and `cargo test` set to the xtask package of the
    ///    workspace cargo resolved from the current directory; its parent is
    ///    the root when it holds the fragment.
    /// 2. Otherwise the nearest directory at or above the current directory
    ///    that holds a `Cargo.toml` and the fragment (the binary run directly).
    pub fn locate() -> Result<Self, GenerateError> {
        let cwd = std::env::current_dir().map_err(|source| GenerateError::Io {
            path: PathBuf::from("."),
            source,
        })?;
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
        Self::find(manifest_dir.as_deref(), &cwd)
    }

    /// [`Workspace::locate`] with its inputs given: the xtask package's
    /// directory as cargo reports it (if any) and the current directory.
    pub fn find(manifest_dir: Option<&Path>, cwd: &Path) -> Result<Self, GenerateError> {
        if let Some(root) = manifest_dir.and_then(Path::parent)
            && is_root(root)
        {
            return Ok(Self::at(root));
        }
        cwd.ancestors()
            .find(|dir| is_root(dir))
            .map(Self::at)
            .ok_or_else(|| GenerateError::NoWorkspace {
                cwd: cwd.to_path_buf(),
            })
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

    /// `path` relative to the root when it is inside, for messages and for
    /// diffs that `git apply` accepts from the root.
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// A workspace root: a manifest beside the fragment.
fn is_root(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file() && dir.join(SPEC).is_file()
}
