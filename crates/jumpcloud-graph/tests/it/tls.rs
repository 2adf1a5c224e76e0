//! TLS certificates are verified: a server whose certificate no trusted
//! authority signed is refused with a transport error, and the request
//! (with its API key) never reaches it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use jumpcloud_graph::{Client, RetryPolicy};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

#[tokio::test]
async fn a_self_signed_certificate_is_refused() {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let chain = vec![CertificateDer::from(certified.cert.der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests_read = Arc::new(AtomicUsize::new(0));
    let seen = requests_read.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            // The handshake fails when the client rejects the certificate,
            // so no request bytes are ever read here.
            if let Ok(mut tls) = acceptor.accept(stream).await {
                let mut buffer = [0u8; 1024];
                if tls.read(&mut buffer).await.is_ok_and(|n| n > 0) {
                    seen.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
    });

    let client = Client::builder()
        .api_key("a-key-that-must-not-travel")
        .base_url(format!("https://localhost:{port}/api/v2"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client
        .user("5f1b0c2e9c1a4b0012345678")
        .unwrap()
        .systems()
        .try_collect()
        .await
        .unwrap_err();
    assert!(
        error.is_transport(),
        "expected a transport error, got {error:?}"
    );
    let mut causes = String::new();
    let mut cause = std::error::Error::source(&error);
    while let Some(c) = cause {
        causes.push_str(&c.to_string());
        cause = c.source();
    }
    assert!(causes.to_lowercase().contains("certificate"), "{causes}");
    assert_eq!(
        requests_read.load(Ordering::SeqCst),
        0,
        "no request was sent"
    );
}
