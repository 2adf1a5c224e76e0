//! `cargo xtask public-api [--check] [--crate NAME]... [--all]`: the public
//! API of a hand-written crate as a checked-in text file, one line per
//! public item, so that every change of the API shows in a reviewed diff.
//!
//! The listing is what the `public-api` crate (the library behind `cargo
//! public-api`) makes of rustdoc's JSON output: a maintained lister, pinned
//! to the release that reads the JSON format of the workspace's toolchain,
//! instead of a hand-written one.
//!
//! rustdoc's JSON is unstable: rustdoc emits it only behind `-Z
//! unstable-options`, which stable toolchains accept when
//! `RUSTC_BOOTSTRAP=1`. The workspace builds with stable Rust only, so the
//! JSON comes from the installed stable rustdoc with `RUSTC_BOOTSTRAP=1` set
//! for that one rustdoc process and nothing else: cargo runs this xtask
//! binary as `RUSTDOC` (see [`run_as_rustdoc`]), which adds the variable and
//! runs the real rustdoc. Setting it for the whole cargo run instead would
//! re-run the build scripts that watch it (proc-macro2's, among others) and
//! rebuild every crate above them, twice per CI run. The JSON's
//! `format_version` is checked against the version the lister reads before
//! anything is parsed, so a toolchain that writes another format gets a
//! clear message, not a misread API.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{GenerateError, Workspace};

/// The environment variable that makes the xtask binary act as rustdoc: it
/// holds the real rustdoc to run.
pub const RUSTDOC_WRAPPER_ENV: &str = "JUMPCLOUD_XTASK_REAL_RUSTDOC";

/// The rustdoc JSON format this xtask reads (that of rustc 1.95): the
/// format of the `rustdoc-types` release the pinned `public-api` uses.
pub const FORMAT_VERSION: u32 = rustdoc_types::FORMAT_VERSION;

/// The crate whose API is listed when none is named.
pub const DEFAULT_CRATE: &str = "jumpcloud-graph";

/// The listing's file, beside the crate's manifest.
pub const FILE_NAME: &str = "public-api.txt";

/// A workspace package whose public API can be listed.
#[derive(Debug, Clone)]
pub struct ApiCrate {
    /// The package name, e.g. `jumpcloud-graph`.
    pub package: String,
    /// The library target's crate name, e.g. `jumpcloud_graph`.
    pub lib: String,
    /// The directory holding the package's `Cargo.toml`.
    pub dir: PathBuf,
    /// Cargo's target directory for the workspace.
    pub target_dir: PathBuf,
}

impl ApiCrate {
    /// Every library package of the workspace, found with `cargo metadata`,
    /// sorted by name.
    pub fn all(workspace: &Workspace) -> Result<Vec<Self>, GenerateError> {
        let output = run(
            cargo()
                .args(["metadata", "--format-version", "1", "--no-deps"])
                .current_dir(workspace.root()),
            "cargo metadata",
        )?;
        let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
            .map_err(|e| command_error("cargo metadata", e.to_string()))?;
        let target_dir = PathBuf::from(metadata["target_directory"].as_str().unwrap_or("target"));
        let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
        let mut crates: Vec<Self> = packages
            .iter()
            .filter_map(|p| {
                let name = p["name"].as_str()?;
                let lib = p["targets"].as_array()?.iter().find(|t| {
                    t["kind"]
                        .as_array()
                        .is_some_and(|kinds| kinds.iter().any(|k| k == "lib"))
                })?;
                let manifest = PathBuf::from(p["manifest_path"].as_str()?);
                Some(Self {
                    package: name.to_string(),
                    lib: lib["name"].as_str().unwrap_or(name).replace('-', "_"),
                    dir: manifest.parent().unwrap_or(Path::new(".")).to_path_buf(),
                    target_dir: target_dir.clone(),
                })
            })
            .collect();
        crates.sort_by(|a, b| a.package.cmp(&b.package));
        Ok(crates)
    }

    /// Finds `package` among the workspace's libraries.
    pub fn find(workspace: &Workspace, package: &str) -> Result<Self, GenerateError> {
        pick(&Self::all(workspace)?, package)
    }

