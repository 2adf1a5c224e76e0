//! TLS: rustls, with the `ring` provider under the default `tls-ring`
//! feature, and the platform's certificate verifier (the system's roots).
//!
//! reqwest's own rustls default uses `aws-lc-rs`, whose C build is the
//! largest part of a cold build of this crate; `ring` verifies the same
//! certificates with a fraction of the build. This client's configuration
//! is handed to reqwest as-is.
//!
//! One process-wide effect is unavoidable: the feature compiles reqwest
//! with `rustls-no-provider`, and under it any *other* `reqwest::Client`
//! in the program panics when built unless a default rustls provider is
//! installed (reqwest's rule). So building a client installs `ring` as
//! the process default **if the program has not installed one**; an
//! application that wants another provider installs it first.

use std::sync::Arc;

use rustls_platform_verifier::BuilderVerifierExt;

use crate::Error;

/// The client TLS configuration for the `tls-ring` feature. Also installs
/// `ring` as the process default provider when there is none (see the
/// module docs).
pub(crate) fn ring_config() -> Result<rustls::ClientConfig, Error> {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one in between; either way one is set.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map_err(|e| Error::invalid("tls", format!("TLS cannot be configured: {e}")))?
        .with_no_client_auth();
    Ok(config)
}
