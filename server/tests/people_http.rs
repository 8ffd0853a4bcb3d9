//! The people register's server functions and pages through the real router, each role on
//! both backends: who reaches whom, what is refused (403, logged), and that a personnummer
//! never leaves the server except in an admin's logged reveal.
use app::on_both_backends;

use app::{
    core::{
        auth::{users, Role},
        clock::{Clock, SystemClock},
        db::Backend,
        logbook::{self, Actor, Filter, Origin},
        people::{self, access, employment, org, NewPerson},
        state::AppState,
        tenancy::Tenant,
        testkit::TestEnv,
    },
    model::{
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
    every_people_function_keeps_to_the_role_and_the_reporting_line,
    the_people_pages_show_each_role_its_own_part,
    an_import_goes_upload_check_confirm_and_refuses_a_changed_file,
);

struct Fx {
    env: TestEnv,
    site: tempfile::TempDir,
    state: AppState,
    acme: Tenant,
    /// boss → mia → ola; sam outside the line.
    boss: String,
    mia: String,
    ola: String,
    sam: String,
    pnr: Vec<Personnummer>,
}

fn pnr(n: u16) -> Personnummer {
    Personnummer::parse(&synthesise(1970 + n, 5, 10 + n as u8, 100 + n), Day::from_unix(SystemClock.now_ms() / 1000))
        .expect("valid")
}

async fn fx(b: Backend) -> Fx {
    let env = TestEnv::with(b, |c| c.catalog_cache_ttl = std::time::Duration::ZERO).await;
    let state = AppState::new(env.tenancy.clone());
    let slug = Slug::parse("acme").expect("slug");
    env.tenancy.create_tenant(&slug, "Acme", env.target()).await.expect("create");
    let t = env.tenancy.open_active(&slug).await.expect("open");
    let unit = org::create(&t, &SystemClock, Actor::System, Origin::default(), "Sälj", None).await.expect("unit");
    let mut ids = Vec::new();
    let numbers: Vec<_> = (1..=4).map(pnr).collect();
    for (i, (given, family)) in
        [("Bo", "Chef"), ("Mia", "Mellan"), ("Ola", "Nilsson"), ("Sam", "Åberg")].iter().enumerate()
    {
        let new = NewPerson {
            personnummer: numbers[i].clone(),
            given_name: (*given).into(),
            family_name: (*family).into(),
            email: None,
            gender: None,
            employee_number: None,
        };
        ids.push(people::create(&t, &SystemClock, Actor::System, &new).await.expect("person"));
    }
    let job = |manager: Option<&String>| employment::EmploymentInput {
        unit_id: unit.clone(),
        job_title: "Säljare".into(),
        manager_person_id: manager.cloned(),
        start_date: "2020-01-01".into(),
        end_date: None,
        rate_bp: 10_000,
        monthly_salary_ore: 4_200_000,
    };
    for (who, manager) in [(0, None), (1, Some(0)), (2, Some(1)), (3, None)] {
        employment::add(&t, &SystemClock, Actor::System, Origin::default(), &ids[who], &job(manager.map(|m| &ids[m])))
            .await
            .expect("employ");
    }
    for (email, role, person) in [
        ("admin@x.se", Role::Admin, None),
        ("boss@x.se", Role::Manager, Some(0)),
        ("mia@x.se", Role::Manager, Some(1)),
        ("ola@x.se", Role::Employee, Some(2)),
    ] {
        let u = users::create(&t, &SystemClock, Actor::System, email, email, role).await.expect("user");
        users::set_password(&t, &SystemClock, &state.auth.hasher, &u, PW).await.expect("pw");
        if let Some(p) = person {
            access::link_account(&t, &SystemClock, Actor::System, &u.id, Some(&ids[p])).await.expect("link");
        }
    }
    let site = tempfile::tempdir().expect("site");
    std::fs::create_dir_all(site.path().join("pkg")).expect("pkg");
    let [boss, mia, ola, sam]: [String; 4] = ids.try_into().expect("four");
    Fx { env, site, state, acme: t, boss, mia, ola, sam, pnr: numbers }
}

struct Res {
    status: StatusCode,
    location: Option<String>,
    cookies: Vec<String>,
    body: String,
    /// Content-Type and Cache-Control.
    kind: Option<String>,
    cache: Option<String>,
}

impl Fx {
    async fn send(&self, req: Request<Body>) -> Res {
        let config = HttpConfig { site_root: self.site.path().to_path_buf(), ..HttpConfig::default() };
        let res = router(&config, self.state.clone()).oneshot(req).await.expect("infallible");
        let status = res.status();
        let header_of = |h: header::HeaderName| res.headers().get(h).and_then(|v| v.to_str().ok()).map(String::from);
        let (location, kind, cache) =
            (header_of(header::LOCATION), header_of(header::CONTENT_TYPE), header_of(header::CACHE_CONTROL));
        let cookies = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().and_then(|c| c.split(';').next()).map(String::from))
            .collect();
        let body = String::from_utf8_lossy(&res.into_body().collect().await.expect("body").to_bytes()).into_owned();
        Res { status, location, cookies, body, kind, cache }
    }

    /// POSTs a server function as a same-origin browser; `html` asks for the plain-form answer.
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

    /// The session cookie of a signed-in account, as a `Cookie` header value.
    async fn sign_in(&self, email: &str) -> String {
        let form = format!("email={}&password={}", email.replace('@', "%40"), PW.replace(' ', "+"));
        let res = self.post("/api/auth/sign_in", &form, "", false).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        res.cookies.into_iter().find(|c| c.starts_with("__Host-samtal=")).expect("session cookie")
    }

    async fn events(&self) -> Vec<logbook::StoredEvent> {
        logbook::list(&self.acme, &Filter::default()).await.expect("log")
    }
}

