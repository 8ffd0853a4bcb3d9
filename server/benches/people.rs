//! The people register under load (a bench binary; figures are printed, never asserted):
//!   cargo bench -p server --bench people -- [--persons 10000] [--seconds 5] [--clients 4]
//! 1. seal + open of a 2 KB text through `crypto` (keys cached, as in a running server) against
//!    the bare `aes-gcm` encrypt + decrypt of the same text: the envelope's own cost;
//! 2. import: two CSV files of `persons / 2` rows each (with units, managers, salaries), each
//!    checked (preview) and applied in one transaction, timed apart;
//! 3. exact lookup by personnummer (blind index) among all of them: p50/p99 of 1,000 lookups;
//! 4. the people list, server-rendered for a signed-in admin, `--clients` at once for
//!    `--seconds`: GET /people?page=N through the real router on loopback.
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use aes_gcm::{
    aead::{Aead, KeyInit, Payload},
    Aes256Gcm, Nonce,
};
use app::{
    core::{
        auth::{password::Hasher, users, Role},
        clock::{Clock, SystemClock},
        crypto::{self, Field},
        logbook::{Actor, Origin},
        people::{self, import},
        state::AppState,
        tenancy::{provision::StorageTarget, Tenancy, TenancyConfig},
    },
    model::{
        personnummer::{synthesise, Day, Personnummer},
        slug::Slug,
    },
};

mod common;
use common::{arg, percentile, report, Client};

const PW: &str = "a long bench passphrase";

fn pnr(i: usize) -> String {
    synthesise(1950 + (i % 50) as u16, 1 + (i % 12) as u8, 1 + (i / 12 % 28) as u8, (i / 336) as u16)
}

