//! GDPR erasure and export at scale (a bench binary; figures are printed, never asserted):
//!   cargo bench -p server --bench gdpr -- [--persons 10000] [--years 10] [--subjects 3]
//! On SQLite and on PostgreSQL (127.0.0.1:5432, `SAMTAL_TEST_PG_URL`): `--persons` people
//! imported with employments, a talk round per year for `--years` years with a talk for every
//! one of them, and for each of `--subjects` people their talks' texts (both preparations,
//! notes, actions, sealed) and an addendum per talk, an account, and a hundred logbook
//! events about them. Then per subject: the preview's counts, the export (as an admin) and the
//! erasure (one transaction, with receipt and ledger entry), each timed.
use std::time::Instant;

use app::{
    core::{
        clock::SystemClock,
        crypto,
        db::Backend,
        gdpr::{self, Requester},
        logbook::{self, Action, Actor, Event, Id, Origin, Outcome, TargetType},
        people::{self, import},
        talks::{ADDENDUM, TEXT},
        tenancy::Tenant,
        testkit::TestEnv,
    },
    model::{
        personnummer::{synthesise, Day, Personnummer},
        slug::Slug,
    },
};

mod common;
use common::arg;

fn pnr(i: usize) -> String {
    synthesise(1950 + (i % 50) as u16, 1 + (i % 12) as u8, 1 + (i / 12 % 28) as u8, (i / 336) as u16)
}

fn csv(n: usize) -> String {
    let mut out = String::from(
        "personnummer;given_name;family_name;unit;job_title;manager_personnummer;start_date;rate;monthly_salary\n",
    );
    for i in 0..n {
        let manager = if i % 20 == 0 { String::new() } else { pnr(i - i % 20) };
        out.push_str(&format!(
            "{};Förnamn{i};Efternamn{i};Enhet {};Befattning {};{manager};2015-01-01;100;{}\n",
            pnr(i),
            i % 25,
            i % 40,
            30_000 + (i % 500) * 100
        ));
    }
    out
}

const BODY: &str = r#"{"sections":[{"id":"s1","title":"Året","questions":[{"id":"q1","text":"Hur gick året?","help":"","answered_by":"both"},{"id":"q2","text":"Mål framåt?","help":"","answered_by":"both"}]}]}"#;

