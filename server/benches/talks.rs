//! Talks under load (a bench binary; figures are printed, never asserted):
//!   cargo bench -p server --bench talks -- [--writers 64] [--seconds 5] [--clients 4]
//! 1. note autosave as the server function does it (seal + version-checked write + logbook
//!    event in one transaction), `--writers` managers at once each on their own talk, on SQLite
//!    and on PostgreSQL (127.0.0.1:5432, `SAMTAL_TEST_PG_URL`): saves/s, p50, p99 — each writer
//!    once every `--pace-ms` (1000, the editor's debounce while typing), then back to back;
//! 2. the manager's "my talks" page, server-rendered through the real router on loopback for a
//!    signed-in manager holding `--writers` talks, `--clients` at once, against `GET /healthz`
//!    in the same run.
use std::time::{Duration, Instant};

use app::{
    core::{
        auth::{password::Hasher, users, Role},
        clock::SystemClock,
        db::Backend,
        logbook::{Actor, Origin},
        people::{self, access, employment, org, NewPerson},
        state::AppState,
        talks::{
            access as talk_access,
            rounds::{self, NewRound},
            talk::{self, By},
            templates,
        },
        tenancy::Tenant,
        testkit::TestEnv,
    },
    model::{
        lang::Lang,
        personnummer::{synthesise, Day, Personnummer},
        slug::Slug,
        talks::Note,
    },
};

mod common;
use common::{arg, percentile, report, Client};

const PW: &str = "a long bench passphrase";

/// A tenant with one manager and `n` people reporting to her, a round rolled out to them, and
/// the manager's account. Returns the tenant, the manager's person id and the talks.
async fn setup(env: &TestEnv, n: usize) -> (Tenant, String, Vec<String>) {
    let slug = Slug::parse("bench").expect("slug");
    env.tenancy.create_tenant(&slug, "Bench AB", env.target()).await.expect("create");
    let t = env.tenancy.open_active(&slug).await.expect("open");
    let c = SystemClock;
    let unit = org::create(&t, &c, Actor::System, Origin::default(), "Sälj", None).await.expect("unit");
    let today = Day { year: 2026, month: 12, day: 3 };
    let mut ids = Vec::new();
    for i in 0..=n {
        let new = NewPerson {
            personnummer: Personnummer::parse(
                &synthesise(
                    1960 + (i % 40) as u16,
                    1 + (i % 12) as u8,
                    1 + (i / 12 % 28) as u8,
                    500 + (i / 336) as u16,
                ),
                today,
            )
            .expect("pnr"),
            given_name: format!("Förnamn{i}"),
            family_name: format!("Efternamn{i}"),
            email: None,
            gender: None,
            employee_number: None,
        };
        ids.push(people::create(&t, &c, Actor::System, &new).await.expect("person"));
    }
    for (i, id) in ids.iter().enumerate() {
        let input = employment::EmploymentInput {
            unit_id: unit.clone(),
            job_title: "Säljare".into(),
            manager_person_id: (i > 0).then(|| ids[0].clone()),
            start_date: "2020-01-01".into(),
            end_date: None,
            rate_bp: 10_000,
            monthly_salary_ore: 4_000_000,
        };
        employment::add(&t, &c, Actor::System, Origin::default(), id, &input).await.expect("employ");
    }
    templates::ensure_shipped(&t, &c, Lang::Sv).await.expect("shipped");
    let template = templates::list(&t).await.expect("list").into_iter().find(|r| r.shipped).expect("template");
    let new = NewRound {
        title: "Lönesamtal".into(),
        template_id: template.id,
        unit_id: unit,
        starts_on: "2026-11-01".into(),
        ends_on: "2026-12-31".into(),
    };
    let round = rounds::roll_out(&t, &c, Actor::System, Origin::default(), &new, "2026-12-03").await.expect("roll");
    let talks: Vec<(String,)> = sqlx::query_as("SELECT id FROM talks WHERE round_id = $1 ORDER BY id")
        .bind(&round.round_id)
        .fetch_all(t.db().pool())
        .await
        .expect("talks");
    (t, ids[0].clone(), talks.into_iter().map(|(id,)| id).collect())
}

