//! Where the specs and the generated files live, so the CLI and the tests
//! agree.
//!
//! The workspace is found at run time, never from a path compiled into the
//! binary: with a shared `CARGO_TARGET_DIR`, two clones of the repository
//! share one xtask binary (cargo's artifact hashes do not depend on where a
//! workspace lives), and a compiled-in path would make the second clone's
//! `cargo xtask generate` read and write the first clone's files.

use std::path::{Path, PathBuf};

use crate::GenerateError;

/// The user-graph fragment, relative to the workspace root (the one `cargo
/// xtask sync` writes).
pub const SPEC: &str = "openapi/jumpcloud-user-graph.yaml";
/// The user-graph fragment's generated source, relative to the workspace
/// root.
pub const GENERATED: &str = "crates/jumpcloud-graph-openapi/src/generated.rs";

/// One checked-in OpenAPI fragment and the generated source it becomes,
/// both relative to the workspace root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment {
    /// A short name for messages, e.g. `user-graph`.
    pub name: &'static str,
    /// The fragment.
    pub spec: &'static str,
    /// The generated source.
    pub generated: &'static str,
}

/// The user-graph operations (written by `cargo xtask sync`), generated into
/// the crate's root.
pub const USER_GRAPH: Fragment = Fragment {
    name: "user-graph",
    spec: SPEC,
    generated: GENERATED,
};

/// The v1 lookups that name users, devices, applications and RADIUS servers
/// (hand-written), generated into `directory::v1`.
pub const DIRECTORY_V1: Fragment = Fragment {
    name: "directory-v1",
    spec: "openapi/jumpcloud-directory-v1.yaml",
    generated: "crates/jumpcloud-graph-openapi/src/directory/v1/generated.rs",
};

/// The v2 lookups that name groups and directories (hand-written),
/// generated into `directory::v2`.
pub const DIRECTORY_V2: Fragment = Fragment {
    name: "directory-v2",
    spec: "openapi/jumpcloud-directory-v2.yaml",
    generated: "crates/jumpcloud-graph-openapi/src/directory/v2/generated.rs",
};

/// Every fragment `cargo xtask generate` turns into code, in the order it
/// works on them.
pub const FRAGMENTS: [Fragment; 3] = [USER_GRAPH, DIRECTORY_V1, DIRECTORY_V2];

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

    /// The checked-in user-graph fragment.
    pub fn spec_path(&self) -> PathBuf {
        self.root.join(SPEC)
    }

    /// The checked-in source generated from the user-graph fragment.
    pub fn generated_path(&self) -> PathBuf {
        self.root.join(GENERATED)
    }

    /// A fragment of this workspace.
    pub fn fragment_spec(&self, fragment: &Fragment) -> PathBuf {
        self.root.join(fragment.spec)
    }

    /// The source generated from a fragment of this workspace.
    pub fn fragment_generated(&self, fragment: &Fragment) -> PathBuf {
        self.root.join(fragment.generated)
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
