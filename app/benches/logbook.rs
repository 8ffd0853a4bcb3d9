//! Logbook append throughput (a bench binary; figures are printed, never asserted):
//!   cargo bench -p app --features ssr --bench logbook -- [--events N] [--writers N]
//! N appends (each its own transaction, as an action's event would be) from W concurrent
//! writers into one tenant, on SQLite and on the local PostgreSQL; then a full verify.
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

#[tokio::main]
async fn main() {
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