async fn setup(b: Backend, env: &TestEnv, persons: usize, years: usize) -> Tenant {
    let slug = Slug::parse("bench").expect("slug");
    env.tenancy.create_tenant(&slug, "Bench AB", env.target()).await.expect("create");
    let t = env.tenancy.open_active(&slug).await.expect("open");
    let c = SystemClock;
    let file = csv(persons);
    let parsed = import::read(file.as_bytes()).expect("read");
    let mapping = import::Mapping::guess(&parsed.headers);
    let preview = import::preview(&t, &c, &parsed, &mapping).await.expect("preview").expect("mapped");
    import::apply(&t, &c, Actor::System, Origin::default(), preview, |_, _| {}).await.expect("apply");
    let (unit,): (String,) =
        sqlx::query_as("SELECT id FROM org_units ORDER BY id LIMIT 1").fetch_one(t.db().pool()).await.expect("unit");
    let talk_id = match b {
        Backend::Sqlite => "lower(hex(randomblob(16)))",
        Backend::Postgres => "md5(random()::text || p.id)",
    };
    for y in 0..years {
        let round = format!("{:032x}", 0xabc0_0000_u64 + y as u64);
        sqlx::query(
            "INSERT INTO talk_rounds (id, title, body, unit_id, starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&round)
        .bind(format!("Lönesamtal {}", 2016 + y))
        .bind(BODY)
        .bind(&unit)
        .bind(format!("{}-01-01", 2016 + y))
        .bind(format!("{}-03-31", 2016 + y))
        .bind(y as i64)
        .execute(t.db().pool())
        .await
        .expect("round");
        sqlx::query(&format!(
            "INSERT INTO talks (id, round_id, person_id, manager_person_id, unit_id, status, version, created_at, updated_at, \
             employee_ready_at, manager_ready_at, signed_at) \
             SELECT {talk_id}, $1, p.id, (SELECT e.manager_person_id FROM employments e WHERE e.person_id = p.id LIMIT 1), \
             NULL, 'completed', 1, $2, $2, 1, 1, 1 FROM persons p"
        ))
        .bind(&round)
        .bind(y as i64)
        .execute(t.db().pool())
        .await
        .expect("talks");
    }
    t
}

/// Texts and an addendum on every talk of `person`, an account, and events about them.
async fn fill(t: &Tenant, person: &str) {
    let c = SystemClock;
    let talks: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT id, manager_person_id FROM talks WHERE person_id = $1")
            .bind(person)
            .fetch_all(t.db().pool())
            .await
            .expect("talks");
    let words: String = "Vi gick igenom året, målen och lönekriterierna. ".repeat(30).chars().take(1200).collect();
    let prep = serde_json::json!({"q1": {"text": words}, "q2": {"text": words}}).to_string();
    let (account,): (String,) =
        sqlx::query_as("SELECT 'acc' || substr($1, 1, 8)").bind(person).fetch_one(t.db().pool()).await.expect("id");
    sqlx::query(
        "INSERT INTO users (id, email, email_norm, display_name, role, status, person_id, created_at, updated_at) \
         VALUES ($1, $2, $2, 'X', 'employee', 'active', $3, 0, 0)",
    )
    .bind(&account)
    .bind(format!("{account}@example.test"))
    .bind(person)
    .execute(t.db().pool())
    .await
    .expect("account");
    for (talk, manager) in talks {
        for (kind, text) in [("employee_prep", &prep), ("manager_prep", &prep), ("notes", &words), ("actions", &words)]
        {
            let id = format!("{talk}-{kind}");
            let sealed = crypto::seal(t, &c, TEXT.at(&id), text).await.expect("seal");
            sqlx::query("INSERT INTO talk_texts (id, talk_id, kind, body_sealed, version, updated_at) VALUES ($1, $2, $3, $4, 1, 0)")
                .bind(&id)
                .bind(&talk)
                .bind(kind)
                .bind(sealed.as_bytes().to_vec())
                .execute(t.db().pool())
                .await
                .expect("text");
        }
        let id = format!("{talk}-a");
        let sealed = crypto::seal(t, &c, ADDENDUM.at(&id), &words).await.expect("seal");
        sqlx::query("INSERT INTO talk_addenda (id, talk_id, author_person_id, body_sealed, created_at) VALUES ($1, $2, $3, $4, 0)")
            .bind(&id)
            .bind(&talk)
            .bind(&manager)
            .bind(sealed.as_bytes().to_vec())
            .execute(t.db().pool())
            .await
            .expect("addendum");
    }
    let who = Id::parse(person).expect("id");
    for _ in 0..100 {
        let e =
            Event::new(Actor::System, Action::PersonViewed, Outcome::Success).target(TargetType::Person, who.clone());
        logbook::record(t, &c, &e).await.expect("event");
    }
}

async fn run(b: Backend, persons: usize, years: usize, subjects: usize) {
    let env = TestEnv::new(b).await;
    let started = Instant::now();
    let t = setup(b, &env, persons, years).await;
    let today = Day::from_unix(app::core::clock::now_ms() / 1000);
    println!("{b:?}: {persons} persons, {} talks, set up in {:.1} s", persons * years, started.elapsed().as_secs_f64());
    for s in 0..subjects {
        let number = Personnummer::parse(&pnr(1 + s * 20), today).expect("pnr");
        let person = people::find_by_personnummer(&t, &SystemClock, &number).await.expect("find").expect("there");
        fill(&t, &person).await;
        let at = Instant::now();
        let held = gdpr::holdings(&t, &person).await.expect("holdings");
        let preview = at.elapsed();
        let at = Instant::now();
        let e = gdpr::export(&t, &SystemClock, Actor::System, Origin::default(), &person, Requester::Admin)
            .await
            .expect("export");
        let json = e.to_json();
        let export = at.elapsed();
        let at = Instant::now();
        let r =
            gdpr::erase(&t, env.tenancy.catalog(), &SystemClock, Actor::System, Origin::default(), &person, &number)
                .await
                .expect("erase");
        let erase = at.elapsed();
        println!(
            "{b:?}: person {}: {} talks, {} texts, {} addenda, {} logbook events — preview {:.1} ms, export {:.1} ms ({} KB, {} talks), erase {:.1} ms ({} rows deleted)",
            s + 1,
            held.talks,
            held.talk_texts,
            held.addenda,
            held.logbook_events,
            preview.as_secs_f64() * 1000.0,
            export.as_secs_f64() * 1000.0,
            json.len() / 1024,
            e.talks.len(),
            erase.as_secs_f64() * 1000.0,
            r.erased.values().sum::<i64>(),
        );
    }
    t.db().close().await;
    env.cleanup().await;
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let persons = arg("--persons", 10_000).max(100);
    let years = arg("--years", 10).max(1);
    let subjects = arg("--subjects", 3).max(1);
    for b in [Backend::Sqlite, Backend::Postgres] {
        run(b, persons, years, subjects).await;
    }
}
