//! Tenancy benchmarks (a bench binary; figures are printed, never asserted):
//!   cargo bench -p server --bench tenancy -- [--tenants N] [--requests N] [--concurrency N]
//! 1. creating N SQLite tenants (time per tenant);
//! 2. through the HTTP router on a real loopback listener: resolve tenant + acquire connection +
//!    trivial query (the `organisation/name` server function), warm (one tenant, pool open) and
//!    cold (every request to a tenant whose pool is not open), req/s and p50/p99;
//! 3. touching all N tenants in turn through the router, with peak RSS (VmHWM) and open pools;
//! 4. `samtal migrate` over the N up-to-date tenants (a separate process).
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use app::{
    core::{
        state::AppState,
        tenancy::{provision::StorageTarget, Tenancy, TenancyConfig},
    },
    model::slug::Slug,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rss_kib(field: &str) -> u64 {
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

fn slug(i: usize) -> Slug {
    Slug::parse(&format!("t{i}")).expect("slug")
}

/// One keep-alive HTTP/1.1 connection that posts to the organisation-name server function.
struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    async fn connect(port: u16) -> Self {
        let stream = TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Self { stream, buf: Vec::with_capacity(4096) }
    }

    async fn org_name(&mut self, tenant: &str) -> Duration {
        let req = format!(
            "POST /api/organisation/name HTTP/1.1\r\nHost: {tenant}.localhost\r\n\
             Origin: http://{tenant}.localhost\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n\r\n"
        );
        let start = Instant::now();
        self.stream.write_all(req.as_bytes()).await.expect("write");
        self.buf.clear();
        loop {
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk).await.expect("read");
            assert!(n > 0, "server closed the connection");
            self.buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buf[..end]).to_ascii_lowercase();
                assert!(head.starts_with("http/1.1 200"), "{head}");
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .expect("content-length");
                if self.buf.len() >= end + 4 + len {
                    break;
                }
            }
        }
        start.elapsed()
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn report(label: &str, mut lat: Vec<Duration>, wall: Duration) {
    lat.sort();
    let p = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)];
    println!(
        "{label:<44} {:>7} req  {:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms",
        lat.len(),
        lat.len() as f64 / wall.as_secs_f64(),
        p(0.50).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3,
    );
}

/// `concurrency` clients, each sending `per_client` requests to tenants chosen by `pick`.
async fn load(
    port: u16,
    concurrency: usize,
    per_client: usize,
    pick: Arc<dyn Fn(usize, usize) -> String + Send + Sync>,
) -> (Vec<Duration>, Duration) {
    let start = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|c| {
            let pick = pick.clone();
            tokio::spawn(async move {
                let mut client = Client::connect(port).await;
                let mut lat = Vec::with_capacity(per_client);
                for i in 0..per_client {
                    lat.push(client.org_name(&pick(c, i)).await);
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("client"));
    }
    (all, start.elapsed())
}

#[tokio::main]
async fn main() {
    let tenants = arg("--tenants", 1000);
    let requests = arg("--requests", 20_000);
    let concurrency = arg("--concurrency", 32);
    let max_open = arg("--max-open", 100);
    let data = tempfile::tempdir().expect("tempdir");
    println!("tenancy bench: {tenants} SQLite tenants, {concurrency} clients, max {max_open} open pools");

    let key = app::core::keys::MasterKey::generate_file(&data.path().join("master.key")).expect("key");
    let mut config = TenancyConfig::new(data.path(), Arc::new(key));
    config.max_open_tenants = max_open;
    let tenancy = Tenancy::open(config).await.expect("tenancy");

    // 1. creation
    let start = Instant::now();
    for i in 0..tenants {
        tenancy.create_tenant(&slug(i), &format!("Tenant {i} AB"), StorageTarget::Sqlite).await.expect("create");
    }
    let took = start.elapsed();
    println!(
        "create {tenants} tenants: {:.1} s, {:.2} ms per tenant",
        took.as_secs_f64(),
        took.as_secs_f64() * 1e3 / tenants as f64
    );

    // The real router on a loopback listener.
    let site = tempfile::tempdir().expect("site");
    std::fs::create_dir_all(site.path().join("pkg")).expect("pkg");
    let http = server::http::HttpConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        site_root: site.path().to_path_buf(),
        max_body_bytes: 1 << 20,
    };
    let router = server::http::router(&http, AppState::new(tenancy.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });

    // 2a. warm: one tenant, pool open
    let _ = load(port, 1, 10, Arc::new(|_, _| "t0".to_string())).await;
    let per = requests / concurrency;
    let (lat, wall) = load(port, concurrency, per, Arc::new(|_, _| "t0".to_string())).await;
    report("warm: one tenant, pool open", lat, wall);

    // 2b. cold: each request to a tenant whose pool is not open (round robin over more
    // tenants than may be open at once, so every pool was evicted since its last use).
    tenancy.pools().close_all().await;
    let n = tenants;
    let cold_requests = n.min(requests);
    let per = (cold_requests / concurrency).max(1);
    let (lat, wall) = load(
        port,
        concurrency,
        per,
        Arc::new(move |c, i| format!("t{}", (i * 32 + c) % n)),
    )
    .await;
    report("cold: every request opens a tenant pool", lat, wall);
    println!("pools connected so far: {}", tenancy.pools().connects());

    // 3. touch every tenant in turn, one client, and watch memory
    tenancy.pools().close_all().await;
    let rss_before = rss_kib("VmRSS:");
    let start = Instant::now();
    let mut client = Client::connect(port).await;
    for i in 0..tenants {
        client.org_name(&format!("t{i}")).await;
    }
    let took = start.elapsed();
    println!(
        "touch {tenants} tenants in turn: {:.1} s, {:.2} ms per tenant; RSS before {} MiB, peak {} MiB, \
         now {} MiB; open pools {}",
        took.as_secs_f64(),
        took.as_secs_f64() * 1e3 / tenants as f64,
        rss_before / 1024,
        rss_kib("VmHWM:") / 1024,
        rss_kib("VmRSS:") / 1024,
        tenancy.pools().open_count()
    );
    tenancy.pools().close_all().await;
    tenancy.catalog().db().close().await;

    // 4. samtal migrate over up-to-date tenants, as its own process
    let start = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_samtal"))
        .args(["migrate", "--data-dir"])
        .arg(data.path())
        .env("SAMTAL_LOG_FORMAT", "json")
        .output()
        .expect("samtal migrate");
    println!(
        "samtal migrate over {tenants} up-to-date tenants: {:.2} s wall — {}",
        start.elapsed().as_secs_f64(),
        String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").trim()
    );
}
