//! Logbook append throughput (a bench binary; figures are printed, never asserted):
//!   cargo bench -p app --features ssr --bench logbook -- [--events N] [--writers N]
//! N appends (each its own transaction, as an action's event would be) from W concurrent
//! writers into one tenant, on SQLite and on the local PostgreSQL; then a full verify.
//!   cargo bench -p app --features ssr --bench logbook -- --big 1000000 [--big-pg 0|1]
//! fills one tenant's logbook with that many events (batched transactions) and reports the time
//! and the peak memory (VmHWM, reset before each step) of `verify`, a streamed CSV export, and
//! — for contrast — reading every event into memory at once.
use std::time::{Duration, Instant};

use app::{
    core::{
        clock::SystemClock,
        db::{Backend, PoolLimits},
        logbook::{self, Action, Actor, Event, Id, Outcome, TargetType},
        testkit::TestEnv,
    },
    model::slug::Slug,
};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Peak resident memory since the last reset, in MiB.
fn peak_mib() -> f64 {
    let kib: u64 = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0);
    kib as f64 / 1024.0
}

/// Resets the peak (Linux: writing 5 to clear_refs), so each step reports its own.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

async fn big(backend: Backend, n: usize) {
    let env = TestEnv::new(backend).await;
    let slug = Slug::parse("big").expect("slug");
    env.tenancy.create_tenant(&slug, "Big AB", env.target()).await.expect("create");
    let tenant = env.tenancy.open_active(&slug).await.expect("open");
    let t0 = Instant::now();
    let ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
    let mut done = 0;
    while done < n {
        let mut tx = tenant.db().pool().begin().await.expect("tx");
        for i in done..(done + 10_000).min(n) {
            let e = Event::new(
                Actor::User(Id::parse(&format!("u{}", i % 500)).expect("id")),
                Action::TalkNoteViewed,
                Outcome::Success,
            )
            .target(TargetType::Talk, Id::from_seq(i as i64))
            .origin(logbook::Origin::new(
                "192.0.2.10".parse().ok(),
                Some(ua),
                Some("0123456789abcdef01234567"),
            ));
            logbook::append(&mut tx, &tenant, &SystemClock, &e).await.expect("append");
        }
        tx.commit().await.expect("commit");
        done = (done + 10_000).min(n);
    }
    println!("{backend:?}: {n} events written in {:.1} s", t0.elapsed().as_secs_f64());
    let base = {
        reset_peak();
        peak_mib()
    };
    reset_peak();
    let t0 = Instant::now();
    let r = logbook::verify(&tenant).await.expect("verify");
    println!(
        "{backend:?}: verify {} events in {:.1} s, problem {:?}; peak RSS {:.1} MiB (before: {base:.1} MiB)",
        r.checked,
        t0.elapsed().as_secs_f64(),
        r.problem,
        peak_mib()
    );
    reset_peak();
    let t0 = Instant::now();
    let mut bytes = 0usize;
    logbook::for_each(&tenant, &logbook::Filter::default(), |e| {
        bytes += logbook::csv_row(&e).len() + 1;
        Ok::<_, logbook::LogbookError>(())
    })
    .await
    .expect("export");
    println!(
        "{backend:?}: streamed CSV export, {:.0} MiB of CSV in {:.1} s; peak RSS {:.1} MiB",
        bytes as f64 / 1048576.0,
        t0.elapsed().as_secs_f64(),
        peak_mib()
    );
    reset_peak();
    let t0 = Instant::now();
    let all = logbook::list(&tenant, &logbook::Filter::default()).await.expect("list");
    println!(
        "{backend:?}: for contrast, all {} events in memory at once: {:.1} s, peak RSS {:.1} MiB",
        all.len(),
        t0.elapsed().as_secs_f64(),
        peak_mib()
    );
    drop(all);
    drop(tenant);
    env.cleanup().await;
}

#[tokio::main]
async fn main() {
    let big_n = arg("--big", 0);
    if big_n > 0 {
        big(Backend::Sqlite, big_n).await;
        if arg("--big-pg", 1) == 1 {
            big(Backend::Postgres, big_n).await;
        }
        return;
    }
    let events = arg("--events", 10_000);
    let writers = arg("--writers", 32);
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let env =
            TestEnv::with(backend, |c| c.tenant_limits = PoolLimits { max_connections: 8, ..PoolLimits::default() })
                .await;
        let slug = Slug::parse("bench").expect("slug");
        env.tenancy.create_tenant(&slug, "Bench AB", env.target()).await.expect("create");
        let tenant = env.tenancy.open_active(&slug).await.expect("open");
        let per = events / writers;
        let start = Instant::now();
        let tasks: Vec<_> = (0..writers)
            .map(|w| {
                let tenant = tenant.clone();
                tokio::spawn(async move {
                    let actor = Actor::User(Id::parse(&format!("u{w}")).expect("id"));
                    let mut lat = Vec::with_capacity(per);
                    for i in 0..per {
                        let e = Event::new(actor.clone(), Action::TalkNoteViewed, Outcome::Success)
                            .target(TargetType::Talk, Id::from_seq(i as i64));
                        let t0 = Instant::now();
                        logbook::record(&tenant, &SystemClock, &e).await.expect("append");
                        lat.push(t0.elapsed());
                    }
                    lat
                })
            })
            .collect();
        let mut lat: Vec<Duration> = Vec::new();
        for t in tasks {
            lat.extend(t.await.expect("writer"));
        }
        let wall = start.elapsed();
        lat.sort();
        let p = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)].as_secs_f64() * 1e3;
        println!(
            "{backend:?}: {} appends from {writers} writers in {:.2} s: {:.0} events/s, p50 {:.2} ms, p99 {:.2} ms",
            lat.len(),
            wall.as_secs_f64(),
            lat.len() as f64 / wall.as_secs_f64(),
            p(0.50),
            p(0.99)
        );
        let t0 = Instant::now();
        let report = logbook::verify(&tenant).await.expect("verify");
        println!(
            "{backend:?}: verify {} events in {:.2} s, problem: {:?}",
            report.checked,
            t0.elapsed().as_secs_f64(),
            report.problem
        );
        drop(tenant);
        env.cleanup().await;
    }
}
