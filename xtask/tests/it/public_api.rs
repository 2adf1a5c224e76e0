//! `cargo xtask public-api`: the listing of a small crate with every kind
//! of item, its determinism, `--check` exit codes and diffs, and `--all`.

use std::path::Path;
use std::process::Output;

use crate::support;

/// A one-crate project with no dependencies, so rustdoc runs in a second.
fn demo_crate() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"demo-api\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    write_lib(dir.path(), "");
    dir
}

fn write_lib(root: &Path, extra: &str) {
    let lib = r#"
//! A crate with one of everything.
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

mod private {
    /// Reachable through the re-export only.
    pub struct Reexported;
    /// Not reachable.
    pub struct Hidden;
}
pub use private::Reexported;

/// Pages.
pub mod pages {
    /// A page.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Page<T> {
        /// The items.
        pub items: Vec<T>,
        total: Option<u64>,
    }
    impl<T: Clone> Page<T> {
        /// The total, when known.
        pub fn total(&self) -> Option<u64> { self.total }
        fn secret(&self) {}
    }
}

/// Errors.
#[non_exhaustive]
#[derive(Debug)]
pub enum Error {
    /// Plain.
    Timeout,
    /// Tuple.
    Api(u16, String),
    /// Struct.
    Decode { message: String },
}
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str("error") }
}
impl std::error::Error for Error {}
impl From<std::io::Error> for Error {
    fn from(_: std::io::Error) -> Self { Error::Timeout }
}

/// An id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Id(pub u32);
impl std::str::FromStr for Id {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> { s.parse().map(Id).map_err(|_| Error::Timeout) }
}
impl TryFrom<i64> for Id {
    type Error = Error;
    fn try_from(v: i64) -> Result<Self, Error> { u32::try_from(v).map(Id).map_err(|_| Error::Timeout) }
}

/// A request.
#[must_use]
pub struct Send;
impl Send {
    /// Sends it.
    pub async fn send(self) -> Result<(), Error> { Ok(()) }
    /// With a callback.
    pub fn on<F>(self, f: F) -> Self where F: Fn(&str) + 'static { let _ = f; self }
    /// A constant.
    pub const LIMIT: u32 = 100;
}
impl IntoFuture for Send {
    type Output = Result<(), Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output>>>;
    fn into_future(self) -> Self::IntoFuture { Box::pin(self.send()) }
}

/// A result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
/// The maximum.
pub const MAX: u32 = 100;
/// A trait.
pub trait Named {
    /// The name.
    fn name(&self) -> &str;
}
/// A free function.
pub fn parse(input: impl AsRef<str>, strict: bool) -> Result<Vec<Id>> { let _ = (input, strict); Ok(vec![]) }
"#;
    std::fs::write(root.join("src/lib.rs"), format!("{lib}{extra}")).unwrap();
}

/// `cargo xtask public-api --crate demo-api ARGS` in `root`.
fn public_api(root: &Path, args: &[&str]) -> Output {
    public_api_in(root, &[&["--crate", "demo-api"], args].concat())
}

#[test]
fn lists_every_public_item_with_its_signature_and_checks_it() {
    let dir = demo_crate();
    let out = public_api(dir.path(), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = std::fs::read_to_string(dir.path().join("public-api.txt")).unwrap();
    insta::assert_snapshot!("demo_crate_listing", listing);

    // Determinism: a second run changes nothing and --check agrees.
    assert!(public_api(dir.path(), &[]).status.success());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("public-api.txt")).unwrap(),
        listing
    );
    let check = public_api(dir.path(), &["--check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    // A new public method is a difference, shown as a diff that git applies.
    write_lib(
        dir.path(),
        "impl Id {\n    /// New.\n    pub fn get(&self) -> u32 { self.0 }\n}\n",
    );
    let check = public_api(dir.path(), &["--check"]);
    assert_eq!(check.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&check.stdout);
    assert!(
        diff.contains("+pub fn demo_api::Id::get(&self) -> u32"),
        "{diff}"
    );
    assert!(
        diff.starts_with("--- a/public-api.txt\n+++ b/public-api.txt\n"),
        "{diff}"
    );
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("cargo xtask public-api --crate demo-api"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("public-api.txt")).unwrap(),
        listing,
        "--check writes nothing"
    );
}

