//! Helpers shared by the workspace-level tests in `tests/tests/`.
//!
//! - [`json_mock`]: random, schema-valid JSON for any `schemars::JsonSchema`
//!   type, so every generated type can be round-tripped through serde.
//! - [`requests`]: renders requests captured by a wiremock server as stable
//!   text for insta snapshots, with secrets masked.

pub mod json_mock;
pub mod requests;

/// Installs rustls' `ring` provider as the process default, if none is.
///
/// The facade's default `tls-ring` feature builds reqwest with
/// `rustls-no-provider`, under which building a plain `reqwest::Client`
/// (as the generated client's `Client::new` does) needs a default provider.
pub fn install_tls_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// The README's Rust examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
