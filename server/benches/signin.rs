//! Sign-in under load (a bench binary; figures are printed, never asserted):
//!   cargo bench -p server --bench signin -- [--flood 64] [--seconds 10] [--page-clients 4]
//!                                            [--page-rate 25]   (per client per second; 0 = flat out)
//! 1. the argon2 bound: one Argon2id verify (m = 19 MiB, t = 2, p = 1) timed on one thread;
//!    cores ÷ that time is the most sign-ins per second this CPU can do;
//! 2. idle: p50/p99 of an authenticated page — GET /account (session check, SSR with the
//!    signed-in user and their session list) and the `auth/my_sessions` server function;
//! 3. flood: `--flood` clients sign in with correct passwords as fast as they can (every attempt
//!    costs a full hash; wrong passwords would be cheaper: the throttle answers those early),
//!    while the same page clients keep loading the page. Goal: page p99 under flood ≤ 2 × idle.
//!    More than 32 waiting for one organisation are answered 503 at once and retried.
use std::{
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use app::{
    core::{
        auth::{password::Hasher, users, Role},
        clock::SystemClock,
        logbook::Actor,
        state::AppState,
        tenancy::{provision::StorageTarget, Tenancy, TenancyConfig},
    },
    model::slug::Slug,
};

mod common;
use common::{arg, percentile, report, Client};

const PW: &str = "a long bench passphrase";
const COOKIE: &str = "__Host-samtal";

fn form_email(i: usize) -> String {
    format!("email=u{i}%40bench.example&password={}", PW.replace(' ', "+"))
}

async fn sign_in(client: &mut Client, i: usize) -> common::Reply {
    client.post("bench", "/api/auth/sign_in", &form_email(i), None).await
}

/// Page clients load GET /account and my_sessions in turn for `seconds`, each `rate` times a
/// second (0: back to back, which saturates the CPU by itself).
async fn page_load(
    port: u16,
    clients: usize,
    rate: usize,
    stop: Arc<AtomicBool>,
    seconds: Option<u64>,
) -> (Vec<Duration>, Vec<Duration>, Duration) {
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let stop = stop.clone();
            tokio::spawn(async move {
                let mut client = Client::connect_from(port, std::net::Ipv4Addr::new(127, 0, 2, c as u8)).await;
                // During the flood this organisation's lane may be full: retry as told.
                let mut r = sign_in(&mut client, 10_000 + c).await;
                while r.status == 503 {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    r = sign_in(&mut client, 10_000 + c).await;
                }
                assert_eq!(r.status, 200, "page client sign-in: {}", r.head);
                let cookie = format!("{COOKIE}={}", r.set_cookie(COOKIE).expect("cookie"));
                let (mut pages, mut fns) = (Vec::new(), Vec::new());
                let mut tick = (rate > 0).then(|| tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64)));
                loop {
                    if let Some(t) = tick.as_mut() {
                        t.tick().await;
                    }
                    if stop.load(Ordering::Relaxed) || seconds.is_some_and(|s| start.elapsed().as_secs() >= s) {
                        break;
                    }
                    let r = client.get("bench", "/account", Some(&cookie)).await;
                    assert_eq!(r.status, 200, "{}", r.head);
                    assert!(
                        String::from_utf8_lossy(&r.body).contains("Where you are signed in"),
                        "not the signed-in page"
                    );
                    pages.push(r.took);
                    let r = client.post("bench", "/api/auth/my_sessions", "", Some(&cookie)).await;
                    assert_eq!(r.status, 200, "{}", r.head);
                    fns.push(r.took);
                }
                (pages, fns)
            })
        })
        .collect();
    let (mut pages, mut fns) = (Vec::new(), Vec::new());
    for t in tasks {
        let (p, f) = t.await.expect("page client");
        pages.extend(p);
        fns.extend(f);
    }
    (pages, fns, start.elapsed())
}

fn p99_ms(lat: &[Duration]) -> f64 {
    let mut v = lat.to_vec();
    v.sort();
    percentile(&v, 0.99).as_secs_f64() * 1e3
}