#[test]
fn an_unknown_crate_is_named_with_the_known_ones() {
    let dir = demo_crate();
    let out = public_api_in(dir.path(), &["--crate", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no library package `nope`") && stderr.contains("demo-api"),
        "{stderr}"
    );
}

#[test]
fn a_crate_rustdoc_cannot_document_is_an_error_with_its_message() {
    let dir = demo_crate();
    write_lib(dir.path(), "pub fn broken( {}\n");
    let out = public_api(dir.path(), &["--check"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`cargo rustdoc` failed") && stderr.contains("src/lib.rs"),
        "{stderr}"
    );
}

#[test]
fn another_rustdoc_json_format_is_refused_with_both_versions() {
    let error = xtask::public_api::check_format(
        r#"{"format_version": 12, "root": 0}"#,
        Path::new("target/doc/demo.json"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("format 12")
            && error.contains(&format!("format {}", xtask::public_api::FORMAT_VERSION))
            && error.contains("pin `public-api`"),
        "{error}"
    );
}

#[test]
fn json_the_lister_cannot_read_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("demo.json");
    // The right format version, but not a crate.
    std::fs::write(
        &json,
        format!(
            r#"{{"format_version": {}, "root": 0}}"#,
            xtask::public_api::FORMAT_VERSION
        ),
    )
    .unwrap();
    let error = xtask::public_api::listing_from_json(&json)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("demo.json") && error.contains("not rustdoc JSON this xtask can read"),
        "{error}"
    );
}

/// [`demo_crate`] with a second library, `demo-other`, in its workspace.
fn demo_workspace() -> tempfile::TempDir {
    let dir = demo_crate();
    let manifest = dir.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("[workspace]\n", "[workspace]\nmembers = [\"other\"]\n"),
    )
    .unwrap();
    let other = dir.path().join("other");
    std::fs::create_dir_all(other.join("src")).unwrap();
    std::fs::write(
        other.join("Cargo.toml"),
        "[package]\nname = \"demo-other\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    )
    .unwrap();
    write_other(&other, "");
    dir
}

fn write_other(other: &Path, extra: &str) {
    std::fs::write(
        other.join("src/lib.rs"),
        format!("//! Another.\n/// One.\npub fn one() -> u8 {{ 1 }}\n{extra}"),
    )
    .unwrap();
}

/// `cargo xtask public-api ARGS` in `root`.
fn public_api_in(root: &Path, args: &[&str]) -> Output {
    support::xtask(root, &[&["public-api"], args].concat())
}

#[test]
fn all_checks_every_crate_with_a_listing_and_reports_each_difference() {
    let dir = demo_workspace();
    // `--all` needs a listing to start from.
    let none = public_api_in(dir.path(), &["--check", "--all"]);
    assert_eq!(none.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&none.stderr);
    assert!(
        stderr.contains("no library of this workspace has a public-api.txt"),
        "{stderr}"
    );

    // Several `--crate`s write several listings.
    let wrote = public_api_in(
        dir.path(),
        &["--crate", "demo-api", "--crate", "demo-other"],
    );
    assert!(
        wrote.status.success(),
        "{}",
        String::from_utf8_lossy(&wrote.stderr)
    );
    let other_listing = std::fs::read_to_string(dir.path().join("other/public-api.txt")).unwrap();
    assert!(
        other_listing.contains("pub fn demo_other::one() -> u8"),
        "{other_listing}"
    );
    let check = public_api_in(dir.path(), &["--check", "--all"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    // A change in the second crate fails the check with its diff, and the
    // first is still checked in the same run.
    write_other(
        &dir.path().join("other"),
        "/// Two.\npub fn two() -> u8 { 2 }\n",
    );
    let check = public_api_in(dir.path(), &["--check", "--all"]);
    assert_eq!(check.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        stdout.contains("public-api.txt is up to date with the API of demo-api")
            && stdout.contains("+++ b/other/public-api.txt")
            && stdout.contains("+pub fn demo_other::two() -> u8"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("cargo xtask public-api --crate demo-other"),
        "{stderr}"
    );

    // `--all` without `--check` rewrites every listing.
    assert!(public_api_in(dir.path(), &["--all"]).status.success());
    assert!(
        public_api_in(dir.path(), &["--check", "--all"])
            .status
            .success()
    );
}