fn csv(from: usize, to: usize) -> String {
    let mut out = String::from("personnummer;given_name;family_name;employee_number;unit;job_title;manager_personnummer;start_date;rate;monthly_salary\n");
    for i in from..to {
        // Every 20th person manages the 19 after them.
        let manager = if i % 20 == 0 { String::new() } else { pnr(i - i % 20) };
        out.push_str(&format!(
            "{};Förnamn{i};Efternamn{i};E{i};Enhet {};Befattning {};{manager};2020-01-01;100;{}\n",
            pnr(i),
            i % 25,
            i % 40,
            30_000 + (i % 500) * 100
        ));
    }
    out
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let persons = arg("--persons", 10_000).max(2);
    let seconds = arg("--seconds", 5) as u64;
    let clients = arg("--clients", 4).max(1);
    let data = tempfile::tempdir().expect("tempdir");
    let key = app::core::keys::MasterKey::generate_file(&data.path().join("master.key")).expect("key");
    let tenancy = Tenancy::open(TenancyConfig::new(data.path(), Arc::new(key))).await.expect("tenancy");
    let slug = Slug::parse("bench").expect("slug");
    tenancy.create_tenant(&slug, "Bench AB", StorageTarget::Sqlite).await.expect("create");
    let t = tenancy.open_active(&slug).await.expect("open");

    // 1. seal + open
    sqlx::query("CREATE TABLE notes (id TEXT PRIMARY KEY, body BLOB)").execute(t.db().pool()).await.expect("table");
    const NOTE: Field = Field { table: "notes", column: "body", id_column: "id" };
    let text: String = "Lönesamtal: mål, kompetens, ansvar. ".repeat(60).chars().take(2048).collect();
    let n = 20_000;
    let start = Instant::now();
    for i in 0..n {
        let id = format!("n{i}");
        let sealed = crypto::seal(&t, &SystemClock, NOTE.at(&id), &text).await.expect("seal");
        let back: String = crypto::open(&t, NOTE.at(&id), &sealed).await.expect("open");
        assert_eq!(back.len(), text.len());
    }
    let envelope = start.elapsed().as_secs_f64() * 1e6 / n as f64;
    let cipher = Aes256Gcm::new_from_slice(&[7u8; 32]).expect("key");
    let nonce = [1u8; 12];
    let start = Instant::now();
    for _ in 0..n {
        let ct = cipher.encrypt(Nonce::from_slice(&nonce), Payload { msg: text.as_bytes(), aad: b"x" }).expect("enc");
        let pt = cipher.decrypt(Nonce::from_slice(&nonce), Payload { msg: &ct, aad: b"x" }).expect("dec");
        assert_eq!(pt.len(), text.len());
    }
    let bare = start.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!("seal + open, 2 KB text: {envelope:.1} µs (bare aes-gcm encrypt + decrypt: {bare:.1} µs)");

    // 2. import in two halves
    let half = persons / 2;
    for (from, to) in [(0, half), (half, persons)] {
        let file = csv(from, to);
        let started = Instant::now();
        let parsed = import::read(file.as_bytes()).expect("read");
        let mapping = import::Mapping::guess(&parsed.headers);
        let preview = import::preview(&t, &SystemClock, &parsed, &mapping).await.expect("preview").expect("mapped");
        assert!(preview.is_clean(), "{:?}", preview.rows.iter().find(|r| !r.problems.is_empty()));
        let checked = started.elapsed();
        let report =
            import::apply(&t, &SystemClock, Actor::System, Origin::default(), preview, |_, _| {}).await.expect("apply");
        println!(
            "import of {} rows ({} KB): preview {:.2} s, apply {:.2} s in one transaction ({} created, {} units)",
            to - from,
            file.len() / 1024,
            checked.as_secs_f64(),
            (started.elapsed() - checked).as_secs_f64(),
            report.created,
            report.units_created
        );
    }

    // 3. blind-index lookups
    let today = Day::from_unix(SystemClock.now_ms() / 1000);
    let mut lat = Vec::new();
    for k in 0..1000 {
        let p = Personnummer::parse(&pnr((k * 7919) % persons), today).expect("pnr");
        let started = Instant::now();
        let found = people::find_by_personnummer(&t, &SystemClock, &p).await.expect("find");
        lat.push(started.elapsed());
        assert!(found.is_some());
    }
    lat.sort();
    println!(
        "lookup by personnummer among {persons}: p50 {:.0} µs, p99 {:.0} µs",
        percentile(&lat, 0.5).as_secs_f64() * 1e6,
        percentile(&lat, 0.99).as_secs_f64() * 1e6
    );

    // 4. the people list over HTTP
    let hasher = Hasher::for_this_machine();
    let admin = users::create(&t, &SystemClock, Actor::System, "admin@bench.example", "Admin", Role::Admin)
        .await
        .expect("user");
    users::set_password(&t, &SystemClock, &hasher, &admin, PW).await.expect("pw");
    let port = common::serve(AppState::new(tenancy.clone())).await;
    let pages = (persons as u32).div_ceil(people::register::PAGE_SIZE);
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            tokio::spawn(async move {
                let mut client = Client::connect(port).await;
                let form = format!("email=admin%40bench.example&password={}", PW.replace(' ', "+"));
                let r = client.post("bench", "/api/auth/sign_in", &form, None).await;
                assert_eq!(r.status, 200, "{}", r.head);
                let cookie = format!("__Host-samtal={}", r.set_cookie("__Host-samtal").expect("cookie"));
                let mut lat = Vec::new();
                let begin = Instant::now();
                let mut i = c as u32;
                while begin.elapsed() < Duration::from_secs(seconds) {
                    let page = 1 + (i * 37) % pages;
                    let r = client.get("bench", &format!("/people?page={page}&sort=name"), Some(&cookie)).await;
                    assert_eq!(r.status, 200, "{}", r.head);
                    assert!(String::from_utf8_lossy(&r.body).contains("Efternamn"));
                    lat.push(r.took);
                    i += clients as u32;
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("client"));
    }
    report(&format!("GET /people (SSR, {persons} persons, {clients} clients)"), all, start.elapsed());
}