#[tokio::main]
async fn main() {
    let flood = arg("--flood", 64);
    let seconds = arg("--seconds", 10) as u64;
    let page_clients = arg("--page-clients", 4);
    let page_rate = arg("--page-rate", 25);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);

    // 1. the argon2 bound
    let hasher = Hasher::new(1);
    let phc = hasher.hash(PW).await.expect("hash");
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        assert!(hasher.verify(PW, Some(&phc)).await.expect("verify").ok);
        times.push(t.elapsed());
    }
    times.sort();
    let per_hash = times[times.len() / 2];
    let bound = cores as f64 / per_hash.as_secs_f64();
    println!(
        "page load: {page_clients} clients, {} each",
        if page_rate == 0 {
            "back to back".to_string()
        } else {
            format!("{page_rate} GET /account + {page_rate} my_sessions per second")
        }
    );
    println!(
        "argon2id verify: median {:.1} ms on one thread; {cores} cores → bound {bound:.1} sign-ins/s",
        per_hash.as_secs_f64() * 1e3
    );

    // A tenant with flood accounts and page accounts.
    let data = tempfile::tempdir().expect("tempdir");
    let key = app::core::keys::MasterKey::generate_file(&data.path().join("master.key")).expect("key");
    let tenancy = Tenancy::open(TenancyConfig::new(data.path(), Arc::new(key))).await.expect("tenancy");
    let slug = Slug::parse("bench").expect("slug");
    tenancy.create_tenant(&slug, "Bench AB", StorageTarget::Sqlite).await.expect("create");
    let t = tenancy.open_active(&slug).await.expect("open");
    for i in (0..flood).chain(10_000..10_000 + page_clients) {
        let u = users::create(
            &t,
            &SystemClock,
            Actor::System,
            &format!("u{i}@bench.example"),
            &format!("User {i}"),
            Role::Employee,
        )
        .await
        .expect("user");
        users::set_password(&t, &SystemClock, &hasher, &u, PW).await.expect("password");
    }

    let port = common::serve(AppState::new(tenancy.clone())).await;

    // 2. idle
    let never = Arc::new(AtomicBool::new(false));
    let (idle_pages, idle_fns, wall) = page_load(port, page_clients, page_rate, never.clone(), Some(seconds)).await;
    report("idle: GET /account (signed in)", idle_pages.clone(), wall);
    report("idle: auth/my_sessions", idle_fns.clone(), wall);

    // 3. flood
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let flooders: Vec<_> = (0..flood)
        .map(|i| {
            let (stop, done) = (stop.clone(), done.clone());
            tokio::spawn(async move {
                // Each flooder is its own client (address): the per-client cap of attempts in
                // flight would otherwise answer most of them 429 before any hashing.
                let mut client = Client::connect_from(port, std::net::Ipv4Addr::new(127, 0, 1, i as u8)).await;
                let mut lat = Vec::new();
                let mut busy = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let r = sign_in(&mut client, i).await;
                    // 503: this organisation's hashing lane is full (32 waiting); retry after the
                    // second the answer asks for, as a browser's person would.
                    if r.status == 503 {
                        busy += 1;
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                    assert_eq!(r.status, 200, "flood sign-in: {}", r.head);
                    lat.push(r.took);
                    done.fetch_add(1, Ordering::Relaxed);
                }
                (lat, busy)
            })
        })
        .collect();
    // Let the queue fill before measuring the page.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (flood_pages, flood_fns, _) = page_load(port, page_clients, page_rate, never, Some(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut sign_lat, mut busy) = (Vec::new(), 0);
    for f in flooders {
        let (lat, b) = f.await.expect("flooder");
        sign_lat.extend(lat);
        busy += b;
    }
    println!("flood: {busy} attempts answered 503 (lane full, Retry-After) and retried");
    let wall = start.elapsed();
    let rate = done.load(Ordering::Relaxed) as f64 / wall.as_secs_f64();
    report(&format!("flood: sign-ins from {flood} clients"), sign_lat, wall);
    println!("flood: {rate:.1} sign-ins/s = {:.0} % of the argon2 bound ({bound:.1}/s)", rate / bound * 100.0);
    report("flood: GET /account (signed in)", flood_pages.clone(), wall);
    report("flood: auth/my_sessions", flood_fns.clone(), wall);
    println!(
        "page p99 flood/idle: GET /account {:.2}× ({:.1} → {:.1} ms), my_sessions {:.2}× ({:.1} → {:.1} ms); goal ≤ 2×",
        p99_ms(&flood_pages) / p99_ms(&idle_pages),
        p99_ms(&idle_pages),
        p99_ms(&flood_pages),
        p99_ms(&flood_fns) / p99_ms(&idle_fns),
        p99_ms(&idle_fns),
        p99_ms(&flood_fns),
    );
}
