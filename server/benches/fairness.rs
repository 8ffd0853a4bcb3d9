//! One organisation's sign-in flood against another's sign-in (a bench binary; figures are
//! printed, never asserted):
//!   cargo bench -p server --bench fairness -- [--flood 64] [--seconds 10] [--quiet 4] [--quiet-rate 5]
//! Tenant `flood` gets sign-ins with random e-mail addresses as fast as `--flood` clients can
//! send them, each request from a new loopback address (127.1.x.y: a botnet, so neither the
//! per-address throttle nor the per-client cap stops it; every attempt costs a dummy hash).
//! Tenant `quiet` meanwhile has `--quiet` people signing in correctly, `--quiet-rate` times a
//! second each. Reported: the quiet tenant's sign-in p50/p99 alone and under the flood, and how
//! the flood was answered (401 checked, 503 queue full, 429 throttled).
use std::{
    collections::BTreeMap,
    net::Ipv4Addr,
    sync::{
        atomic::{AtomicBool, AtomicU32, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use app::{
    core::{
        auth::{password::Hasher, users, Role},
        clock::SystemClock,
        logbook::{self, Actor, Filter},
        state::AppState,
        tenancy::{provision::StorageTarget, Tenancy, TenancyConfig},
    },
    model::slug::Slug,
};

mod common;
use common::{arg, percentile, report, Client};

const PW: &str = "a long bench passphrase";

async fn quiet_sign_ins(port: u16, people: usize, rate: usize, seconds: u64) -> (Vec<Duration>, Duration) {
    let start = Instant::now();
    let tasks: Vec<_> = (0..people)
        .map(|i| {
            tokio::spawn(async move {
                let mut client = Client::connect_from(port, Ipv4Addr::new(127, 0, 3, i as u8)).await;
                let form = format!("email=q{i}%40quiet.example&password={}", PW.replace(' ', "+"));
                let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate.max(1) as f64));
                let mut lat = Vec::new();
                while start.elapsed().as_secs() < seconds {
                    tick.tick().await;
                    let r = client.post("quiet", "/api/auth/sign_in", &form, None).await;
                    assert_eq!(r.status, 200, "the quiet tenant's sign-in failed: {}", r.head);
                    lat.push(r.took);
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("quiet client"));
    }
    (all, start.elapsed())
}

fn ms(lat: &[Duration], q: f64) -> f64 {
    let mut v = lat.to_vec();
    v.sort();
    percentile(&v, q).as_secs_f64() * 1e3
}

#[tokio::main]
async fn main() {
    let flood = arg("--flood", 64);
    let seconds = arg("--seconds", 10) as u64;
    let quiet = arg("--quiet", 4);
    let quiet_rate = arg("--quiet-rate", 5);

    let data = tempfile::tempdir().expect("tempdir");
    let key = app::core::keys::MasterKey::generate_file(&data.path().join("master.key")).expect("key");
    let tenancy = Tenancy::open(TenancyConfig::new(data.path(), Arc::new(key))).await.expect("tenancy");
    let hasher = Hasher::new(1);
    for name in ["flood", "quiet"] {
        let slug = Slug::parse(name).expect("slug");
        tenancy.create_tenant(&slug, name, StorageTarget::Sqlite).await.expect("create");
    }
    let quiet_t = tenancy.open_active(&Slug::parse("quiet").expect("slug")).await.expect("open");
    for i in 0..quiet {
        let email = format!("q{i}@quiet.example");
        let u = users::create(&quiet_t, &SystemClock, Actor::System, &email, "Quiet", Role::Employee).await.expect("u");
        users::set_password(&quiet_t, &SystemClock, &hasher, &u, PW).await.expect("password");
    }
    let state = AppState::new(tenancy.clone());
    let port = common::serve(state.clone()).await;
    println!(
        "quiet tenant: {quiet} people × {quiet_rate} correct sign-ins/s; flood: {flood} clients, random addresses"
    );

    let (idle, wall) = quiet_sign_ins(port, quiet, quiet_rate, seconds).await;
    report("idle: quiet tenant sign-in", idle.clone(), wall);

    let stop = Arc::new(AtomicBool::new(false));
    let next_ip = Arc::new(AtomicU32::new(0));
    let answers = Arc::new(Mutex::new(BTreeMap::<u16, usize>::new()));
    let flood_start = Instant::now();
    let flooders: Vec<_> = (0..flood)
        .map(|_| {
            let (stop, next_ip, answers) = (stop.clone(), next_ip.clone(), answers.clone());
            tokio::spawn(async move {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let k = next_ip.fetch_add(1, Ordering::Relaxed);
                    let source = Ipv4Addr::new(127, 1, (k >> 8) as u8, (k & 0xff) as u8);
                    let mut client = Client::connect_from(port, source).await;
                    n += 1;
                    let form = format!("email=nobody{k}x{n}%40flood.example&password=a+random+guess+{k}");
                    let r = client.post("flood", "/api/auth/sign_in", &form, None).await;
                    *answers.lock().expect("answers").entry(r.status).or_default() += 1;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (under, wall) = quiet_sign_ins(port, quiet, quiet_rate, seconds).await;
    stop.store(true, Ordering::Relaxed);
    for f in flooders {
        f.await.expect("flooder");
    }
    let flood_wall = flood_start.elapsed();
    report("flood: quiet tenant sign-in", under.clone(), wall);
    let answers = answers.lock().expect("answers").clone();
    let total: usize = answers.values().sum();
    println!(
        "flood: {total} sign-ins in {:.1} s ({:.0}/s), answered {answers:?}",
        flood_wall.as_secs_f64(),
        total as f64 / flood_wall.as_secs_f64()
    );
    println!(
        "quiet tenant sign-in idle → flood: p50 {:.1} → {:.1} ms ({:.2}×), p99 {:.1} → {:.1} ms ({:.2}×)",
        ms(&idle, 0.5),
        ms(&under, 0.5),
        ms(&under, 0.5) / ms(&idle, 0.5),
        ms(&idle, 0.99),
        ms(&under, 0.99),
        ms(&under, 0.99) / ms(&idle, 0.99),
    );
    state.auth.flush_anonymous(&tenancy, &SystemClock, true).await;
    let flood_t = tenancy.open_active(&Slug::parse("flood").expect("slug")).await.expect("open");
    let log = logbook::list(&flood_t, &Filter::default()).await.expect("log");
    let anonymous: i64 = log.iter().filter(|e| e.actor == "system").map(|e| e.repeats).sum();
    println!("flood tenant logbook: {} rows for {anonymous} anonymous events", log.len());
}
