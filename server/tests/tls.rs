//! TLS 1.3 in the real `samtal serve`: with `--tls-cert`/`--tls-key` it speaks TLS 1.3 and
//! nothing older (a TLS 1.2 client is refused although rustls' `tls12` feature is in the
//! build), offers h2 and http/1.1, serves over it, and reloads its certificate on SIGHUP (a
//! broken pair is refused and the old one stays). Certificates are made by `openssl`.
use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::Duration,
};

use rustls::{
    pki_types::{pem::PemObject, CertificateDer, ServerName},
    ClientConfig, RootCertStore,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BIN: &str = env!("CARGO_BIN_EXE_samtal");

fn make_cert(dir: &Path, name: &str, cn: &str) {
    let out = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"])
        .arg("-keyout")
        .arg(dir.join(format!("{name}.key")))
        .arg("-out")
        .arg(dir.join(format!("{name}.pem")))
        .args(["-subj", &format!("/CN={cn}"), "-addext", &format!("subjectAltName=DNS:{cn},DNS:demo.{cn}")])
        // A server's own certificate, not a CA's (webpki refuses a CA as the end entity).
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .output()
        .expect("openssl");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `samtal serve` on a free port with `extra` flags and waits for its "running at
/// <scheme>://" line.
fn start(dir: &Path, scheme: &str, extra: &[&str]) -> Server {
    std::fs::create_dir_all(dir.join("site/pkg")).expect("site");
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--generate-master-key"])
        .arg("--site-root")
        .arg(dir.join("site"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(extra)
        .env("SAMTAL_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn samtal");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read");
    let port = line
        .trim()
        .strip_prefix(&format!("Samtal is running at {scheme}://127.0.0.1:"))
        .and_then(|r| r.trim_end_matches('/').parse().ok())
        .unwrap_or_else(|| panic!("not serving {scheme}: {line}"));
    Server { child, port }
}

/// With TLS from `dir/<cert>.pem` and `.key`.
fn serve(dir: &Path, cert: &str) -> Server {
    let (pem, key) = (dir.join(format!("{cert}.pem")), dir.join(format!("{cert}.key")));
    let (pem, key) = (pem.to_str().expect("path"), key.to_str().expect("path"));
    start(dir, "https", &["--tls-cert", pem, "--tls-key", key])
}

fn client(roots_from: &Path, versions: &[&'static rustls::SupportedProtocolVersion], alpn: &[&[u8]]) -> ClientConfig {
    let mut roots = RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(roots_from).expect("pem") {
        roots.add(c.expect("cert")).expect("root");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    config
}

/// Connects; on success, the negotiated protocol version, ALPN and the peer's certificate.
async fn connect(
    port: u16,
    config: ClientConfig,
) -> std::io::Result<tokio_rustls::client::TlsStream<tokio::net::TcpStream>> {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let name = ServerName::try_from("localhost").expect("name");
    tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_speaks_tls_13_only_offers_h2_and_reloads_its_certificate() {
    let dir = tempfile::tempdir().expect("tempdir");
    make_cert(dir.path(), "first", "localhost");
    let server = serve(dir.path(), "first");
    let first = dir.path().join("first.pem");

    // TLS 1.2 is refused: the config decides, whatever features the build has.
    let old = connect(server.port, client(&first, &[&rustls::version::TLS12], &[b"http/1.1"])).await;
    let refusal = old.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        refusal.to_lowercase().contains("protocolversion") || refusal.to_lowercase().contains("protocol version"),
        "not refused for its version: {refusal:?}"
    );

    // TLS 1.3 with h2 offered: h2 is chosen.
    let tls =
        connect(server.port, client(&first, &[&rustls::version::TLS13], &[b"h2", b"http/1.1"])).await.expect("tls 1.3");
    let (_, session) = tls.get_ref();
    assert_eq!(session.protocol_version(), Some(rustls::ProtocolVersion::TLSv1_3));
    assert_eq!(session.alpn_protocol(), Some(&b"h2"[..]));
    drop(tls);

    // One address holds at most 16 handshakes: silent connections take them, a 17th is
    // closed at once, and they come back when the silent ones go.
    let silent: Vec<_> =
        (0..16).map(|_| std::net::TcpStream::connect(("127.0.0.1", server.port)).expect("tcp")).collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let crowded = connect(server.port, client(&first, &[&rustls::version::TLS13], &[b"http/1.1"])).await;
    assert!(crowded.is_err(), "a 17th handshake from one address was taken");
    drop(silent);
    tokio::time::sleep(Duration::from_millis(300)).await;

    // HTTP/1.1 over TLS 1.3: a real answer.
    let mut tls = connect(server.port, client(&first, &[&rustls::version::TLS13], &[b"http/1.1"])).await.expect("tls");
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await.expect("write");
    let mut answer = String::new();
    tls.read_to_string(&mut answer).await.expect("read");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("strict-transport-security"), "HSTS as before: {answer}");

    // A broken pair on SIGHUP is refused: the first certificate still serves.
    std::fs::write(dir.path().join("first.key"), "not a key").expect("break");
    let hup = |pid: u32| Command::new("kill").args(["-HUP", &pid.to_string()]).status().expect("kill");
    assert!(hup(server.child.id()).success());
    tokio::time::sleep(Duration::from_millis(500)).await;
    connect(server.port, client(&first, &[&rustls::version::TLS13], &[b"http/1.1"])).await.expect("the old pair stays");

    // A new good pair on SIGHUP: new connections get it, and the first no longer verifies.
    std::fs::copy(&first, dir.path().join("original.pem")).expect("keep");
    make_cert(dir.path(), "second", "localhost");
    for ext in ["pem", "key"] {
        std::fs::copy(dir.path().join(format!("second.{ext}")), dir.path().join(format!("first.{ext}"))).expect("swap");
    }
    assert!(hup(server.child.id()).success());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let second = dir.path().join("second.pem");
    connect(server.port, client(&second, &[&rustls::version::TLS13], &[b"http/1.1"])).await.expect("the new pair");
    let original = dir.path().join("original.pem");
    assert!(
        connect(server.port, client(&original, &[&rustls::version::TLS13], &[b"http/1.1"])).await.is_err(),
        "the first certificate is no longer served"
    );
}

#[test]
fn a_certificate_without_its_key_is_refused_at_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("site/pkg")).expect("site");
    let out = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--generate-master-key", "--tls-cert", "/nonexistent/cert.pem"])
        .arg("--site-root")
        .arg(dir.path().join("site"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--tls-key"), "{err}");
    make_cert(dir.path(), "c", "localhost");
    std::fs::write(dir.path().join("c.key"), "garbage").expect("write");
    let out = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--generate-master-key"])
        .arg("--site-root")
        .arg(dir.path().join("site"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("--tls-cert")
        .arg(dir.path().join("c.pem"))
        .arg("--tls-key")
        .arg(dir.path().join("c.key"))
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TLS:") && err.contains("c.key"), "{err}");
}

/// A client that trickles its headers is cut off after `--header-read-timeout`, plain HTTP or
/// TLS alike (the server loop has a timer; axum's `serve` had none), while a whole request on
/// another connection is answered.
#[test]
fn a_client_that_never_finishes_its_headers_is_cut_off() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start(dir.path(), "http", &["--header-read-timeout", "1"]);
    let mut slow = std::net::TcpStream::connect(("127.0.0.1", server.port)).expect("tcp");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n").expect("write");
    let mut whole = std::net::TcpStream::connect(("127.0.0.1", server.port)).expect("tcp");
    whole.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").expect("write");
    let mut answer = String::new();
    whole.read_to_string(&mut answer).expect("read");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    slow.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    let closed = slow.read_to_end(&mut rest);
    assert!(closed.is_ok(), "the server did not close it within 5 s: {closed:?}");
    assert!(started.elapsed() < Duration::from_secs(4), "closed only after {:?}", started.elapsed());
    assert!(!String::from_utf8_lossy(&rest).contains("200 OK"), "the unfinished request was answered");
}

/// SIGTERM stops taking connections and waits for open ones at most `--drain-seconds`: a
/// client holding a request open (headers half sent, a long header timeout) does not keep the
/// server from exiting 0 soon after.
#[test]
fn sigterm_waits_for_open_connections_only_the_drain_time() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = start(dir.path(), "http", &["--header-read-timeout", "300", "--drain-seconds", "1"]);
    let port = server.port;
    let mut held = std::net::TcpStream::connect(("127.0.0.1", port)).expect("tcp");
    held.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n").expect("write");
    std::thread::sleep(Duration::from_millis(200));
    let started = std::time::Instant::now();
    assert!(Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().expect("kill").success());
    let deadline = started + Duration::from_secs(8);
    let status = loop {
        if let Some(s) = server.child.try_wait().expect("wait") {
            break s;
        }
        assert!(std::time::Instant::now() < deadline, "still running 8 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    // The port is closed: nothing listens any more.
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    drop(held);
}
