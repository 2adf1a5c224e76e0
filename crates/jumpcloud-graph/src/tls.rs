//! TLS: rustls, with the `ring` provider under the default `tls-ring`
//! feature, and the platform's certificate verifier (the system's roots).
//!
//! reqwest's own rustls default uses `aws-lc-rs`, whose C build is the
//! largest part of a cold build of this crate; `ring` verifies the same
//! certificates with a fraction of the build. The configuration is handed
//! to reqwest as-is, so no process-wide default provider is installed
//! behind the application's back.

use std::sync::Arc;

use rustls_platform_verifier::BuilderVerifierExt;

use crate::Error;

/// The client TLS configuration for the `tls-ring` feature.
pub(crate) fn ring_config() -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map_err(|e| Error::invalid("tls", format!("TLS cannot be configured: {e}")))?
        .with_no_client_auth();
    Ok(config)
}
