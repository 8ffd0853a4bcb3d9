//! Talks' server functions and pages through the real router, every role, both backends: who
//! may read and write which talk (403 logged with the talk's id), admins never reading a text,
//! private notes for their author only, `talk.viewed` written before any text is returned (a
//! view whose event cannot be written returns nothing), conflicts, and the plain-form flow.
use app::on_both_backends;

use app::{
    core::{
        auth::{users, Role},
        clock::SystemClock,
        db::Backend,
        logbook::{self, Actor, Filter, Origin},
        people::{self, access, employment, org, NewPerson},
        state::AppState,
        talks::{rounds, templates},
        tenancy::Tenant,
        testkit::TestEnv,
    },
    model::{
        lang::Lang,
        personnummer::{synthesise, Day, Personnummer},
        slug::Slug,
    },
};
use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use http_body_util::BodyExt;
use server::http::{router, HttpConfig};
use tower::ServiceExt;

const PW: &str = "correct horse battery staple";
const HOST: &str = "acme.localhost";

on_both_backends!(
    every_talk_function_keeps_to_the_parties,
    a_view_whose_event_cannot_be_written_returns_nothing,
    text_saves_are_bounded_per_account,
);

struct Fx {
    env: TestEnv,
    site: tempfile::TempDir,
    state: AppState,
    acme: Tenant,
    /// Talks: Ola's (held by Mia, Bo above her), Sam's (held by Lee, another line).
    ola_talk: String,
    sam_talk: String,
}

struct Res {
    status: StatusCode,
    location: Option<String>,
    headers: axum::http::HeaderMap,
    body: String,
}

fn pnr(n: u16) -> Personnummer {
    Personnummer::parse(&synthesise(1971 + n, 6, 10 + n as u8, 400 + n), Day { year: 2026, month: 12, day: 2 })
        .expect("valid")
}

async fn fx(b: Backend) -> Fx {
    let env = TestEnv::with(b, |c| c.catalog_cache_ttl = std::time::Duration::ZERO).await;
    let state = AppState::new(env.tenancy.clone());
    let slug = Slug::parse("acme").expect("slug");
    env.tenancy.create_tenant(&slug, "Acme", env.target()).await.expect("create");
    let t = env.tenancy.open_active(&slug).await.expect("open");
    let c = SystemClock;
    let unit = org::create(&t, &c, Actor::System, Origin::default(), "Sälj", None).await.expect("unit");
    let mut ids = Vec::new();
    for (i, (g, f)) in
        [("Bo", "Chef"), ("Mia", "Mellan"), ("Ola", "Nilsson"), ("Lee", "Annan"), ("Sam", "Åberg"), ("Hedda", "HR")]
            .iter()
            .enumerate()
    {
        let new = NewPerson {
            personnummer: pnr(i as u16),
            given_name: (*g).into(),
            family_name: (*f).into(),
            email: None,
            gender: None,
            employee_number: None,
        };
        ids.push(people::create(&t, &c, Actor::System, &new).await.expect("person"));
    }
    // Hedda, the admin, is at the top: everyone is in her reporting line.
    for (who, manager) in [(5, None), (0, Some(5)), (1, Some(0)), (2, Some(1)), (3, Some(0)), (4, Some(3))] {
        let input = employment::EmploymentInput {
            unit_id: unit.clone(),
            job_title: "Säljare".into(),
            manager_person_id: manager.map(|m: usize| ids[m].clone()),
            start_date: "2020-01-01".into(),
            end_date: None,
            rate_bp: 10_000,
            monthly_salary_ore: 4_000_000,
        };
        employment::add(&t, &c, Actor::System, Origin::default(), &ids[who], &input).await.expect("employ");
    }
    for (email, role, person) in [
        ("admin@x.se", Role::Admin, Some(5)),
        ("bo@x.se", Role::Manager, Some(0)),
        ("mia@x.se", Role::Manager, Some(1)),
        ("ola@x.se", Role::Employee, Some(2)),
        ("lee@x.se", Role::Manager, Some(3)),
    ] {
        let u = users::create(&t, &c, Actor::System, email, email, role).await.expect("user");
        users::set_password(&t, &c, &state.auth.hasher, &u, PW).await.expect("pw");
        if let Some(p) = person {
            access::link_account(&t, &c, Actor::System, &u.id, Some(&ids[p])).await.expect("link");
        }
    }
    templates::ensure_shipped(&t, &c, Lang::Sv).await.expect("shipped");
    let template = templates::list(&t).await.expect("list").into_iter().find(|r| r.shipped && r.title == "Lönesamtal");
    let new = rounds::NewRound {
        title: "Lönesamtal 2026".into(),
        template_id: template.expect("template").id,
        unit_id: unit,
        starts_on: "2026-11-01".into(),
        ends_on: "2026-12-31".into(),
    };
    let out = rounds::roll_out(&t, &c, Actor::System, Origin::default(), &new, "2026-12-02").await.expect("roll out");
    let talk_of = |person: &str| {
        let (t, person, round) = (&t, person.to_string(), out.round_id.clone());
        async move {
            let (id,): (String,) = sqlx::query_as("SELECT id FROM talks WHERE person_id = $1 AND round_id = $2")
                .bind(person)
                .bind(round)
                .fetch_one(t.db().pool())
                .await
                .expect("talk");
            id
        }
    };
    let (ola_talk, sam_talk) = (talk_of(&ids[2]).await, talk_of(&ids[4]).await);
    let site = tempfile::tempdir().expect("site");
    std::fs::create_dir_all(site.path().join("pkg")).expect("pkg");
    Fx { env, site, state, acme: t, ola_talk, sam_talk }
}