fn enc(s: &str) -> String {
    app::model::format::percent_encode(s)
}

async fn every_people_function_keeps_to_the_role_and_the_reporting_line(b: Backend) {
    let f = fx(b).await;
    let (admin, boss, mia, ola) = (
        f.sign_in("admin@x.se").await,
        f.sign_in("boss@x.se").await,
        f.sign_in("mia@x.se").await,
        f.sign_in("ola@x.se").await,
    );
    let detail = |cookie: &str, id: &str| {
        let (cookie, id) = (cookie.to_string(), id.to_string());
        let f = &f;
        async move { f.post("/api/people/detail", &format!("person_id={id}"), &cookie, false).await }
    };
    // Who may read whose record.
    for (who, cookie, id, expected) in [
        ("admin", &admin, &f.sam, StatusCode::OK),
        ("boss, indirect report", &boss, &f.ola, StatusCode::OK),
        ("mia, direct report", &mia, &f.ola, StatusCode::OK),
        ("mia, herself", &mia, &f.mia, StatusCode::OK),
        ("mia, outside her line", &mia, &f.sam, StatusCode::FORBIDDEN),
        ("mia, her own manager", &mia, &f.boss, StatusCode::FORBIDDEN),
        ("ola, himself", &ola, &f.ola, StatusCode::OK),
        ("ola, his manager", &ola, &f.mia, StatusCode::FORBIDDEN),
    ] {
        let res = detail(cookie, id).await;
        assert_eq!(res.status, expected, "{who}: {}", res.body);
        for n in &f.pnr {
            assert!(
                !res.body.contains(&n.digits()[..8]) || res.body.contains(&n.masked()),
                "{who}: a whole number in {}",
                res.body
            );
            assert!(!res.body.contains(&n.digits()), "{who}: a personnummer in the answer");
        }
    }
    let res = detail(&mia, &f.ola).await;
    assert!(res.body.contains("Nilsson") && res.body.contains("-****"), "{}", res.body);
    let events = f.events().await;
    let viewed = events.iter().filter(|e| e.action == "person.viewed").count();
    assert_eq!(viewed, 6, "every read of a record is logged, refusals are not views");
    let denied: Vec<_> = events.iter().filter(|e| e.action == "auth.access.denied").collect();
    assert_eq!(denied.len(), 3);
    assert!(
        denied.iter().any(|e| e.target_id.as_deref() == Some(f.sam.as_str())),
        "the refusal names whom it was about"
    );
    // The list is cut the same way.
    let list = f.post("/api/people/list", "page=1&sort=name", &mia, false).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Nilsson") && list.body.contains("Mellan"));
    assert!(!list.body.contains("Åberg") && !list.body.contains("Chef"), "{}", list.body);
    let list = f.post("/api/people/list", "page=1&sort=name", &admin, false).await;
    assert!(list.body.contains("Åberg") && list.body.contains("\"can_edit\":true"));
    // Finding by personnummer: outside the reach looks exactly like not registered.
    let find = |cookie: &str, n: &Personnummer| {
        let (cookie, form) = (cookie.to_string(), format!("personnummer={}", enc(&n.formatted())));
        let f = &f;
        async move { f.post("/api/people/find", &form, &cookie, false).await }
    };
    let found = find(&mia, &f.pnr[2]).await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.body.contains(&f.ola));
    let hidden = find(&mia, &f.pnr[3]).await;
    let unknown = find(&mia, &pnr(9)).await;
    assert_eq!(
        (hidden.status, hidden.body.clone()),
        (unknown.status, unknown.body.clone()),
        "Sam is not found for Mia"
    );
    assert_eq!(hidden.status, StatusCode::BAD_REQUEST);
    let bad = f.post("/api/people/find", "personnummer=19640823-3235", &admin, false).await;
    assert!(bad.body.contains("pnr_check"), "a bad check digit is said: {}", bad.body);
    // Reveal: admins only, logged; then the number, and only then.
    let res = f.post("/api/people/reveal", &format!("person_id={}", f.ola), &mia, false).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = f.post("/api/people/reveal", &format!("person_id={}", f.ola), &admin, false).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(&f.pnr[2].formatted()), "{}", res.body);
    let events = f.events().await;
    assert_eq!(events.iter().filter(|e| e.action == "person.personnummer.revealed").count(), 1);
    for e in &events {
        let line = format!("{e:?}");
        for n in &f.pnr {
            assert!(!line.contains(&n.digits()) && !line.contains(&n.digits()[2..]), "a personnummer in the logbook");
        }
    }
    // Writes: admins only; nothing changes on a refusal.
    let create = format!("personnummer={}&given_name=Eva&family_name=Ek", enc(&pnr(7).formatted()));
    let unit_form = "name=Ny+enhet";
    for cookie in [&mia, &ola] {
        assert_eq!(f.post("/api/people/create", &create, cookie, false).await.status, StatusCode::FORBIDDEN);
        assert_eq!(f.post("/api/people/create_unit", unit_form, cookie, false).await.status, StatusCode::FORBIDDEN);
        let update = format!("person_id={}&given_name=X&family_name=Y", f.ola);
        assert_eq!(f.post("/api/people/update", &update, cookie, false).await.status, StatusCode::FORBIDDEN);
        let erase = format!("person_id={}&personnummer={}", f.sam, enc(&f.pnr[3].formatted()));
        assert_eq!(f.post("/api/people/erase", &erase, cookie, false).await.status, StatusCode::FORBIDDEN);
        let preview = format!("person_id={}", f.sam);
        assert_eq!(f.post("/api/gdpr/preview", &preview, cookie, false).await.status, StatusCode::FORBIDDEN);
        assert_eq!(f.post("/api/gdpr/erasures", "", cookie, false).await.status, StatusCode::FORBIDDEN);
        assert_eq!(f.post("/api/people/import_check", "", cookie, false).await.status, StatusCode::FORBIDDEN);
    }
    // Every other admin function refuses a manager and an employee, and changes nothing.
    let unit: (String,) = sqlx::query_as("SELECT id FROM org_units").fetch_one(f.acme.db().pool()).await.expect("unit");
    let job: (String,) = sqlx::query_as("SELECT id FROM employments WHERE person_id = $1")
        .bind(&f.ola)
        .fetch_one(f.acme.db().pool())
        .await
        .expect("employment");
    let employment =
        |extra: &str| format!("{extra}&unit_id={}&job_title=X&start_date=2021-01-01&rate=100&monthly_salary=1", unit.0);
    let admin_only = [
        ("/api/people/change_unit", format!("unit_id={}&name=Y", unit.0)),
        ("/api/people/delete_unit", format!("unit_id={}", unit.0)),
        ("/api/people/add_employment", employment(&format!("person_id={}", f.ola))),
        ("/api/people/change_employment", employment(&format!("employment_id={}", job.0))),
        ("/api/people/delete_employment", format!("employment_id={}", job.0)),
        ("/api/people/manager_choices", String::new()),
        ("/api/people/unlinked_accounts", String::new()),
        ("/api/people/link_account", format!("person_id={}", f.ola)),
        ("/api/people/import_upload", "csv=a".to_string()),
        ("/api/people/import_remap", "personnummer=0".to_string()),
        ("/api/people/import_apply", "digest=00".to_string()),
        ("/api/people/import_discard", String::new()),
        ("/api/gdpr/retention", String::new()),
        ("/api/gdpr/set_retention", "months=1&auto_erase=yes".to_string()),
        ("/api/gdpr/erasures", String::new()),
    ];
    for cookie in [&mia, &ola] {
        for (path, form) in &admin_only {
            let res = f.post(path, form, cookie, false).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}: {}", res.body);
        }
    }
    for cookie in [&mia, &ola] {
        let res = f.post("/api/people/units", "", cookie, false).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "the whole tree with head counts is for admins");
    }
    assert_eq!(f.post("/api/people/units", "", &admin, false).await.status, StatusCode::OK);
    for (path, form) in
        [("/api/people/list", "page=1&sort=name"), ("/api/people/detail", "person_id=00000000000000000000000000000000")]
    {
        assert_eq!(f.post(path, form, "", false).await.status, StatusCode::UNAUTHORIZED, "{path} signed out");
    }
    assert_eq!(people::register::get(&f.acme, &f.ola).await.expect("ola").employments.len(), 1, "nothing changed");
    assert!(people::register::get(&f.acme, &f.sam).await.is_ok(), "the refused erasure changed nothing");
    let res = f.post("/api/people/create", &create, &admin, false).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let again = f.post("/api/people/create", &create, &admin, false).await;
    assert!(again.body.contains("pnr_taken"), "{}", again.body);
    let bad_pnr =
        f.post("/api/people/create", "personnummer=19641323-3234&given_name=A&family_name=B", &admin, false).await;
    assert!(bad_pnr.body.contains("pnr_month"), "{}", bad_pnr.body);
    // The export (GDPR Art. 15/20): an admin, with the number typed; the person themselves.
    let export = |n: usize, format: &str| {
        format!("person_id={}&personnummer={}&format={format}&lang=en", f.ola, enc(&f.pnr[n].formatted()))
    };
    let denied = || async { f.events().await.iter().filter(|e| e.action == "auth.access.denied").count() };
    let before = denied().await;
    for cookie in [&mia, &ola] {
        let res = f.post("/api/gdpr/export", &export(2, "json"), cookie, false).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "a manager or the employee through the admin's door");
        let erase = format!("person_id={}&personnummer={}", f.ola, enc(&f.pnr[2].formatted()));
        assert_eq!(f.post("/api/people/erase", &erase, cookie, false).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(denied().await, before + 4, "each refused export and erasure is logged");
    let res = f.post("/api/gdpr/export", &export(1, "json"), &admin, false).await;
    assert!(res.body.contains("erasure_mismatch"), "Mia's number for Ola: {}", res.body);
    let res = f.post("/api/gdpr/export", &export(2, "json"), &admin, false).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.cache.as_deref(), Some("no-store"));
    assert!(res.kind.as_deref().is_some_and(|k| k.starts_with("application/json")), "{:?}", res.kind);
    assert!(res.body.contains(&f.pnr[2].formatted()) && !res.body.contains(&f.pnr[1].formatted()), "{}", res.body);
    let res = f.post("/api/gdpr/export", &export(2, "html"), &admin, false).await;
    assert!(res.kind.as_deref().is_some_and(|k| k.starts_with("text/html")), "{:?}", res.kind);
    assert!(res.body.starts_with("<!DOCTYPE html>") && res.body.contains("export-person"), "{}", res.body);
    let own = f.post("/api/gdpr/my_data", "format=json", &ola, false).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert!(own.body.contains(&f.pnr[2].formatted()) && !own.body.contains(&f.pnr[1].formatted()), "{}", own.body);
    assert_eq!(f.post("/api/gdpr/my_data", "format=json", "", false).await.status, StatusCode::UNAUTHORIZED);
    let events = f.events().await;
    let exported =
        |outcome: &str| events.iter().filter(|e| e.action == "person.exported" && e.outcome == outcome).count();
    assert_eq!((exported("success"), exported("failure")), (3, 1), "every export is logged, the refused one too");
    let erase = f.post("/api/people/erase", &format!("person_id={}", f.sam), &admin, false).await;
    assert!(erase.body.contains("confirm_erase"), "the number must be typed: {}", erase.body);
    let wrong = format!("person_id={}&personnummer={}", f.sam, enc(&f.pnr[2].formatted()));
    let erase = f.post("/api/people/erase", &wrong, &admin, true).await;
    assert_eq!(
        erase.location,
        Some(format!("/people/{}?error=invalid&why=erasure_mismatch", f.sam)),
        "Ola's number for Sam"
    );
    assert!(people::register::get(&f.acme, &f.sam).await.is_ok(), "a wrong number erases nothing");
    let page = f.page(&format!("/people/{}", f.sam), &admin).await;
    assert!(page.body.contains("erase-erased") && page.body.contains(r#"data-kind="employments">1<"#), "{}", page.body);
    let right = format!("person_id={}&personnummer={}", f.sam, enc(&f.pnr[3].formatted()));
    let erase = f.post("/api/people/erase", &right, &admin, true).await;
    let to = erase.location.clone().unwrap_or_default();
    assert!(to.starts_with("/admin/erasures/") && to.ends_with("?done=person_erased"), "{to}");
    assert!(people::register::get(&f.acme, &f.sam).await.is_err());
    // The receipt: its page, and the file (no-store), for admins only.
    let receipt_id = to.trim_start_matches("/admin/erasures/").trim_end_matches("?done=person_erased").to_string();
    let page = f.page(&format!("/admin/erasures/{receipt_id}"), &admin).await;
    assert!(page.body.contains("receipt-genuine"), "{}", page.body);
    let list = f.page("/admin/erasures", &admin).await;
    assert!(list.body.contains(&receipt_id), "{}", list.body);
    let file = f.post("/api/gdpr/receipt", &format!("receipt_id={receipt_id}"), &admin, false).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(
        file.body.contains("\"type\": \"samtal.erasure-receipt\"") && file.body.contains("hmac-sha256:"),
        "{}",
        file.body
    );
    for cookie in [&mia, &ola] {
        let res = f.post("/api/gdpr/receipt", &format!("receipt_id={receipt_id}"), cookie, false).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
    let none = f.post("/api/gdpr/receipt", "receipt_id=ffffffffffffffffffffffffffffffff", &admin, false).await;
    assert!(none.body.contains("no_receipt"), "{}", none.body);
    let junk = f.post("/api/people/detail", "person_id=..%2F..%2Fetc", &admin, false).await;
    assert_eq!(junk.status, StatusCode::BAD_REQUEST);
    f.env.cleanup().await;
}

async fn the_people_pages_show_each_role_its_own_part(b: Backend) {
    let f = fx(b).await;
    let (admin, mia, ola) = (f.sign_in("admin@x.se").await, f.sign_in("mia@x.se").await, f.sign_in("ola@x.se").await);
    let page = f.page("/people", &admin).await;
    assert_eq!(page.status, StatusCode::OK);
    for name in ["Bo Chef", "Mia Mellan", "Ola Nilsson", "Sam Åberg", "/people/new", "/people/import", "/admin/units"]
    {
        assert!(page.body.contains(name), "{name} missing from the admin's list");
    }
    let page = f.page("/people", &mia).await;
    assert!(
        page.body.contains("Ola Nilsson") && !page.body.contains("Sam Åberg") && !page.body.contains("/people/new")
    );
    let page = f.page(&format!("/people/{}", f.ola), &mia).await;
    assert!(
        page.body.contains("Ola Nilsson") && page.body.contains("-****") && page.body.contains("42"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("edit-person"), "a manager gets no edit form");
    let page = f.page(&format!("/people/{}", f.sam), &mia).await;
    assert!(!page.body.contains("Åberg"), "a record outside the line is not shown");
    let page = f.page(&format!("/people/{}", f.ola), &admin).await;
    assert!(page.body.contains("edit-person") && page.body.contains("erase-form") && page.body.contains("pnr-reveal"));
    let page = f.page("/people", &ola).await;
    assert!(page.body.contains("Ola Nilsson") && !page.body.contains("Mia Mellan"));
    let page = f.page("/admin/units", &admin).await;
    assert!(page.body.contains("Sälj") && page.body.contains("new-unit"));
    // The name search travels in a sealed cookie, never in the address.
    let res = f.post("/api/people/search", "name=nils", &admin, true).await;
    assert_eq!(res.location.as_deref(), Some("/people"));
    let search = res.cookies.iter().find(|c| c.starts_with("samtal_people_search=")).expect("search cookie").clone();
    assert!(!search.contains("nils"), "{search}");
    let page = f.page("/people", &format!("{admin}; {search}")).await;
    assert!(page.body.contains("Ola Nilsson") && !page.body.contains("Mia Mellan"), "the search is applied");
    let page = f.page("/people", &format!("{mia}; {search}")).await;
    assert!(page.body.contains("Mia Mellan"), "another account's search cookie is ignored");
    // Linking an account to a person: admins only; then the admin's own person cannot be erased.
    let (admin_id,): (String,) = sqlx::query_as("SELECT id FROM users WHERE email = 'admin@x.se'")
        .fetch_one(f.acme.db().pool())
        .await
        .expect("admin id");
    let link = format!("person_id={}&user_id={admin_id}", f.sam);
    assert_eq!(f.post("/api/people/link_account", &link, &mia, false).await.status, StatusCode::FORBIDDEN);
    assert_eq!(f.post("/api/people/link_account", &link, &admin, false).await.status, StatusCode::OK);
    let page = f.page(&format!("/people/{}", f.sam), &admin).await;
    assert!(page.body.contains("admin@x.se") && !page.body.contains("erase-form"), "one's own person is not erasable");
    let erase = format!("person_id={}&personnummer={}", f.sam, enc(&f.pnr[3].formatted()));
    let erase = f.post("/api/people/erase", &erase, &admin, false).await;
    assert!(erase.body.contains("own_person"), "{}", erase.body);
    let taken =
        f.post("/api/people/link_account", &format!("person_id={}&user_id={admin_id}", f.ola), &admin, false).await;
    assert!(taken.body.contains("account_taken"), "Ola has an account of his own: {}", taken.body);
    // Finding by personnummer answers with the person's page; the number is not in the address.
    let res = f.post("/api/people/find", &format!("personnummer={}", enc(&f.pnr[2].formatted())), &admin, true).await;
    assert_eq!(res.location, Some(format!("/people/{}", f.ola)));
    f.env.cleanup().await;
}

async fn an_import_goes_upload_check_confirm_and_refuses_a_changed_file(b: Backend) {
    let f = fx(b).await;
    let admin = f.sign_in("admin@x.se").await;
    let (a, c) = (pnr(11), pnr(12));
    let csv = format!(
        "Personnummer;Förnamn;Efternamn;Enhet;Befattning;Chefens personnummer;Startdatum;Sysselsättningsgrad;Månadslön\n\
         {};Anna;Ny;Ekonomi;Controller;{};2024-01-01;100;48 000\n\
         {};Ola;Nilsson-Berg;Sälj;Säljare;;2020-01-01;80;42000\n",
        a.formatted(),
        c.formatted(),
        f.pnr[2].digits()
    );
    let upload = |csv: String| {
        let f = &f;
        let admin = admin.clone();
        async move { f.post("/api/people/import_upload", &format!("csv={}", enc(&csv)), &admin, true).await }
    };
    let res = upload(csv.clone()).await;
    assert_eq!(res.location.as_deref(), Some("/people/import?step=check"));
    let check = f.post("/api/people/import_check", "", &admin, false).await;
    assert!(check.body.contains("unknown_manager"), "the manager is nowhere: {}", check.body);
    assert!(!check.body.contains(&a.digits()), "the preview names no personnummer");
    let page = f.page("/people/import?step=check", &admin).await;
    assert!(page.body.contains("import-problems") && !page.body.contains("import-confirm"), "no confirm with problems");
    // The draft is sealed in the database.
    let (raw,): (Vec<u8>,) =
        sqlx::query_as("SELECT csv_sealed FROM import_drafts").fetch_one(f.acme.db().pool()).await.expect("draft");
    assert!(!raw.windows(8).any(|w| w == &a.digits().as_bytes()[..8]));
    // The same file with the manager in it checks clean; the confirm needs its digest.
    let fixed = format!("{csv}{};Cia;Chef;Ekonomi;Chef;;2019-01-01;100;70000\n", c.formatted());
    upload(fixed).await;
    let check = f.post("/api/people/import_check", "", &admin, false).await;
    let digest =
        check.body.split("\"digest\":\"").nth(1).and_then(|r| r.split('"').next()).expect("digest").to_string();
    assert!(check.body.contains("\"problem_rows\":0"), "{}", check.body);
    let wrong = f.post("/api/people/import_apply", "digest=00", &admin, false).await;
    assert!(wrong.body.contains("import_changed"), "{}", wrong.body);
    assert_eq!(
        people::find_by_personnummer(&f.acme, &SystemClock, &a).await.expect("find"),
        None,
        "nothing written yet"
    );
    let done = f.post("/api/people/import_apply", &format!("digest={digest}&save_mapping=yes"), &admin, true).await;
    assert_eq!(done.location.as_deref(), Some("/people/import?done=imported&created=2&updated=1"), "{}", done.body);
    let anna = people::find_by_personnummer(&f.acme, &SystemClock, &a).await.expect("find").expect("anna");
    assert_eq!(
        people::register::get(&f.acme, &anna).await.expect("anna").employments[0].manager.as_deref(),
        Some("Cia Chef")
    );
    let ola = people::register::get(&f.acme, &f.ola).await.expect("ola");
    assert_eq!(ola.family_name, "Nilsson-Berg", "Ola was updated, not duplicated");
    assert_eq!(ola.employments.len(), 1);
    assert_eq!(ola.employments[0].rate_bp, 8_000);
    let (drafts,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM import_drafts").fetch_one(f.acme.db().pool()).await.expect("count");
    assert_eq!(drafts, 0, "the draft is gone once applied");
    // Only the upload may send a large body; it is still bounded.
    let big = "x".repeat(2 * 1024 * 1024);
    let res = f.post("/api/people/search", &format!("name={big}"), &admin, false).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    let res = f.post("/api/people/import_upload", &format!("csv={big}"), "", false).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "without a session the usual limit holds");
    let res = f.post("/api/people/import_upload", &format!("csv={big}"), &admin, false).await;
    assert_eq!(res.status, StatusCode::OK, "a 2 MB file is accepted for checking: {}", res.body);
    let res =
        f.post("/api/people/import_upload", &format!("csv={}", "x".repeat(13 * 1024 * 1024)), &admin, false).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    f.env.cleanup().await;
}
