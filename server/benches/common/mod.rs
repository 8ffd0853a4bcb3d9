//! What the bench binaries share: a keep-alive HTTP/1.1 client on loopback (no client library,
//! so its own cost stays small and visible), argument parsing, percentiles and memory readings.
#![allow(dead_code)] // each bench uses a different part
use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

pub fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

pub fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The real router on a loopback listener (client addresses passed on, as `samtal serve` does);
/// returns its port. The site root is empty: pages render, the bundle is not needed.
pub async fn serve(state: app::core::state::AppState) -> u16 {
    let site = tempfile::tempdir().expect("site");
    std::fs::create_dir_all(site.path().join("pkg")).expect("pkg");
    let http = server::http::HttpConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        site_root: site.keep(),
        max_body_bytes: 1 << 20,
        ..Default::default()
    };
    let router = server::http::router(&http, state);
    let listener = server::http::bind("127.0.0.1:0".parse().expect("addr")).expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(listener, service).await.expect("serve")
    });
    port
}

pub struct Reply {
    pub status: u16,
    /// Status line and headers as sent.
    pub head: String,
    pub body: Vec<u8>,
    pub took: Duration,
}

impl Reply {
    /// The value of the session cookie the reply sets, if any.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (key, v) = l.split_once(':')?;
            if !key.eq_ignore_ascii_case("set-cookie") {
                return None;
            }
            let v = v.trim().strip_prefix(name)?.strip_prefix('=')?;
            Some(v.split(';').next()?.to_string())
        })
    }
}

/// One keep-alive HTTP/1.1 connection that posts form-encoded server-function calls.
pub struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    pub async fn connect(port: u16) -> Self {
        Self::connect_from(port, std::net::Ipv4Addr::LOCALHOST).await
    }

    /// Connects from a chosen loopback source address (all of 127.0.0.0/8 is this machine), so
    /// one bench process can be many clients to the server's per-address limits.
    pub async fn connect_from(port: u16, source: std::net::Ipv4Addr) -> Self {
        assert!(source.is_loopback(), "benches talk to loopback only");
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.bind((source, 0).into()).expect("bind the source address");
        let stream = socket.connect((std::net::Ipv4Addr::LOCALHOST, port).into()).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Self { stream, buf: Vec::with_capacity(4096) }
    }

    /// POSTs `body` to `path` at tenant `tenant` as a same-origin browser would.
    pub async fn post(&mut self, tenant: &str, path: &str, body: &str, cookie: Option<&str>) -> Reply {
        let cookie = cookie.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
        let req = format!(
            "POST {path} HTTP/1.1\r\nHost: {tenant}.localhost\r\nOrigin: http://{tenant}.localhost\r\n\
             Accept: application/json\r\n{cookie}\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.send(req).await
    }

    /// GETs a page (server-rendered HTML, possibly chunked).
    pub async fn get(&mut self, tenant: &str, path: &str, cookie: Option<&str>) -> Reply {
        let cookie = cookie.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
        let req = format!("GET {path} HTTP/1.1\r\nHost: {tenant}.localhost\r\nAccept: text/html\r\n{cookie}\r\n");
        self.send(req).await
    }

    async fn send(&mut self, req: String) -> Reply {
        let start = Instant::now();
        self.stream.write_all(req.as_bytes()).await.expect("write");
        self.buf.clear();
        loop {
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk).await.expect("read");
            assert!(n > 0, "server closed the connection");
            self.buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buf[..end]).into_owned();
                let lower = head.to_ascii_lowercase();
                if lower.contains("transfer-encoding: chunked") {
                    // Good enough for a bench: the body is complete at the last-chunk marker.
                    if self.buf.ends_with(b"\r\n0\r\n\r\n") {
                        let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
                        let body = self.buf[end + 4..].to_vec();
                        return Reply { status, head, body, took: start.elapsed() };
                    }
                    continue;
                }
                let len: usize = lower
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .expect("content-length");
                if self.buf.len() >= end + 4 + len {
                    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
                    let body = self.buf[end + 4..end + 4 + len].to_vec();
                    return Reply { status, head, body, took: start.elapsed() };
                }
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

pub fn report(label: &str, mut lat: Vec<Duration>, wall: Duration) {
    lat.sort();
    println!(
        "{label:<44} {:>7} req  {:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms",
        lat.len(),
        lat.len() as f64 / wall.as_secs_f64(),
        percentile(&lat, 0.50).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
    );
}