impl Fx {
    async fn send(&self, req: Request<Body>) -> Res {
        let config = HttpConfig { site_root: self.site.path().to_path_buf(), ..HttpConfig::default() };
        let res = router(&config, self.state.clone()).oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let location = headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).map(String::from);
        let body = String::from_utf8_lossy(&res.into_body().collect().await.expect("body").to_bytes()).into_owned();
        Res { status, location, headers, body }
    }

    async fn post(&self, path: &str, form: &str, cookies: &str, html: bool) -> Res {
        let mut req = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::HOST, HOST)
            .header("origin", format!("http://{HOST}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if html {
            req = req.header(header::ACCEPT, "text/html");
        }
        if !cookies.is_empty() {
            req = req.header(header::COOKIE, cookies);
        }
        self.send(req.body(Body::from(form.to_string())).expect("req")).await
    }

    async fn page(&self, path: &str, cookies: &str) -> Res {
        let req = Request::builder()
            .uri(path)
            .header(header::HOST, HOST)
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, cookies)
            .body(Body::empty())
            .expect("req");
        self.send(req).await
    }

    async fn sign_in(&self, email: &str) -> String {
        let form = format!("email={}&password={}", email.replace('@', "%40"), PW.replace(' ', "+"));
        let res = self.post("/api/auth/sign_in", &form, "", false).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        res.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().and_then(|c| c.split(';').next()).map(String::from))
            .find(|c| c.starts_with("__Host-samtal="))
            .expect("session cookie")
    }

    async fn events(&self) -> Vec<logbook::StoredEvent> {
        logbook::list(&self.acme, &Filter::default()).await.expect("log")
    }

    async fn done(self) {
        self.acme.db().close().await;
        self.env.cleanup().await;
    }
}

fn enc(s: &str) -> String {
    app::model::format::percent_encode(s)
}

