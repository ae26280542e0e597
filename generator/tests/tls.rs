//! TLS of a generated client (the Resend crate) with the default features (`rustls-ring`):
//! building a client installs ring as rustls's process-default crypto provider when none is
//! installed, keeps a provider installed before, installs nothing when the caller brings a
//! `reqwest::Client`, and makes HTTPS calls with ring: to a TLS server on 127.0.0.1 whose
//! certificate a test CA signed (`support/tls/`, read through `SSL_CERT_FILE`), and refused
//! when that CA is not trusted.
//!
//! The process-default provider is set at most once per process, so each test runs in a
//! process of its own: the test binary runs itself again with just that test (`--exact`) and
//! `TLS_TEST_CHILD` set, and the test's body runs there.

// The crate denies these lints; `clippy.toml` allows them inside `#[test]` functions only, and
// the helpers below are plain functions. A panic in a test is a failed test, not a crash.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::ffi::OsString;
use std::future::IntoFuture;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use resend_client::{ApiResponse, Client, Error, Method, reqwest};
use rustls::crypto::{CryptoProvider, ring};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

const API_KEY: &str = "re_test";

/// Set in the child process that runs one test's body.
const CHILD: &str = "TLS_TEST_CHILD";

/// In the test process: runs the test `name` again in a child process, with `env` added
/// (and proxies and other certificate settings removed), fails unless its one test passed,
/// and returns `false`. In that child: returns `true`, and the caller runs its body.
fn in_own_process(name: &str, env: &[(&str, OsString)]) -> bool {
    if std::env::var_os(CHILD).is_some() {
        return true;
    }
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1");
    for variable in [
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        command.env_remove(variable);
    }
    command.envs(env.iter().map(|(k, v)| (k, v)));
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("test result: ok. 1 passed"),
        "`{name}` in its own process failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    false
}

/// A file of `support/tls/`.
fn tls_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/support/tls")
        .join(name)
}

/// Whether `provider` is ring's default provider (its suites, key exchange groups,
/// signature algorithms and key provider all print the same).
fn is_ring(provider: &CryptoProvider) -> bool {
    format!("{provider:?}") == format!("{:?}", ring::default_provider())
}

/// A client of the default settings that sends to `base_url`, trying each call once.
fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base_url)
        .max_retries(0)
        .build()
        .unwrap()
}

/// Serves one HTTPS connection on 127.0.0.1 with the test CA's certificate for `localhost`
/// and `127.0.0.1` (ring's provider, HTTP/1.1): answers one request with a small JSON body.
/// Gives the port and a handle whose result is the request head, or the handshake's error.
fn serve_once() -> (u16, JoinHandle<Result<String, String>>) {
    let certs = CertificateDer::pem_file_iter(tls_file("localhost.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(tls_file("localhost-key.pem")).unwrap();
    let mut config =
        rustls::ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = thread::spawn(move || {
        let (tcp, _) = listener.accept().map_err(|e| e.to_string())?;
        let connection = rustls::ServerConnection::new(config).map_err(|e| e.to_string())?;
        let mut stream = rustls::StreamOwned::new(connection, tcp);
        let mut head = Vec::new();
        let mut buffer = [0u8; 1024];
        while !head.ends_with(b"\r\n\r\n") {
            let read = stream.read(&mut buffer).map_err(|e| e.to_string())?;
            if read == 0 {
                return Err("the connection closed before the request's head ended".into());
            }
            head.extend_from_slice(&buffer[..read]);
        }
        let body = br#"{"over":"tls"}"#;
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
             connection: close\r\n\r\n",
            body.len()
        );
        stream
            .write_all(answer.as_bytes())
            .and_then(|()| stream.write_all(body))
            .map_err(|e| e.to_string())?;
        stream.conn.send_close_notify();
        stream.flush().map_err(|e| e.to_string())?;
        Ok(String::from_utf8_lossy(&head).into_owned())
    });
    (port, handle)
}

/// The error and its sources, each on a line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(next) = source {
        text.push_str("\n  caused by: ");
        text.push_str(&next.to_string());
        source = next.source();
    }
    text
}

#[test]
fn building_a_client_installs_ring_when_no_provider_is_installed() {
    if !in_own_process(
        "building_a_client_installs_ring_when_no_provider_is_installed",
        &[],
    ) {
        return;
    }
    assert!(CryptoProvider::get_default().is_none());
    client("https://127.0.0.1:9");
    let installed = CryptoProvider::get_default().expect("a provider installed by the client");
    assert!(is_ring(installed), "installed: {installed:?}");
    // A second client finds it and changes nothing.
    client("https://127.0.0.1:9");
    assert!(std::ptr::eq(
        installed,
        CryptoProvider::get_default().unwrap()
    ));
}

#[test]
fn a_provider_installed_before_is_kept() {
    if !in_own_process("a_provider_installed_before_is_kept", &[]) {
        return;
    }
    // Ring with one cipher suite: told apart from the provider the client would install.
    let mut mine = ring::default_provider();
    mine.cipher_suites.truncate(1);
    mine.install_default().unwrap();
    client("https://127.0.0.1:9");
    let installed = CryptoProvider::get_default().unwrap();
    assert_eq!(installed.cipher_suites.len(), 1);
    assert!(!is_ring(installed));
}

#[test]
fn a_reqwest_client_of_your_own_installs_nothing() {
    if !in_own_process("a_reqwest_client_of_your_own_installs_nothing", &[]) {
        return;
    }
    // reqwest with a TLS configuration of its own needs no process default either.
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .unwrap();
    Client::builder()
        .api_key(API_KEY)
        .base_url("https://127.0.0.1:9")
        .http_client(http)
        .build()
        .unwrap();
    assert!(CryptoProvider::get_default().is_none());
}

/// `GET /tls-check` over HTTPS to the server on `port`, through a client of the crate.
fn tls_check(port: u16) -> Result<ApiResponse<serde_json::Value>, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = client(&format!("https://127.0.0.1:{port}"));
    runtime.block_on(client.request(Method::GET, "/tls-check").into_future())
}

#[test]
fn https_to_a_server_the_trusted_ca_signed() {
    if !in_own_process(
        "https_to_a_server_the_trusted_ca_signed",
        &[("SSL_CERT_FILE", tls_file("ca.pem").into())],
    ) {
        return;
    }
    let (port, server) = serve_once();
    let response =
        tls_check(port).unwrap_or_else(|error| panic!("the HTTPS call failed: {}", chain(&error)));
    assert_eq!(response.body(), &serde_json::json!({ "over": "tls" }));
    let head = server.join().unwrap().unwrap();
    assert!(head.starts_with("GET /tls-check HTTP/1.1\r\n"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains(&format!("authorization: bearer {API_KEY}\r\n")),
        "{head}"
    );
    assert!(is_ring(CryptoProvider::get_default().unwrap()));
}

#[test]
fn https_to_a_server_no_trusted_ca_signed_is_refused() {
    // The server's own certificate is the only root: its issuer, the test CA, is unknown.
    if !in_own_process(
        "https_to_a_server_no_trusted_ca_signed_is_refused",
        &[("SSL_CERT_FILE", tls_file("localhost.pem").into())],
    ) {
        return;
    }
    let (port, server) = serve_once();
    let error = tls_check(port).expect_err("a server signed by an unknown CA is refused");
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    let text = chain(&error);
    assert!(text.contains("invalid peer certificate"), "{text}");
    // The server saw the handshake fail, not a request.
    assert!(server.join().unwrap().is_err());
}
