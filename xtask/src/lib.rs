//! The maintainer tasks behind `cargo xtask`, as a library so that their
//! checks also run inside `cargo test`:
//!
//! - `generate [--check]`: the low-level crate from the OpenAPI fragments
//!   ([`FRAGMENTS`]: the user graph, and the v1 and v2 directory lookups),
//!   each with the table of operations the facade and sandbox use and the
//!   request builders the facade sends with;
//! - `sync --from FILE [--out FILE] [--check]`: the fragment from
//!   JumpCloud's published spec and `openapi/deviations.yaml` ([`sync`]);
//! - `public-api [--check] [--crate NAME]... [--all]`: a crate's public API as a
//!   reviewed listing ([`public_api`]).
//!
//! Generation's flow is: [`Spec::load`] reads and validates the OpenAPI fragment,
//! [`render`] turns it into the checked-in Rust source with progenitor and
//! prettyplease, [`check_drift`] compares that with what is on disk, and
//! [`surface_summary`] describes the generated public surface for review.
//!
//! ```no_run
//! use xtask::{Workspace, check_drift, render, Spec, Drift};
//!
//! let ws = Workspace::locate()?;
//! let spec = Spec::load(&ws.spec_path())?;
//! let code = render(&spec)?;
//! let name = ws.display(&ws.generated_path());
//! match check_drift(&code, &ws.generated_path(), &name)? {
//!     Drift::UpToDate => println!("in sync"),
//!     Drift::Stale { diff } | Drift::Missing { diff } => println!("{diff}"),
//! }
//! # Ok::<(), xtask::GenerateError>(())
//! ```

mod drift;
mod error;
mod generate;
mod impact;
mod input;
pub mod public_api;
mod refs;
mod requests;
mod spec;
mod surface;
pub mod sync;
mod workspace;

pub use drift::{Drift, check_drift, diff_creating, diff_texts};
pub use error::GenerateError;
pub use generate::{PROGENITOR_VERSION, render};
pub use impact::{Impact, facade_impact, workspace_sources};
pub use input::{MAX_INPUT_BYTES, MAX_NODES, MAX_TEXT_BYTES, MAX_YAML_BYTES};
pub use spec::{OperationInfo, Spec};
pub use surface::surface_summary;
pub use workspace::{
    DIRECTORY_V1, DIRECTORY_V2, FRAGMENTS, Fragment, GENERATED, SPEC, USER_GRAPH, Workspace,
};