async fn every_talk_function_keeps_to_the_parties(b: Backend) {
    let f = fx(b).await;
    let (admin, bo, mia, ola, lee) = (
        f.sign_in("admin@x.se").await,
        f.sign_in("bo@x.se").await,
        f.sign_in("mia@x.se").await,
        f.sign_in("ola@x.se").await,
        f.sign_in("lee@x.se").await,
    );
    let talk = f.ola_talk.clone();
    // Mia writes the shared notes and her private notes through the server functions.
    let note = |kind: &str, version: i64, text: &str| {
        format!("talk_id={talk}&kind={kind}&version={version}&text={}", enc(text))
    };
    let res = f.post("/api/talks/save_note", &note("notes", 0, "DELAD-ANTECKNING"), &mia, false).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body, "1", "the new version");
    let res = f.post("/api/talks/save_note", &note("private", 0, "PRIVAT-HEMLIS"), &mia, false).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // A second tab still on version 0: a conflict, nothing written.
    let res = f.post("/api/talks/save_note", &note("notes", 0, "ÖVERSKRIVEN"), &mia, false).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("why=conflict"), "{}", res.body);
    // Who may read the talk.
    let detail = |cookie: &str, id: &str| {
        let (cookie, form) = (cookie.to_string(), format!("talk_id={id}"));
        let f = &f;
        async move { f.post("/api/talks/detail", &form, &cookie, false).await }
    };
    for (who, cookie, expected, private) in [
        ("Mia, who holds it", &mia, StatusCode::OK, false),
        ("Ola, whose talk it is", &ola, StatusCode::OK, false),
        ("Bo, above Mia", &bo, StatusCode::OK, false),
        ("Lee, another line", &lee, StatusCode::FORBIDDEN, false),
        ("the admin, at the top of the line", &admin, StatusCode::FORBIDDEN, false),
    ] {
        let res = detail(cookie, &talk).await;
        assert_eq!(res.status, expected, "{who}: {}", res.body);
        assert_eq!(res.body.contains("PRIVAT-HEMLIS"), private, "{who} and the private note: {}", res.body);
        assert_eq!(res.body.contains("DELAD-ANTECKNING"), expected == StatusCode::OK, "{who}");
        assert!(!res.body.contains("ÖVERSKRIVEN"), "the conflicting save wrote nothing");
    }
    let res = detail(&ola, &f.sam_talk).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "Ola asking for Sam's talk");
    let events = f.events().await;
    let on = |action: &str, id: &str| {
        events.iter().filter(|e| e.action == action && e.target_id.as_deref() == Some(id)).count()
    };
    assert_eq!(on("talk.viewed", &talk), 3, "each returned text was logged");
    assert_eq!(on("talk.private_note.viewed", &talk), 0, "a talk's view holds no private note");
    assert_eq!(on("auth.access.denied", &talk), 2, "Lee and the admin, with the talk's id");
    assert_eq!(on("auth.access.denied", &f.sam_talk), 1);
    // The private notes open on their own, for Mia only, each read logged.
    let private = |cookie: &str| {
        let (cookie, form) = (cookie.to_string(), format!("talk_id={talk}"));
        let f = &f;
        async move { f.post("/api/talks/private_note", &form, &cookie, false).await }
    };
    let res = private(&mia).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("PRIVAT-HEMLIS"));
    for (who, cookie) in [("Ola", &ola), ("Bo", &bo), ("Lee", &lee), ("the admin", &admin)] {
        let res = private(cookie).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who} opening the private notes");
        assert!(!res.body.contains("PRIVAT-HEMLIS"));
    }
    let page = f.page(&format!("/talks/{talk}/private"), &mia).await;
    assert!(page.body.contains("PRIVAT-HEMLIS"), "the private notes' page, for Mia: {}", page.body);
    let page = f.page(&format!("/talks/{talk}/private"), &ola).await;
    assert!(!page.body.contains("PRIVAT-HEMLIS"), "the page to the private notes, for Ola");
    let events = f.events().await;
    let on = |action: &str, id: &str| {
        events.iter().filter(|e| e.action == action && e.target_id.as_deref() == Some(id)).count()
    };
    assert_eq!(on("talk.private_note.viewed", &talk), 2, "Mia's two reads (the call, her page), each on its own");
    // Writes: only the manager who holds it writes notes; only the employee signs off.
    for (who, cookie) in [("Bo", &bo), ("Ola", &ola), ("the admin", &admin), ("Lee", &lee)] {
        let res = f.post("/api/talks/save_note", &note("notes", 1, "x"), cookie, false).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who} writing notes: {}", res.body);
    }
    let res = f.post("/api/talks/move", &format!("talk_id={talk}&action=sign_off&version=2"), &mia, false).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "the manager cannot sign for the employee");
    let res = f.post("/api/talks/move", &format!("talk_id={talk}&action=ask&version=0"), &bo, false).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "the line above reads, never moves");
    // The employee's preparation by a plain form (no script): nested answer fields.
    let page = f.page(&format!("/talks/{talk}"), &ola).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("prep-form") && page.body.contains("DELAD-ANTECKNING"), "{}", page.body);
    assert!(!page.body.contains("PRIVAT-HEMLIS"));
    let form = format!(
        "talk_id={talk}&version=0&{}={}&{}=3&ready=yes",
        enc("answers[q1][text]"),
        enc("Ett bra år"),
        enc("answers[q4][rating]")
    );
    let res = f.post("/api/talks/save_preparation", &form, &ola, true).await;
    assert_eq!(res.status, StatusCode::FOUND, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some(format!("/talks/{talk}?done=saved").as_str()));
    let res = detail(&mia, &talk).await;
    assert!(res.body.contains("Ett bra år"), "ready: Mia sees Ola's words: {}", res.body);
    assert!(!res.body.contains("\"rating\":3"), "but not his self-rating before she is done: {}", res.body);
    let bad = format!("talk_id={talk}&version=1&{}=x", enc("answers[q3][text]"));
    let res = f.post("/api/talks/save_preparation", &bad, &ola, false).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "a manager's question is not Ola's to answer: {}", res.body);
    // Admins: templates and rounds, statuses only.
    let rounds = f.post("/api/talks/rounds", "", &admin, false).await;
    assert_eq!(rounds.status, StatusCode::OK);
    assert!(rounds.body.contains("Lönesamtal 2026"));
    for cookie in [&mia, &ola] {
        assert_eq!(f.post("/api/talks/rounds", "", cookie, false).await.status, StatusCode::FORBIDDEN);
        assert_eq!(f.post("/api/talks/templates", "", cookie, false).await.status, StatusCode::FORBIDDEN);
    }
    let page = f.page("/admin/rounds", &admin).await;
    assert!(page.body.contains("Lönesamtal 2026"), "{}", page.body);
    let round_id =
        page.body.split("/admin/rounds/").nth(1).and_then(|s| s.get(..32)).expect("a round link").to_string();
    let page = f.page(&format!("/admin/rounds/{round_id}"), &admin).await;
    assert!(
        page.body.contains("Nilsson") && !page.body.contains("DELAD-ANTECKNING") && !page.body.contains("Ett bra år")
    );
    // My talks: Mia holds Ola's; Ola has his own.
    let mine = f.post("/api/talks/mine", "", &mia, false).await;
    assert!(mine.body.contains("Ola Nilsson") && !mine.body.contains("Sam"), "{}", mine.body);
    // The calendar file needs a time; then it is a download that names no one in its name.
    let res =
        f.post("/api/talks/schedule", &format!("talk_id={talk}&when=2026-12-10T09%3A30&minutes=45"), &mia, true).await;
    assert_eq!(res.status, StatusCode::FOUND, "{}", res.body);
    let res = f.post("/api/talks/calendar", &format!("talk_id={talk}"), &ola, true).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("DTSTART:20261210T083000Z"), "09:30 in Stockholm is 08:30 UTC: {}", res.body);
    assert_eq!(res.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-store"));
    assert!(res.headers.get(header::LOCATION).is_none());
    assert_eq!(
        f.post("/api/talks/calendar", &format!("talk_id={talk}"), &admin, false).await.status,
        StatusCode::FORBIDDEN
    );
    // A manager made an employee reads and writes nothing of the talks she held.
    let mia_user = users::by_email(&f.acme, "mia@x.se").await.expect("by email").expect("mia");
    users::set_role(&f.acme, &SystemClock, Actor::System, &mia_user, Role::Employee).await.expect("demote");
    let mia = f.sign_in("mia@x.se").await;
    assert_eq!(detail(&mia, &talk).await.status, StatusCode::FORBIDDEN, "a demoted manager reads the talk");
    assert_eq!(private(&mia).await.status, StatusCode::FORBIDDEN);
    let res = f.post("/api/talks/save_note", &note("notes", 1, "x"), &mia, false).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = f.post("/api/talks/save_preparation", &format!("talk_id={talk}&version=0"), &mia, false).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "a demoted manager prepares as the manager: {}", res.body);
    users::set_role(&f.acme, &SystemClock, Actor::System, &mia_user, Role::Manager).await.expect("back");
    let mia = f.sign_in("mia@x.se").await;
    // Sign-out has the browser drop any unsent draft it kept.
    let res = f.post("/api/auth/sign_out", "", &mia, true).await;
    assert_eq!(res.headers.get("clear-site-data").and_then(|v| v.to_str().ok()), Some("\"storage\""));
    f.done().await;
}

