//! Every way generation can fail, each naming the file and the problem.

use std::path::PathBuf;

/// Why the spec could not be turned into code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// No workspace was found from the current directory.
    #[error(
        "cannot find the jumpcloud-graph workspace at or above {cwd} (a directory with \
         Cargo.toml and openapi/jumpcloud-user-graph.yaml); run from inside a checkout \
         or pass --root DIR"
    )]
    NoWorkspace {
        /// Where the search started.
        cwd: PathBuf,
    },
    /// `--crate` names no library package of the workspace.
    #[error("no library package `{name}` in this workspace (known: {known})")]
    UnknownCrate {
        /// The name asked for.
        name: String,
        /// The workspace's library packages.
        known: String,
    },
    /// `public-api --all` found no crate with a listing to work on.
    #[error(
        "no library of this workspace has a public-api.txt beside its Cargo.toml; create \
         one with `cargo xtask public-api --crate NAME`"
    )]
    NoListing,
    /// A command this task runs failed.
    #[error("`{command}` failed:\n{message}")]
    Command {
        /// The command, e.g. `cargo rustdoc`.
        command: String,
        /// What it printed on stderr, or why it could not start.
        message: String,
    },
    /// rustdoc wrote a JSON format this xtask does not read.
    #[error(
        "{path}: rustdoc JSON format {found}, but this xtask reads format {expected} (the \
         format of Rust 1.95). With another toolchain, pin `public-api` in xtask/Cargo.toml \
         to the release that reads format {found} (its `rustdoc-types` dependency is \
         {found}.x) and `rustdoc-types` to {found}.x with it, or run with Rust 1.95."
    )]
    RustdocFormat {
        /// The JSON file.
        path: PathBuf,
        /// The format it declares.
        found: u32,
        /// The format this xtask reads.
        expected: u32,
    },
    /// rustdoc's JSON does not match the format it declares, or the lister
    /// failed on it.
    #[error("{path}: not rustdoc JSON this xtask can read: {message}")]
    InvalidRustdocJson {
        /// The JSON file.
        path: PathBuf,
        /// The deserializer's message.
        message: String,
    },
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is larger than [`crate::MAX_INPUT_BYTES`].
    #[error("{path}: {}", crate::input::too_large(*.size))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
    },
    /// A component refers back to itself through `$ref`s.
    #[error("{path}: {message}")]
    RefCycle {
        /// The file.
        path: PathBuf,
        /// The cycles, named.
        message: String,
    },
    /// The text is not valid YAML or JSON.
    #[error("{path}: not valid {format}: {message}")]
    Unparseable {
        /// The file.
        path: PathBuf,
        /// `YAML` or `JSON`.
        format: &'static str,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The document is not OpenAPI 3.0.x.
    #[error(
        "{path}: {found} is not supported; progenitor {progenitor} reads OpenAPI 3.0.x only \
         (convert the document to `openapi: 3.0.3`)"
    )]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// What the document declares, e.g. `OpenAPI 3.1.0` or `Swagger 2.0`.
        found: String,
        /// The pinned progenitor version.
        progenitor: &'static str,
    },
    /// An operation has no `operationId`, or two share one.
    #[error("{path}: {problem}")]
    OperationIds {
        /// The file.
        path: PathBuf,
        /// Which operations and what is wrong.
        problem: String,
    },
    /// The document is YAML/JSON but does not match the OpenAPI 3.0 schema.
    #[error("{path}: not a valid OpenAPI 3.0 document: {message}")]
    InvalidDocument {
        /// The file.
        path: PathBuf,
        /// The deserializer's message.
        message: String,
    },
    /// progenitor rejected the document with an error.
    #[error("{path}: progenitor cannot generate code: {message}")]
    Generator {
        /// The file.
        path: PathBuf,
        /// progenitor's message.
        message: String,
    },
    /// progenitor panicked on a shape it does not support.
    #[error("{path}: progenitor cannot generate {operation}: {message}{hint}")]
    GeneratorPanic {
        /// The file.
        path: PathBuf,
        /// The operation that triggers the panic, when it could be isolated.
        operation: String,
        /// The panic message.
        message: String,
        /// What usually causes this panic, if known (starts with a newline).
        hint: String,
    },
    /// An operation has a shape the request builders (`requests`, which the
    /// facade sends with) cannot reproduce exactly, e.g. a cookie parameter
    /// or a query parameter in `deepObject` style.
    #[error("{path}: cannot build requests for operation `{operation}`: {problem}")]
    RequestBuilder {
        /// The file.
        path: PathBuf,
        /// The operationId.
        operation: String,
        /// What is not supported, and what to do instead.
        problem: String,
    },
    /// progenitor produced tokens that are not a Rust file (a generator bug).
    #[error("{path}: the generated code does not parse as Rust: {message}")]
    InvalidOutput {
        /// The file.
        path: PathBuf,
        /// syn's message.
        message: String,
    },
}