/// `pace`: each writer saves once per this interval, as the editor's one-second debounce does
/// while someone types; `None`: each saves again as soon as the last save is back (saturation).
async fn autosave(b: Backend, writers: usize, seconds: u64, pace: Option<Duration>) {
    let env = TestEnv::new(b).await;
    let (t, manager, talks) = setup(&env, writers).await;
    let note: String = "Vi gick igenom året, målen och lönekriterierna. ".repeat(40).chars().take(1500).collect();
    let start = Instant::now();
    let tasks: Vec<_> = talks
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            let (t, manager, note) = (t.clone(), manager.clone(), note.clone());
            tokio::spawn(async move {
                // Paced writers start spread over one interval, as people do not type in step.
                if let Some(pace) = pace {
                    tokio::time::sleep(pace * i as u32 / writers as u32).await;
                }
                let by = By { actor: Actor::System, origin: Origin::default(), person: manager, user: String::new() };
                let talk = talk_access::load(&t, &id).await.expect("load");
                let (mut version, mut lat) = (0, Vec::new());
                let begin = Instant::now();
                while begin.elapsed() < Duration::from_secs(seconds) {
                    let started = Instant::now();
                    version =
                        talk::save_note(&t, &SystemClock, &by, &talk, Note::Notes, version, &note).await.expect("save");
                    lat.push(started.elapsed());
                    if let Some(pace) = pace {
                        tokio::time::sleep(pace.saturating_sub(started.elapsed())).await;
                    }
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("writer"));
    }
    let took = start.elapsed();
    all.sort();
    let how = pace.map(|p| format!("each every {} ms", p.as_millis())).unwrap_or_else(|| "back to back".into());
    println!(
        "autosave {b:?}, {writers} writers {how}: {} saves in {:.1} s = {:.0}/s, p50 {:.1} ms, p99 {:.1} ms",
        all.len(),
        took.as_secs_f64(),
        all.len() as f64 / took.as_secs_f64(),
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3
    );
    t.db().close().await;
    env.cleanup().await;
}

async fn pages(writers: usize, seconds: u64, clients: usize) {
    let env = TestEnv::new(Backend::Sqlite).await;
    let (t, manager, _) = setup(&env, writers).await;
    let hasher = Hasher::for_this_machine();
    let u = users::create(&t, &SystemClock, Actor::System, "chef@bench.example", "Chef", Role::Manager)
        .await
        .expect("user");
    users::set_password(&t, &SystemClock, &hasher, &u, PW).await.expect("pw");
    access::link_account(&t, &SystemClock, Actor::System, &u.id, Some(&manager)).await.expect("link");
    let port = common::serve(AppState::new(env.tenancy.clone())).await;
    for (path, signed_in) in [("/talks", true), ("/healthz", false)] {
        let start = Instant::now();
        let tasks: Vec<_> = (0..clients)
            .map(|_| {
                tokio::spawn(async move {
                    let mut client = Client::connect(port).await;
                    let cookie = if signed_in {
                        let form = format!("email=chef%40bench.example&password={}", PW.replace(' ', "+"));
                        let r = client.post("bench", "/api/auth/sign_in", &form, None).await;
                        assert_eq!(r.status, 200, "{}", r.head);
                        Some(format!("__Host-samtal={}", r.set_cookie("__Host-samtal").expect("cookie")))
                    } else {
                        None
                    };
                    let mut lat = Vec::new();
                    let begin = Instant::now();
                    while begin.elapsed() < Duration::from_secs(seconds) {
                        let r = client.get("bench", path, cookie.as_deref()).await;
                        assert_eq!(r.status, 200, "{}", r.head);
                        if signed_in {
                            assert!(String::from_utf8_lossy(&r.body).contains("Efternamn1"));
                        }
                        lat.push(r.took);
                    }
                    lat
                })
            })
            .collect();
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.expect("client"));
        }
        report(&format!("GET {path} ({clients} clients, a manager holding {writers} talks)"), all, start.elapsed());
    }
    t.db().close().await;
    env.cleanup().await;
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let writers = arg("--writers", 64).max(1);
    let seconds = arg("--seconds", 5) as u64;
    let clients = arg("--clients", 4).max(1);
    let pace = Some(Duration::from_millis(arg("--pace-ms", 1000) as u64));
    for b in [Backend::Sqlite, Backend::Postgres] {
        autosave(b, writers, seconds, pace).await;
        autosave(b, writers, seconds, None).await;
    }
    pages(writers, seconds, clients).await;
}