    /// The checked-in listing, `crates/<package>/public-api.txt`.
    pub fn listing_path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Builds the crate's rustdoc JSON with cargo (the xtask binary standing
    /// in for rustdoc, see the module docs) and returns its path.
    pub fn build_json(&self, workspace: &Workspace) -> Result<PathBuf, GenerateError> {
        let me =
            std::env::current_exe().map_err(|e| command_error("current_exe", e.to_string()))?;
        let real = std::env::var_os("RUSTDOC").unwrap_or_else(|| "rustdoc".into());
        run(
            cargo()
                .args(["rustdoc", "--lib", "--package", &self.package, "--"])
                .args(["-Z", "unstable-options", "--output-format", "json"])
                .current_dir(workspace.root())
                .env("RUSTDOC", me)
                .env(RUSTDOC_WRAPPER_ENV, real),
            "cargo rustdoc",
        )?;
        Ok(self
            .target_dir
            .join("doc")
            .join(format!("{}.json", self.lib)))
    }

    /// The listing for this crate from its rustdoc JSON at `json`, with
    /// the file's header.
    pub fn listing(&self, json: &Path) -> Result<String, GenerateError> {
        let body = listing_from_json(json)?;
        Ok(format!(
            "// Public API of {}, one line per item: written by `cargo xtask public-api \
             --crate {}`,\n// checked by `cargo xtask public-api --check`. Do not edit; \
             review changes like code.\n{body}",
            self.package, self.package
        ))
    }
}

/// The crates to list: those named (in that order), or with `all` every
/// library of the workspace that has a listing, in name order. Naming none
/// lists [`DEFAULT_CRATE`].
pub fn select(
    workspace: &Workspace,
    names: &[String],
    all: bool,
) -> Result<Vec<ApiCrate>, GenerateError> {
    let crates = ApiCrate::all(workspace)?;
    if all {
        let listed: Vec<ApiCrate> = crates
            .into_iter()
            .filter(|c| c.listing_path().is_file())
            .collect();
        if listed.is_empty() {
            return Err(GenerateError::NoListing);
        }
        return Ok(listed);
    }
    match names {
        [] => Ok(vec![pick(&crates, DEFAULT_CRATE)?]),
        names => names.iter().map(|name| pick(&crates, name)).collect(),
    }
}

