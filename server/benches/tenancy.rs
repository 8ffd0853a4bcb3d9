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
mod common;
use common::{arg, report, rss_kib, Client};

fn slug(i: usize) -> Slug {
    Slug::parse(&format!("t{i}")).expect("slug")
}

async fn org_name(client: &mut Client, tenant: &str) -> Duration {
    let r = client.post(tenant, "/api/organisation/name", "", None).await;
    assert_eq!(r.status, 200, "{}", r.head);
    r.took
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
                    lat.push(org_name(&mut client, &pick(c, i)).await);
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
    let port = common::serve(AppState::new(tenancy.clone())).await;

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
    let (lat, wall) = load(port, concurrency, per, Arc::new(move |c, i| format!("t{}", (i * 32 + c) % n))).await;
    report("cold: every request opens a tenant pool", lat, wall);
    println!("pools connected so far: {}", tenancy.pools().connects());

    // 3. touch every tenant in turn, one client, and watch memory
    tenancy.pools().close_all().await;
    let rss_before = rss_kib("VmRSS:");
    let start = Instant::now();
    let mut client = Client::connect(port).await;
    for i in 0..tenants {
        org_name(&mut client, &format!("t{i}")).await;
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