async fn a_view_whose_event_cannot_be_written_returns_nothing(b: Backend) {
    let f = fx(b).await;
    let mia = f.sign_in("mia@x.se").await;
    let talk = f.ola_talk.clone();
    let form = format!("talk_id={talk}&kind=notes&version=0&text=SKA-INTE-SYNAS");
    assert_eq!(f.post("/api/talks/save_note", &form, &mia, false).await.status, StatusCode::OK);
    let refuse = match b {
        Backend::Sqlite => vec!["CREATE TRIGGER no_views BEFORE INSERT ON logbook WHEN NEW.action = 'talk.viewed' BEGIN SELECT RAISE(ABORT, 'no'); END"],
        Backend::Postgres => vec![
            "CREATE FUNCTION no_views() RETURNS trigger AS $$ BEGIN IF NEW.action = 'talk.viewed' THEN RAISE EXCEPTION 'no'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER no_views BEFORE INSERT ON logbook FOR EACH ROW EXECUTE FUNCTION no_views()",
        ],
    };
    for sql in refuse {
        sqlx::query(sql).execute(f.acme.db().pool()).await.expect("trigger");
    }
    let res = f.post("/api/talks/detail", &format!("talk_id={talk}"), &mia, false).await;
    assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!res.body.contains("SKA-INTE-SYNAS"), "{}", res.body);
    let page = f.page(&format!("/talks/{talk}"), &mia).await;
    assert!(!page.body.contains("SKA-INTE-SYNAS"), "the page shows no text it could not log");
    f.done().await;
}

/// One account's text saves are bounded (each writes a sealed row and a logbook event): past
/// the budget the answer is "busy" (the editor keeps the text and tries again), nothing is
/// written, and another account is not affected.
async fn text_saves_are_bounded_per_account(b: Backend) {
    let f = fx(b).await;
    let mia = f.sign_in("mia@x.se").await;
    let talk = f.ola_talk.clone();
    let mut version = 0;
    let refused = loop {
        let form = format!("talk_id={talk}&kind=notes&version={version}&text=v{version}");
        let res = f.post("/api/talks/save_note", &form, &mia, false).await;
        if res.status != StatusCode::OK {
            break res;
        }
        version = res.body.parse().expect("version");
        assert!(version <= 200, "no bound");
    };
    assert_eq!(version, 120, "the budget is 120 saves a minute");
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE, "{}", refused.body);
    let ola = f.sign_in("ola@x.se").await;
    let prep = format!("talk_id={talk}&version=0&answers%5Bq1%5D%5Btext%5D=x");
    let res = f.post("/api/talks/save_preparation", &prep, &ola, false).await;
    assert_ne!(res.status, StatusCode::SERVICE_UNAVAILABLE, "another account has its own budget: {}", res.body);
    f.done().await;
}
