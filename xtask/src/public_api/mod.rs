//! `cargo xtask public-api [--check] [--crate NAME]`: the public API of a
//! hand-written crate as a checked-in text file, one line per public item,
//! so that every change of the API shows in a reviewed diff.
//!
//! The listing is read from rustdoc's JSON output. That output is unstable:
//! rustdoc emits it only behind `-Z unstable-options`, which stable
//! toolchains accept when `RUSTC_BOOTSTRAP=1`. The workspace builds with
//! stable Rust only, so the JSON comes from the installed stable rustdoc
//! with `RUSTC_BOOTSTRAP=1` set for that one rustdoc process and nothing
//! else: cargo runs this xtask binary as `RUSTDOC` (see [`run_as_rustdoc`]),
//! which adds the variable and runs the real rustdoc. Setting it for the
//! whole cargo run instead would re-run the build scripts that watch it
//! (proc-macro2's, among others) and rebuild every crate above them, twice
//! per CI run. The JSON's `format_version` is checked against the version
//! this xtask reads (rustdoc-types) before anything is parsed, so a
//! toolchain that writes another format gets a clear message, not a
//! misread API.

mod render;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{GenerateError, Workspace};

/// The environment variable that makes the xtask binary act as rustdoc: it
/// holds the real rustdoc to run.
pub const RUSTDOC_WRAPPER_ENV: &str = "JUMPCLOUD_XTASK_REAL_RUSTDOC";

/// The rustdoc JSON format this xtask reads (that of rustc 1.95).
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
    /// Finds `package` in the workspace with `cargo metadata`.
    pub fn find(workspace: &Workspace, package: &str) -> Result<Self, GenerateError> {
        let output = cargo()
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(workspace.root())
            .output()
            .map_err(|e| command_error("cargo metadata", e.to_string()))?;
        if !output.status.success() {
            return Err(command_error(
                "cargo metadata",
                String::from_utf8_lossy(&output.stderr).into_owned(),
            ));
        }
        let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
            .map_err(|e| command_error("cargo metadata", e.to_string()))?;
        let target_dir = PathBuf::from(metadata["target_directory"].as_str().unwrap_or("target"));
        let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
        let mut names = Vec::new();
        for p in &packages {
            let name = p["name"].as_str().unwrap_or_default();
            let lib = p["targets"].as_array().into_iter().flatten().find(|t| {
                t["kind"]
                    .as_array()
                    .is_some_and(|kinds| kinds.iter().any(|k| k == "lib"))
            });
            let Some(lib) = lib else { continue };
            if name != package {
                names.push(name.to_string());
                continue;
            }
            let manifest = PathBuf::from(p["manifest_path"].as_str().unwrap_or_default());
            return Ok(Self {
                package: package.to_string(),
                lib: lib["name"].as_str().unwrap_or(name).replace('-', "_"),
                dir: manifest.parent().unwrap_or(Path::new(".")).to_path_buf(),
                target_dir,
            });
        }
        names.sort();
        Err(GenerateError::UnknownCrate {
            name: package.to_string(),
            known: names.join(", "),
        })
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
        let output = cargo()
            .args(["rustdoc", "--lib", "--package", &self.package, "--"])
            .args(["-Z", "unstable-options", "--output-format", "json"])
            .current_dir(workspace.root())
            .env("RUSTDOC", me)
            .env(RUSTDOC_WRAPPER_ENV, real)
            .output()
            .map_err(|e| command_error("cargo rustdoc", e.to_string()))?;
        if !output.status.success() {
            return Err(command_error(
                "cargo rustdoc",
                String::from_utf8_lossy(&output.stderr).into_owned(),
            ));
        }
        Ok(self
            .target_dir
            .join("doc")
            .join(format!("{}.json", self.lib)))
    }

    /// The listing for this crate from its rustdoc JSON at `json`, with
    /// the file's header.
    pub fn listing(&self, json: &Path) -> Result<String, GenerateError> {
        let text = std::fs::read_to_string(json).map_err(|source| GenerateError::Io {
            path: json.to_path_buf(),
            source,
        })?;
        let body = listing_from_json(&text, json)?;
        Ok(format!(
            "// Public API of {}, one line per item: written by `cargo xtask public-api \
             --crate {}`,\n// checked by `cargo xtask public-api --check`. Do not edit; \
             review changes like code.\n{body}",
            self.package, self.package
        ))
    }
}

/// The sorted listing (no header) of the crate described by rustdoc JSON
/// `text`, read from `path` (for messages).
pub fn listing_from_json(text: &str, path: &Path) -> Result<String, GenerateError> {
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
    let krate: rustdoc_types::Crate =
        serde_json::from_str(text).map_err(|e| GenerateError::InvalidRustdocJson {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    Ok(render::listing(&krate))
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

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn command_error(command: &str, message: String) -> GenerateError {
    GenerateError::Command {
        command: command.to_string(),
        message: message.trim_end().to_string(),
    }
}