fn pick(crates: &[ApiCrate], package: &str) -> Result<ApiCrate, GenerateError> {
    crates
        .iter()
        .find(|c| c.package == package)
        .cloned()
        .ok_or_else(|| GenerateError::UnknownCrate {
            name: package.to_string(),
            known: crates
                .iter()
                .map(|c| c.package.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// The sorted listing (no header) of the crate described by the rustdoc
/// JSON file `json`: the `public-api` crate's rendering, without blanket
/// impls (`impl<T> From<T> for T`, ...) and auto-trait impls (`Send`,
/// `Sync`, ...), which follow from the rest, and with parameter names.
pub fn listing_from_json(json: &Path) -> Result<String, GenerateError> {
    let text = std::fs::read_to_string(json).map_err(|source| GenerateError::Io {
        path: json.to_path_buf(),
        source,
    })?;
    check_format(&text, json)?;
    drop(text);
    let invalid = |message: String| GenerateError::InvalidRustdocJson {
        path: json.to_path_buf(),
        message,
    };
    // The lister has a `todo!` or two for unstable Rust features: a panic
    // is reported like unreadable JSON (its message is printed above it).
    let built = catch_unwind(AssertUnwindSafe(|| {
        public_api::Builder::from_rustdoc_json(json)
            .omit_blanket_impls(true)
            .omit_auto_trait_impls(true)
            .include_function_parameter_names(true)
            .build()
    }))
    .map_err(|_| invalid("the public-api crate panicked on it (see above)".into()))?;
    Ok(built.map_err(|e| invalid(e.to_string()))?.to_string())
}

/// Checks that the rustdoc JSON `text`, read from `path` (for messages),
/// declares the format this xtask reads.
pub fn check_format(text: &str, path: &Path) -> Result<(), GenerateError> {
    #[derive(serde::Deserialize)]
    struct Version {
        format_version: u32,
    }
    let version: Version =
        serde_json::from_str(text).map_err(|e| GenerateError::InvalidRustdocJson {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    if version.format_version != FORMAT_VERSION {
        return Err(GenerateError::RustdocFormat {
            path: path.to_path_buf(),
            found: version.format_version,
            expected: FORMAT_VERSION,
        });
    }
    Ok(())
}

/// When cargo runs this binary as `RUSTDOC`: runs the real rustdoc with
/// `RUSTC_BOOTSTRAP=1` and returns its exit code. `None` when this process
/// is not standing in for rustdoc.
pub fn run_as_rustdoc() -> Option<i32> {
    let real = std::env::var_os(RUSTDOC_WRAPPER_ENV)?;
    let status = Command::new(&real)
        .args(std::env::args_os().skip(1))
        .env_remove(RUSTDOC_WRAPPER_ENV)
        .env("RUSTC_BOOTSTRAP", "1")
        .status();
    Some(match status {
        Ok(status) => status.code().unwrap_or(1),
        Err(error) => {
            eprintln!(
                "error: cannot run {}: {error}",
                PathBuf::from(real).display()
            );
            1
        }
    })
}

/// A nested cargo, without the variables `cargo run` set for the xtask
/// itself (`CARGO_PKG_*`, `CARGO_MANIFEST_DIR`, ...): build scripts that
/// rerun when those change (ring's does) would otherwise rebuild, and the
/// next `cargo test --workspace` would rebuild them again.
fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(set_by_cargo_run) {
            command.env_remove(&name);
        }
    }
    command
}

/// Whether `name` is one of the variables cargo sets for the package it
/// runs (see "Environment variables Cargo sets for crates" in the Cargo
/// book); `CARGO` itself, `RUSTC`, `CARGO_HOME`, `CARGO_TARGET_DIR` and the
/// like stay.
fn set_by_cargo_run(name: &str) -> bool {
    name.starts_with("CARGO_PKG_")
        || name.starts_with("CARGO_MANIFEST_")
        || matches!(
            name,
            "CARGO_CRATE_NAME"
                | "CARGO_BIN_NAME"
                | "CARGO_PRIMARY_PACKAGE"
                | "CARGO_RUSTC_CURRENT_DIR"
        )
}

/// Runs `command` (`name` in messages); what it printed on stderr is the
/// error when it fails.
fn run(command: &mut Command, name: &str) -> Result<std::process::Output, GenerateError> {
    let output = command
        .output()
        .map_err(|e| command_error(name, e.to_string()))?;
    if !output.status.success() {
        return Err(command_error(
            name,
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ));
    }
    Ok(output)
}

fn command_error(command: &str, message: String) -> GenerateError {
    GenerateError::Command {
        command: command.to_string(),
        message: message.trim_end().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nested_cargo_does_not_inherit_what_cargo_run_set_for_the_xtask() {
        // `cargo xtask` runs under `cargo run`, which sets these; a nested
        // `cargo rustdoc` that inherits them reruns ring's build script.
        for name in ["CARGO_PKG_NAME", "CARGO_MANIFEST_DIR", "CARGO_CRATE_NAME"] {
            assert!(set_by_cargo_run(name), "{name}");
        }
        for name in ["CARGO", "CARGO_HOME", "CARGO_TARGET_DIR", "RUSTFLAGS"] {
            assert!(!set_by_cargo_run(name), "{name}");
        }
        let removed: Vec<_> = cargo()
            .get_envs()
            .filter(|(_, value)| value.is_none())
            .map(|(name, _)| name.to_string_lossy().into_owned())
            .collect();
        // Under `cargo test`, cargo sets the package's variables too.
        assert!(removed.iter().any(|n| n == "CARGO_PKG_NAME"), "{removed:?}");
        assert!(
            removed.iter().any(|n| n == "CARGO_MANIFEST_DIR"),
            "{removed:?}"
        );
    }
}
