//! Sign-in, sessions, CSRF and authorization through the real router, as an attacker would
//! try them, on both backends.
use app::on_both_backends;
use std::sync::Arc;

use app::{
    core::{
        auth::{users, Role},
        clock::SystemClock,
        db::Backend,
        logbook::{self, Actor, Filter},
        state::AppState,
        tenancy::Tenant,
        testkit::TestEnv,
    },
    model::slug::Slug,
};
use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use http_body_util::BodyExt;
use server::http::{router, HttpConfig};
use tower::ServiceExt;

const PW: &str = "correct horse battery staple";

struct Fx {
    env: TestEnv,
    site: tempfile::TempDir,
    state: AppState,
    acme: Tenant,
}

async fn fx(b: Backend) -> Fx {
    let env = TestEnv::with(b, |c| c.catalog_cache_ttl = std::time::Duration::ZERO).await;
    let state = AppState::new(env.tenancy.clone());
    for s in ["acme", "beta"] {
        let slug = Slug::parse(s).expect("slug");
        env.tenancy.create_tenant(&slug, s, env.target()).await.expect("create");
        let t = env.tenancy.open_active(&slug).await.expect("open");
        for (email, role) in [("admin@x.se", Role::Admin), ("emp@x.se", Role::Employee)] {
            let u = users::create(&t, &SystemClock, Actor::System, email, email, role).await.expect("user");
            users::set_password(&t, &SystemClock, &state.auth.hasher, &u, PW).await.expect("pw");
        }
    }
    let acme = env.tenancy.open_active(&Slug::parse("acme").expect("slug")).await.expect("open");
    let site = tempfile::tempdir().expect("site");
    std::fs::create_dir_all(site.path().join("pkg")).expect("pkg");
    Fx { env, site, state, acme }
}

struct Res {
    status: StatusCode,
    location: Option<String>,
    retry_after: Option<String>,
    cookie: Option<String>,
    set_cookie: Vec<String>,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Fx {
    /// GETs a page with exactly this `Cookie` header; the status and the HTML.
    async fn page(&self, path: &str, cookies: &str) -> (StatusCode, String) {
        let (status, body, _) = self.page_cookies(path, cookies).await;
        (status, body)
    }

    /// GETs a page like [`Fx::page`]; also the `Set-Cookie` headers it answers with.
    async fn page_cookies(&self, path: &str, cookies: &str) -> (StatusCode, String, Vec<String>) {
        let mut req =
            Request::builder().uri(path).header(header::HOST, "acme.localhost").header(header::ACCEPT, "text/html");
        if !cookies.is_empty() {
            req = req.header(header::COOKIE, cookies);
        }
        let config = HttpConfig { site_root: self.site.path().to_path_buf(), ..HttpConfig::default() };
        let res = router(&config, self.state.clone()).oneshot(req.body(Body::empty()).expect("req")).await.expect("ok");
        let status = res.status();
        let set_cookie = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(String::from))
            .collect();
        let body = String::from_utf8_lossy(&res.into_body().collect().await.expect("body").to_bytes()).into_owned();
        (status, body, set_cookie)
    }

    /// POSTs a server function as a browser on `host` would (same Origin), with a cookie.
    async fn call(&self, host: &str, path: &str, form: &str, cookie: Option<&str>, origin: Option<&str>) -> Res {
        let default_origin = format!("http://{host}");
        let origin = origin.or(Some(default_origin.as_str())).filter(|o| !o.is_empty());
        let headers: Vec<(&str, &str)> = origin.map(|o| ("origin", o)).into_iter().collect();
        self.post(&HttpConfig::default(), None, host, path, form, cookie, &headers).await
    }

    /// POSTs with exactly these extra headers, from `peer` (the TCP address the server sees), to
    /// a router built with `config`.
    #[allow(clippy::too_many_arguments)]
    async fn post(
        &self,
        config: &HttpConfig,
        peer: Option<&str>,
        host: &str,
        path: &str,
        form: &str,
        cookie: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Res {
        let mut req = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::HOST, host)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, format!("__Host-samtal={c}"));
        }
        let mut req = req.body(Body::from(form.to_string())).expect("req");
        if let Some(peer) = peer {
            let addr: std::net::SocketAddr = peer.parse().expect("peer");
            req.extensions_mut().insert(axum::extract::ConnectInfo(addr));
        }
        let config = HttpConfig { site_root: self.site.path().to_path_buf(), ..config.clone() };
        let res = router(&config, self.state.clone()).oneshot(req).await.expect("infallible");
        let status = res.status();
        let location = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(String::from);
        let retry_after = res.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()).map(String::from);
        let set_cookie: Vec<String> = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(String::from))
            .collect();
        let cookie = set_cookie.iter().find_map(|c| {
            c.strip_prefix("__Host-samtal=")
                .and_then(|r| r.split(';').next())
                .filter(|v| !v.is_empty())
                .map(String::from)
        });
        let headers = res.headers().clone();
        let body = String::from_utf8_lossy(&res.into_body().collect().await.expect("body").to_bytes()).into_owned();
        Res { status, location, retry_after, cookie, set_cookie, headers, body }
    }

    /// The logbook after every pending summary of anonymous refusals is written.
    async fn log_all(&self) -> Vec<logbook::StoredEvent> {
        self.state.auth.flush_anonymous(&self.env.tenancy, &SystemClock, true).await;
        logbook::list(&self.acme, &Filter::default()).await.expect("log")
    }

    async fn sign_in(&self, host: &str, email: &str, pw: &str) -> Res {
        let form = format!("email={}&password={}", email.replace('@', "%40"), pw.replace(' ', "+"));
        self.call(host, "/api/auth/sign_in", &form, None, None).await
    }

    /// Sets a password from a one-time link's token at acme (`password` form-encoded).
    async fn set_password(&self, token: &str, password: &str) -> Res {
        let form = format!("token={token}&password={password}");
        self.call("acme.localhost", "/api/auth/set_password", &form, None, None).await
    }

    async fn whoami(&self, host: &str, cookie: &str) -> String {
        self.call(host, "/api/auth/current_user", "", Some(cookie), None).await.body
    }
}

on_both_backends!(
    sign_in_sets_a_strict_host_cookie_and_failures_look_alike,
    a_cookie_from_one_tenant_is_refused_at_another,
    cross_origin_writes_are_refused_and_logged,
    employees_get_403_from_admin_functions_and_nothing_changes,
    sign_out_and_disabling_end_sessions_on_the_server,
    invite_link_sets_a_password_once,
    admins_page_and_export_the_logbook_and_employees_cannot,
    admins_raise_the_minimum_password_length_for_their_organisation_only,
    reset_links_work_once_and_replace_earlier_ones,
    with_smtp_configured_invitations_are_emailed,
    a_client_request_id_neither_blanks_the_logbook_nor_escapes_the_ip_throttle,
    forwarding_headers_count_only_from_trusted_proxies,
    the_origin_check_compares_scheme_host_and_port_and_reads_fetch_metadata,
    a_wrong_current_password_is_throttled_and_logged_over_http,
    anonymous_refusals_are_summarised_not_written_one_by_one,
    an_admin_signs_another_account_out_everywhere,
    a_dead_or_forged_cookie_is_cleared_in_full_and_only_its_hash_is_stored,
    plain_form_posts_are_answered_with_redirects_that_carry_codes_only,
    the_language_is_the_persons_choice_else_the_organisations,
    a_link_made_by_a_plain_form_is_shown_once_to_its_admin_only,
    a_plain_form_downloads_the_logbook_as_a_file,
);

/// A browser without scripts posts the form itself and asks for HTML: every answer is a
/// redirect to one of our own pages, with codes (never text, never a password) in the address.
async fn plain_form_posts_are_answered_with_redirects_that_carry_codes_only(b: Backend) {
    let f = fx(b).await;
    let html = [("origin", "http://acme.localhost"), ("accept", "text/html,application/xhtml+xml")];
    let post = |path: &'static str, form: String, cookie: Option<String>| {
        let f = &f;
        async move { f.post(&HttpConfig::default(), None, "acme.localhost", path, &form, cookie.as_deref(), &html).await }
    };
    let wrong = post("/api/auth/sign_in", "email=admin%40x.se&password=nope&next=%2Fadmin%2Fusers".into(), None).await;
    assert_eq!(wrong.status, StatusCode::FOUND);
    assert_eq!(wrong.location.as_deref(), Some("/sign-in?error=credentials&next=%2Fadmin%2Fusers"));
    assert!(wrong.cookie.is_none());
    // Only our own paths: `//evil.example` becomes the start page.
    let form = format!("email=admin%40x.se&password={}&next=%2F%2Fevil.example", PW.replace(' ', "+"));
    let ok = post("/api/auth/sign_in", form, None).await;
    assert_eq!((ok.status, ok.location.as_deref()), (StatusCode::FOUND, Some("/")));
    let cookie = ok.cookie.expect("a session");
    let emp = users::by_email(&f.acme, "emp@x.se").await.expect("q").expect("emp");
    let res = post("/api/admin/change_role", format!("user_id={}&role=manager", emp.id), Some(cookie.clone())).await;
    assert_eq!((res.status, res.location.as_deref()), (StatusCode::FOUND, Some("/admin/users?done=role")));
    assert_eq!(users::by_id(&f.acme, &emp.id).await.expect("q").expect("emp").role, Role::Manager);
    let admin = users::by_email(&f.acme, "admin@x.se").await.expect("q").expect("admin");
    let own = post("/api/admin/change_role", format!("user_id={}&role=employee", admin.id), Some(cookie.clone())).await;
    assert_eq!(
        (own.status, own.location.as_deref()),
        (StatusCode::FOUND, Some("/admin/users?error=invalid&why=own_account"))
    );
    let res = post(
        "/api/auth/change_password",
        format!("current={}&new_password=one+long+new+phrase&repeat=another+one", PW.replace(' ', "+")),
        Some(cookie.clone()),
    )
    .await;
    assert_eq!(
        (res.status, res.location.as_deref()),
        (StatusCode::FOUND, Some("/account?error=invalid&why=passwords_differ"))
    );
    // A post whose arguments cannot even be read fails before the server function runs; it
    // still comes back to its page with the code, not silently (Leptos would send it back to
    // the Referer as if nothing went wrong), and a foreign Referer never leaves our site.
    for referer in ["http://acme.localhost/admin/users?done=policy", "http://evil.example/admin/users"] {
        let headers = [html[0], html[1], ("referer", referer)];
        let res = f
            .post(
                &HttpConfig::default(),
                None,
                "acme.localhost",
                "/api/admin/set_password_policy",
                "min_len=many",
                Some(&cookie),
                &headers,
            )
            .await;
        assert_eq!(res.status, StatusCode::FOUND);
        assert_eq!(res.location.as_deref(), Some("/admin/users?error=bad_request"), "{referer}");
    }
    let out = post("/api/auth/sign_out", String::new(), Some(cookie.clone())).await;
    assert_eq!((out.status, out.location.as_deref()), (StatusCode::FOUND, Some("/sign-in?signed_out=1")));
    assert_eq!(f.whoami("acme.localhost", &cookie).await, "null");
    f.env.cleanup().await;
}

async fn an_admin_signs_another_account_out_everywhere(b: Backend) {
    let f = fx(b).await;
    let admin = f.sign_in("acme.localhost", "admin@x.se", PW).await.cookie.expect("session");
    let phone = f.sign_in("acme.localhost", "emp@x.se", PW).await.cookie.expect("session");
    let laptop = f.sign_in("acme.localhost", "emp@x.se", PW).await.cookie.expect("session");
    let emp_id = users::by_email(&f.acme, "emp@x.se").await.expect("q").expect("emp").id;
    let admin_id = users::by_email(&f.acme, "admin@x.se").await.expect("q").expect("admin").id;
    // Not for employees, and not on oneself.
    let res =
        f.call("acme.localhost", "/api/admin/end_sessions", &format!("user_id={admin_id}"), Some(&phone), None).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_ne!(f.whoami("acme.localhost", &admin).await, "null");
    let own =
        f.call("acme.localhost", "/api/admin/end_sessions", &format!("user_id={admin_id}"), Some(&admin), None).await;
    assert_eq!(own.status, StatusCode::BAD_REQUEST, "{}", own.body);
    let res =
        f.call("acme.localhost", "/api/admin/end_sessions", &format!("user_id={emp_id}"), Some(&admin), None).await;
    assert_eq!((res.status, res.body.as_str()), (StatusCode::OK, "2"));
    for cookie in [&phone, &laptop] {
        assert_eq!(f.whoami("acme.localhost", cookie).await, "null", "a session survived");
    }
    assert_ne!(f.whoami("acme.localhost", &admin).await, "null", "the admin's own session ended");
    let log = logbook::list(&f.acme, &Filter::default()).await.expect("log");
    let ended: Vec<_> = log.iter().filter(|e| e.action == "auth.sessions.ended_by_admin").collect();
    assert_eq!(ended.len(), 1);
    assert_eq!(
        (ended[0].actor.as_str(), ended[0].target_id.as_deref()),
        (format!("user:{admin_id}").as_str(), Some(emp_id.as_str()))
    );
    f.env.cleanup().await;
}

async fn a_dead_or_forged_cookie_is_cleared_in_full_and_only_its_hash_is_stored(b: Backend) {
    let f = fx(b).await;
    let cookie = f.sign_in("acme.localhost", "emp@x.se", PW).await.cookie.expect("session");
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT id_hash FROM sessions").fetch_all(f.acme.db().pool()).await.expect("rows");
    assert!(!stored.iter().any(|h| h == &cookie), "the cookie value is stored");
    assert!(stored.contains(&app::core::auth::token_hash(&cookie)));
    for dead in ["AAAAAAAAAAAAAAAAAAAAAA", "not-a-session-id", &cookie[..21]] {
        let res = f.call("acme.localhost", "/api/auth/current_user", "", Some(dead), None).await;
        assert_eq!(res.body, "null");
        let clears: Vec<_> = res.set_cookie.iter().filter(|c| c.starts_with("__Host-samtal=;")).collect();
        // A malformed id is no session at all; a well-formed unknown one is cleared.
        if dead.len() == 22 {
            assert_eq!(clears.len(), 1, "{:?}", res.set_cookie);
            for attr in ["Path=/", "Secure", "HttpOnly", "SameSite=Strict", "Max-Age=0"] {
                assert!(clears[0].contains(attr), "{} lacks {attr}", clears[0]);
            }
        }
    }
    // The live one still works, and sign-out clears it in full too.
    assert_ne!(f.whoami("acme.localhost", &cookie).await, "null");
    let out = f.call("acme.localhost", "/api/auth/sign_out", "", Some(&cookie), None).await;
    assert!(
        out.set_cookie.iter().any(|c| c.starts_with("__Host-samtal=;") && c.contains("Secure")),
        "{:?}",
        out.set_cookie
    );
    assert_eq!(f.whoami("acme.localhost", &cookie).await, "null");
    f.env.cleanup().await;
}

async fn anonymous_refusals_are_summarised_not_written_one_by_one(b: Backend) {
    let f = fx(b).await;
    let c = HttpConfig::default();
    let rows = || async { logbook::list(&f.acme, &Filter::default()).await.expect("log") };
    let before = rows().await.len();
    // 300 origin-less writes from one address: one event now, one summary later.
    for _ in 0..300 {
        let res = f.post(&c, Some("203.0.113.5:1"), "acme.localhost", "/api/auth/sign_in", FORM_WRONG, None, &[]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
    // And from 100 addresses: at most the per-minute cap is written at once.
    for i in 0..100 {
        let peer = format!("198.51.100.{i}:1");
        f.post(&c, Some(&peer), "acme.localhost", "/api/auth/sign_in", FORM_WRONG, None, &[]).await;
    }
    let now = rows().await;
    let added = now.len() - before;
    let cap = app::core::logbook::anonymous::CAP_PER_MINUTE as usize;
    assert_eq!(added, cap, "rows written at once");
    // A signed-in person's own events are never summarised away.
    let emp = f.sign_in("acme.localhost", "emp@x.se", PW).await.cookie.expect("session");
    for _ in 0..3 {
        let form = "current=wrong+guess+of+mine&new_password=an+entirely+new+passphrase+here";
        f.call("acme.localhost", "/api/auth/change_password", form, Some(&emp), None).await;
    }
    // Nothing is due yet; at shutdown (or a minute later) the summaries are written.
    assert_eq!(f.state.auth.flush_anonymous(&f.env.tenancy, &SystemClock, false).await, 0);
    let summaries = f.state.auth.flush_anonymous(&f.env.tenancy, &SystemClock, true).await;
    // One for the repeating address; the sources over the cap are counted per address while
    // there is room, then together.
    let max = app::core::logbook::anonymous::MAX_PENDING + 2;
    assert!((2..=max).contains(&summaries), "{summaries} summaries");
    let log = rows().await;
    let csrf: Vec<_> = log.iter().filter(|e| e.action == "auth.csrf.rejected").collect();
    assert_eq!(csrf.iter().map(|e| e.repeats).sum::<i64>(), 400, "every refusal is counted");
    let from_one = csrf.iter().filter(|e| e.ip.as_deref() == Some("203.0.113.5")).collect::<Vec<_>>();
    assert_eq!(from_one.iter().map(|e| e.repeats).collect::<Vec<_>>(), [1, 299]);
    assert_eq!(log.iter().filter(|e| e.action == "auth.password.check_failed").count(), 3);
    assert_eq!(logbook::verify(&f.acme).await.expect("verify").problem, None, "summaries are chained too");
    f.env.cleanup().await;
}

const FORM_WRONG: &str = "email=emp%40x.se&password=wrong+horse+battery+staple";

async fn a_client_request_id_neither_blanks_the_logbook_nor_escapes_the_ip_throttle(b: Backend) {
    let f = fx(b).await;
    let c = HttpConfig::default();
    let mut statuses = Vec::new();
    for i in 0..8 {
        // A different account each time: only the per-IP count can stop this.
        let form = format!("email=nobody{i}%40x.se&password=wrong+horse+battery+staple");
        let headers =
            [("origin", "http://acme.localhost"), ("user-agent", "attacker/1.0"), ("x-request-id", "not a valid id!")];
        let res =
            f.post(&c, Some("198.51.100.7:5000"), "acme.localhost", "/api/auth/sign_in", &form, None, &headers).await;
        if res.status == StatusCode::TOO_MANY_REQUESTS {
            let wait = res.retry_after.as_deref().and_then(|s| s.parse::<u64>().ok());
            assert!(wait.is_some_and(|n| n >= 1), "a 429 without Retry-After");
        }
        statuses.push(res.status);
    }
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "never throttled by IP: {statuses:?}");
    let headers = [("origin", "http://acme.localhost"), ("x-request-id", "chosen-by-client")];
    f.post(&c, Some("198.51.100.8:5000"), "acme.localhost", "/api/auth/sign_in", FORM_WRONG, None, &headers).await;
    let log = f.log_all().await;
    let failed: Vec<_> = log.iter().filter(|e| e.action == "auth.sign_in.failed").collect();
    assert!(failed.iter().map(|e| e.repeats).sum::<i64>() >= 7, "{failed:?}");
    for e in &failed {
        assert!(e.ip.as_deref().is_some_and(|ip| ip.starts_with("198.51.100.")), "IP blanked: {e:?}");
        let rid = e.request_id.as_deref().expect("a request id");
        assert!(rid.len() == 24 && rid.bytes().all(|b| b.is_ascii_hexdigit()), "not the server's id: {rid}");
    }
    let from_attacker = failed.iter().filter(|e| e.ip.as_deref() == Some("198.51.100.7"));
    assert!(from_attacker.clone().count() >= 1);
    assert!(from_attacker.into_iter().all(|e| e.user_agent.as_deref() == Some("attacker/1.0")));
    f.env.cleanup().await;
}

async fn forwarding_headers_count_only_from_trusted_proxies(b: Backend) {
    let f = fx(b).await;
    let proxy = HttpConfig {
        trusted_proxies: server::client::TrustedProxies::new(vec![
            server::client::parse_net("10.0.0.0/8").expect("net")
        ]),
        ..Default::default()
    };
    let forwarded = [("origin", "http://acme.localhost"), ("x-forwarded-for", "1.2.3.4, 203.0.113.9")];
    // Not from the proxy: the header is a lie and ignored.
    f.post(&proxy, Some("198.51.100.7:5000"), "acme.localhost", "/api/auth/sign_in", FORM_WRONG, None, &forwarded)
        .await;
    // From the proxy: the rightmost address it did not add itself is the client. A `Forwarded`
    // header the client sent itself (the proxy writes X-Forwarded-For) is not read.
    let with_own = [forwarded[0], forwarded[1], ("forwarded", "for=6.6.6.6;proto=https")];
    f.post(&proxy, Some("10.1.2.3:5000"), "acme.localhost", "/api/auth/sign_in", FORM_WRONG, None, &with_own).await;
    let log = logbook::list(&f.acme, &Filter::default()).await.expect("log");
    let ips: Vec<_> = log.iter().filter(|e| e.action == "auth.sign_in.failed").filter_map(|e| e.ip.clone()).collect();
    assert_eq!(ips, ["198.51.100.7", "203.0.113.9"]);
    // The scheme the proxy reports is the one the origin check expects.
    let https = [("origin", "https://acme.localhost"), ("x-forwarded-proto", "https")];
    let via_proxy =
        f.post(&proxy, Some("10.1.2.3:5000"), "acme.localhost", "/api/auth/sign_in", FORM_WRONG, None, &https).await;
    assert_eq!(via_proxy.status, StatusCode::UNAUTHORIZED, "{}", via_proxy.body);
    let direct = f
        .post(&proxy, Some("198.51.100.7:5000"), "acme.localhost", "/api/auth/sign_in", FORM_WRONG, None, &https)
        .await;
    assert_eq!(direct.status, StatusCode::FORBIDDEN, "a client claimed https itself");
    // Throttle keys include the tenant: the same address failing at acme is not slowed at beta.
    let c = HttpConfig::default();
    let hdr = [("origin", "http://acme.localhost")];
    for i in 0..8 {
        let form = format!("email=n{i}%40x.se&password=wrong+horse+battery+staple");
        f.post(&c, Some("198.51.100.50:1"), "acme.localhost", "/api/auth/sign_in", &form, None, &hdr).await;
    }
    let beta = [("origin", "http://beta.localhost")];
    let res = f.post(&c, Some("198.51.100.50:1"), "beta.localhost", "/api/auth/sign_in", FORM_WRONG, None, &beta).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "throttled at beta for acme's failures");
    f.env.cleanup().await;
}

async fn the_origin_check_compares_scheme_host_and_port_and_reads_fetch_metadata(b: Backend) {
    let f = fx(b).await;
    let c = HttpConfig::default();
    let cases: [(&[(&str, &str)], StatusCode); 7] = [
        (&[("origin", "http://acme.localhost")], StatusCode::UNAUTHORIZED),
        (&[("origin", "https://acme.localhost")], StatusCode::FORBIDDEN),
        (&[("origin", "http://acme.localhost:8080")], StatusCode::FORBIDDEN),
        (&[("sec-fetch-site", "same-origin"), ("origin", "null")], StatusCode::UNAUTHORIZED),
        (&[("sec-fetch-site", "same-site"), ("origin", "http://beta.localhost")], StatusCode::FORBIDDEN),
        (&[("sec-fetch-site", "same-site"), ("origin", "http://acme.localhost")], StatusCode::FORBIDDEN),
        (&[("sec-fetch-site", "cross-site"), ("referer", "http://acme.localhost/")], StatusCode::FORBIDDEN),
    ];
    for (headers, want) in cases {
        let res = f.post(&c, None, "acme.localhost", "/api/auth/sign_in", FORM_WRONG, None, headers).await;
        assert_eq!(res.status, want, "{headers:?}");
    }
    let log = f.log_all().await;
    let refused: i64 = log.iter().filter(|e| e.action == "auth.csrf.rejected").map(|e| e.repeats).sum();
    assert_eq!(refused, 5);
    f.env.cleanup().await;
}

async fn a_wrong_current_password_is_throttled_and_logged_over_http(b: Backend) {
    let f = fx(b).await;
    let emp = f.sign_in("acme.localhost", "emp@x.se", PW).await.cookie.expect("session");
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let form = "current=a+wrong+guess+at+it&new_password=an+entirely+new+passphrase+here";
        statuses.push(f.call("acme.localhost", "/api/auth/change_password", form, Some(&emp), None).await.status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::BAD_REQUEST).count(), 6, "{statuses:?}");
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    let log = logbook::list(&f.acme, &Filter::default()).await.expect("log");
    assert_eq!(log.iter().filter(|e| e.action == "auth.password.check_failed").count(), 6);
    f.env.cleanup().await;
}

/// A real SMTP peer on loopback that accepts every message and hands its text to the test.
async fn smtp_sink() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.expect("greet");
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "DATA" => {
                            write.write_all(b"354 go on\r\n").await.expect("354");
                            let mut text = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                text.push_str(&l);
                                text.push('\n');
                            }
                            let _ = tx.send(text);
                            b"250 queued\r\n"
                        }
                        "RCPT" if line.contains("emp@") => b"550 5.1.1 <emp@x.se> no such user\r\n",
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(reply).await.expect("reply");
                }
            });
        }
    });
    (port, rx)
}

async fn with_smtp_configured_invitations_are_emailed(b: Backend) {
    let mut f = fx(b).await;
    let (port, mut inbox) = smtp_sink().await;
    let mailer = app::core::mail::Mailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "Samtal <noreply@samtal.test>",
        "https://{tenant}.samtal.test",
    )
    .expect("mailer");
    f.state = f.state.clone().with_mailer(mailer);
    let admin = f.sign_in("acme.localhost", "admin@x.se", PW).await.cookie.expect("session");
    // The request's Host is acme.localhost; the e-mailed link must use the configured base.
    let res = f
        .call(
            "acme.localhost",
            "/api/admin/invite_user",
            "email=new%40x.se&display_name=Nora+New&role=employee",
            Some(&admin),
            None,
        )
        .await;
    let issued: app::model::auth::LinkIssued = serde_json::from_str(&res.body).expect("issued");
    assert!(issued.emailed, "{}", res.body);
    assert_eq!(issued.path, None, "the admin got the link although it was e-mailed");
    let mail = tokio::time::timeout(std::time::Duration::from_secs(10), inbox.recv())
        .await
        .expect("in time")
        .expect("a message");
    // Undo quoted-printable soft breaks and escapes, as a mail client would.
    let text = mail.replace("=\n", "").replace("=3D", "=");
    assert!(text.contains("To: \"Nora New\" <new@x.se>") || text.contains("To: Nora New <new@x.se>"), "{text}");
    assert!(text.contains("Hej Nora New,"), "in the organisation's language (Swedish by default): {text}");
    let link = text.lines().find(|l| l.starts_with("https://")).expect("a link line");
    let token = link.strip_prefix("https://acme.samtal.test/set-password#token=").expect("link at the configured base");
    let set = f.set_password(token, "a+fine+long+phrase+here").await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    // The SMTP server refuses this address: the admin gets the link to hand over instead.
    let emp_id = users::by_email(&f.acme, "emp@x.se").await.expect("q").expect("emp").id;
    let res = f.call("acme.localhost", "/api/admin/reset_link", &format!("user_id={emp_id}"), Some(&admin), None).await;
    let issued: app::model::auth::LinkIssued = serde_json::from_str(&res.body).expect("issued");
    assert!(!issued.emailed, "{}", res.body);
    assert!(issued.path.is_some_and(|p| p.starts_with("/set-password#token=")), "{}", res.body);
    f.env.cleanup().await;
}

async fn admins_raise_the_minimum_password_length_for_their_organisation_only(b: Backend) {
    let f = fx(b).await;
    let admin = f.sign_in("acme.localhost", "admin@x.se", PW).await.cookie.expect("session");
    for bad in ["11", "65", "-1", "x"] {
        let res = f
            .call("acme.localhost", "/api/admin/set_password_policy", &format!("min_len={bad}"), Some(&admin), None)
            .await;
        assert_ne!(res.status, StatusCode::OK, "{bad} accepted");
    }
    let res = f.call("acme.localhost", "/api/admin/set_password_policy", "min_len=24", Some(&admin), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let read = f.call("acme.localhost", "/api/admin/password_policy", "", Some(&admin), None).await;
    assert_eq!(read.body, "24");
    // 23 characters is now too short here, and still fine at beta.
    let short = "twenty three chars long";
    assert_eq!(short.chars().count(), 23);
    let res = f
        .call(
            "acme.localhost",
            "/api/auth/change_password",
            &format!("current={}&new_password={}", PW.replace(' ', "+"), short.replace(' ', "+")),
            Some(&admin),
            None,
        )
        .await;
    assert!(res.body.contains("why=too_short&n=24"), "{}", res.body);
    let beta = f.env.tenancy.open_active(&Slug::parse("beta").expect("slug")).await.expect("beta");
    assert_eq!(app::core::organisation::min_password_len(&beta).await.expect("policy"), 12);
    let log = logbook::list(&f.acme, &Filter::default()).await.expect("log");
    assert_eq!(log.iter().filter(|e| e.action == "organisation.password_policy.changed").count(), 1);
    f.env.cleanup().await;
}

async fn reset_links_work_once_and_replace_earlier_ones(b: Backend) {
    let f = fx(b).await;
    let admin = f.sign_in("acme.localhost", "admin@x.se", PW).await.cookie.expect("session");
    let emp_session = f.sign_in("acme.localhost", "emp@x.se", PW).await.cookie.expect("session");
    let emp_id = users::by_email(&f.acme, "emp@x.se").await.expect("q").expect("emp").id;
    let admin_id = users::by_email(&f.acme, "admin@x.se").await.expect("q").expect("admin").id;
    let own =
        f.call("acme.localhost", "/api/admin/reset_link", &format!("user_id={admin_id}"), Some(&admin), None).await;
    assert!(own.body.contains("error=invalid"), "an admin reset their own password by link: {}", own.body);
    let link = |res: Res| -> String {
        let issued: app::model::auth::LinkIssued = serde_json::from_str(&res.body).expect("link");
        let path = issued.path.expect("a link to hand over");
        assert!(path.starts_with("/set-password#token="), "{path}");
        path.split("token=").nth(1).expect("token").to_string()
    };
    let first =
        link(f.call("acme.localhost", "/api/admin/reset_link", &format!("user_id={emp_id}"), Some(&admin), None).await);
    let second =
        link(f.call("acme.localhost", "/api/admin/reset_link", &format!("user_id={emp_id}"), Some(&admin), None).await);
    let stale = f
        .call(
            "acme.localhost",
            "/api/auth/set_password",
            &format!("token={first}&password=a+brand+new+passphrase"),
            None,
            None,
        )
        .await;
    assert!(stale.body.contains("error=bad_link"), "an earlier link still works: {}", stale.body);
    let set = f
        .call(
            "acme.localhost",
            "/api/auth/set_password",
            &format!("token={second}&password=a+brand+new+passphrase"),
            None,
            None,
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(f.whoami("acme.localhost", &emp_session).await, "null", "a reset left the old session alive");
    assert!(f.sign_in("acme.localhost", "emp@x.se", "a brand new passphrase").await.cookie.is_some());
    let log = logbook::list(&f.acme, &Filter::default()).await.expect("log");
    assert_eq!(log.iter().filter(|e| e.action == "auth.reset_link.issued").count(), 2);
    f.env.cleanup().await;
}

async fn sign_in_sets_a_strict_host_cookie_and_failures_look_alike(b: Backend) {
    let f = fx(b).await;
    let ok = f.sign_in("acme.localhost", "emp@x.se", PW).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let set = ok.set_cookie.iter().find(|c| c.starts_with("__Host-samtal=")).expect("cookie");
    for attr in ["Path=/", "Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(set.contains(attr), "{set} lacks {attr}");
    }
    assert!(!set.contains("Domain"), "{set}");
    let wrong = f.sign_in("acme.localhost", "emp@x.se", "wrong horse battery staple").await;
    let unknown = f.sign_in("acme.localhost", "nobody@x.se", PW).await;
    assert_eq!((wrong.status, &wrong.body), (unknown.status, &unknown.body));
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let shown: app::error::AppError = serde_json::from_str(&wrong.body).expect("typed error");
    assert_eq!(shown.to_string(), "E-mail or password is wrong.");
    assert!(wrong.cookie.is_none() && unknown.cookie.is_none());
    // A new sign-in from a signed-in browser gets a new id and the old one dies.
    let first = ok.cookie.expect("session");
    let again = f
        .call(
            "acme.localhost",
            "/api/auth/sign_in",
            "email=emp%40x.se&password=correct+horse+battery+staple",
            Some(&first),
            None,
        )
        .await;
    let second = again.cookie.expect("new session");
    assert_ne!(first, second);
    assert_eq!(f.whoami("acme.localhost", &first).await, "null");
    assert!(f.whoami("acme.localhost", &second).await.contains("emp@x.se"));
    f.env.cleanup().await;
}

async fn a_cookie_from_one_tenant_is_refused_at_another(b: Backend) {
    let f = fx(b).await;
    let cookie = f.sign_in("acme.localhost", "admin@x.se", PW).await.cookie.expect("session");
    assert!(f.whoami("acme.localhost", &cookie).await.contains("\"role\":\"admin\""));
    assert_eq!(f.whoami("beta.localhost", &cookie).await, "null");
    let listed = f.call("beta.localhost", "/api/admin/list_users", "", Some(&cookie), None).await;
    assert_eq!(listed.status, StatusCode::UNAUTHORIZED);
    f.env.cleanup().await;
}

async fn cross_origin_writes_are_refused_and_logged(b: Backend) {
    let f = fx(b).await;
    let cookie = f.sign_in("acme.localhost", "admin@x.se", PW).await.cookie.expect("session");
    let form = "email=evil%40x.se&display_name=Evil&role=admin";
    for origin in ["http://evil.example", "http://beta.localhost", "null", ""] {
        let res = f.call("acme.localhost", "/api/admin/invite_user", form, Some(&cookie), Some(origin)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "origin {origin:?}");
    }
    let users = users::list(&f.acme).await.expect("list");
    assert!(users.iter().all(|u| u.email != "evil@x.se"), "a cross-site request created an account");
    let log = f.log_all().await;
    let refused: i64 = log.iter().filter(|e| e.action == "auth.csrf.rejected").map(|e| e.repeats).sum();
    assert_eq!(refused, 4);
    // The same request from the right origin works.
    let res = f.call("acme.localhost", "/api/admin/invite_user", form, Some(&cookie), None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("/set-password#token="), "{}", res.body);
    f.env.cleanup().await;
}

async fn employees_get_403_from_admin_functions_and_nothing_changes(b: Backend) {
    let f = fx(b).await;
    let emp = f.sign_in("acme.localhost", "emp@x.se", PW).await.cookie.expect("session");
    let admin_id = users::by_email(&f.acme, "admin@x.se").await.expect("q").expect("admin").id;
    let before = users::list(&f.acme).await.expect("list");
    for (path, form) in [
        ("/api/admin/list_users", String::new()),
        ("/api/admin/invite_user", "email=new%40x.se&display_name=New&role=admin".to_string()),
        ("/api/admin/change_role", format!("user_id={admin_id}&role=employee")),
        ("/api/admin/set_user_enabled", format!("user_id={admin_id}&enabled=false")),
        ("/api/admin/reset_link", format!("user_id={admin_id}")),
        ("/api/admin/set_password_policy", "min_len=40".to_string()),
        ("/api/admin/logbook_choices", String::new()),
    ] {
        let res = f.call("acme.localhost", path, &form, Some(&emp), None).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}: {}", res.body);
        assert!(res.body.contains("error=forbidden"), "{path}: {}", res.body);
    }
    assert_eq!(users::list(&f.acme).await.expect("list"), before, "an employee changed accounts");
    assert_eq!(
        app::core::organisation::min_password_len(&f.acme).await.expect("policy"),
        12,
        "an employee changed the policy"
    );
    let log = logbook::list(&f.acme, &Filter::default()).await.expect("log");
    assert!(!log.iter().any(|e| e.action == "auth.reset_link.issued"), "an employee made a reset link");
    assert_eq!(log.iter().filter(|e| e.action == "auth.access.denied").count(), 7);
    // Signed out: 401 for the same calls.
    let res = f.call("acme.localhost", "/api/admin/list_users", "", None, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    f.env.cleanup().await;
}

async fn sign_out_and_disabling_end_sessions_on_the_server(b: Backend) {
    let f = fx(b).await;
    let emp = f.sign_in("acme.localhost", "emp@x.se", PW).await.cookie.expect("session");
    let out = f.call("acme.localhost", "/api/auth/sign_out", "", Some(&emp), None).await;
    assert_eq!(out.status, StatusCode::OK);
    assert!(out.set_cookie.iter().any(|c| c.contains("Max-Age=0")));
    assert_eq!(f.whoami("acme.localhost", &emp).await, "null", "the old cookie still works");
    let emp = f.sign_in("acme.localhost", "emp@x.se", PW).await.cookie.expect("session");
    let admin = f.sign_in("acme.localhost", "admin@x.se", PW).await.cookie.expect("session");
    let emp_id = users::by_email(&f.acme, "emp@x.se").await.expect("q").expect("emp").id;
    let res = f
        .call(
            "acme.localhost",
            "/api/admin/set_user_enabled",
            &format!("user_id={emp_id}&enabled=false"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(f.whoami("acme.localhost", &emp).await, "null", "a disabled user kept a session");
    f.env.cleanup().await;
    let _ = Arc::new(());
}

async fn invite_link_sets_a_password_once(b: Backend) {
    let f = fx(b).await;
    let admin = f.sign_in("acme.localhost", "admin@x.se", PW).await.cookie.expect("session");
    let res = f
        .call(
            "acme.localhost",
            "/api/admin/invite_user",
            "email=new%40x.se&display_name=New+Person&role=manager",
            Some(&admin),
            None,
        )
        .await;
    let issued: app::model::auth::LinkIssued = serde_json::from_str(&res.body).expect("link");
    assert!(!issued.emailed, "no SMTP is configured here");
    let path = issued.path.expect("a link to hand over");
    let token = path.split("token=").nth(1).expect("token");
    let weak = f
        .call("acme.localhost", "/api/auth/set_password", &format!("token={token}&password=password1234"), None, None)
        .await;
    assert!(weak.body.contains("why=weak"), "{}", weak.body);
    assert_eq!(weak.status, StatusCode::BAD_REQUEST, "a refused password is the person's error, not a fault");
    let set = f.set_password(token, "a+fine+long+phrase+here").await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let again = f
        .call(
            "acme.localhost",
            "/api/auth/set_password",
            &format!("token={token}&password=another+fine+long+phrase"),
            None,
            None,
        )
        .await;
    assert!(again.body.contains("error=bad_link"), "{}", again.body);
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(f.sign_in("acme.localhost", "new@x.se", "a fine long phrase here").await.cookie.is_some());
    // The same token means nothing at another tenant.
    let other = f
        .call(
            "beta.localhost",
            "/api/auth/set_password",
            &format!("token={token}&password=yet+another+long+phrase"),
            None,
            None,
        )
        .await;
    assert!(other.body.contains("error=bad_link"), "{}", other.body);
    f.env.cleanup().await;
}

async fn admins_page_and_export_the_logbook_and_employees_cannot(b: Backend) {
    let f = fx(b).await;
    let admin = f.sign_in("acme.localhost", "admin@x.se", PW).await.cookie.expect("session");
    let emp = f.sign_in("acme.localhost", "emp@x.se", PW).await.cookie.expect("session");
    let q = "from=&to=&action=auth.sign_in.succeeded&user=&page=0";
    let denied = f.call("acme.localhost", "/api/admin/logbook_entries", q, Some(&emp), None).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let page = f.call("acme.localhost", "/api/admin/logbook_entries", q, Some(&admin), None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let v: serde_json::Value = serde_json::from_str(&page.body).expect("json");
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{}", page.body);
    assert!(rows.iter().all(|r| r["action"] == "auth.sign_in.succeeded"));
    assert!(rows[0]["seq"].as_i64() > rows[1]["seq"].as_i64(), "newest first");
    assert_eq!(v["has_more"], false);
    let older = f
        .call(
            "acme.localhost",
            "/api/admin/logbook_entries",
            "from=&to=&action=auth.sign_in.succeeded&user=&page=1",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&older.body).expect("json")["rows"].as_array().map(Vec::len),
        Some(0)
    );
    let bad = f
        .call(
            "acme.localhost",
            "/api/admin/logbook_entries",
            "from=2026-02-30&to=&action=&user=&page=0",
            Some(&admin),
            None,
        )
        .await;
    assert!(bad.body.contains("error=invalid"), "{}", bad.body);
    let today = app::model::format::iso_date(app::core::clock::now_ms() / 1000);
    let csv = f
        .call(
            "acme.localhost",
            "/api/admin/logbook_csv",
            &format!("from={today}&to={today}&action=&user="),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let text = &csv.body;
    assert!(text.starts_with(r#""seq","time_utc","actor","action""#), "{text}");
    assert!(!text.contains("x.se"), "e-mail addresses in the logbook export: {text}");
    let log = logbook::list(&f.acme, &Filter::default()).await.expect("log");
    assert!(log.iter().any(|e| e.action == "logbook.exported"), "the export was not logged");
    f.env.cleanup().await;
}

/// Swedish by default; a person's pick travels in a cookie (set by a plain form, no script), and
/// an admin can make English the organisation's default. Bad values change nothing.
async fn the_language_is_the_persons_choice_else_the_organisations(b: Backend) {
    let f = fx(b).await;
    let (_, sv) = f.page("/sign-in", "").await;
    assert!(sv.contains(r#"<html lang="sv""#) && sv.contains("Logga in"), "{sv}");
    let html = [("origin", "http://acme.localhost"), ("accept", "text/html")];
    let set = |form: &'static str| {
        let f = &f;
        async move {
            f.post(&HttpConfig::default(), None, "acme.localhost", "/api/preferences/set_language", form, None, &html)
                .await
        }
    };
    let en = set("lang=en&back=%2Fsign-in%3Fnext%3D%252Faccount").await;
    assert_eq!((en.status, en.location.as_deref()), (StatusCode::FOUND, Some("/sign-in?next=%2Faccount")));
    let cookie = en.set_cookie.iter().find(|c| c.starts_with("samtal_lang=en;")).expect("a language cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    let (_, page) = f.page("/sign-in", "samtal_lang=en").await;
    assert!(page.contains(r#"<html lang="en""#) && page.contains("Forgot your password"), "{page}");
    // Only our own pages to go back to, and only our languages.
    let away = set("lang=sv&back=%2F%2Fevil.example").await;
    assert_eq!(away.location.as_deref(), Some("/"));
    let bad = set("lang=de&back=%2Faccount").await;
    assert_eq!(bad.location.as_deref(), Some("/account?error=invalid&why=language"));
    assert!(bad.set_cookie.iter().all(|c| !c.starts_with("samtal_lang=")));
    let (_, forged) = f.page("/sign-in", "samtal_lang=<script>").await;
    assert!(forged.contains(r#"<html lang="sv""#) && !forged.contains("<script>"));

    // The organisation's default: admins only, a known zone only, logged.
    let admin = f.sign_in("acme.localhost", "admin@x.se", PW).await.cookie.expect("admin");
    let emp = f.sign_in("acme.localhost", "emp@x.se", PW).await.cookie.expect("emp");
    let settings = "/api/admin/set_organisation_settings";
    let denied = f.call("acme.localhost", settings, "language=en&time_zone=Europe%2FLondon", Some(&emp), None).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let bad_zone = f.call("acme.localhost", settings, "language=en&time_zone=Mars%2FOlympus", Some(&admin), None).await;
    assert_eq!(bad_zone.status, StatusCode::BAD_REQUEST);
    assert!(bad_zone.body.contains("why=time_zone"), "{}", bad_zone.body);
    let profile = app::core::organisation::profile(&f.acme).await.expect("q").expect("row");
    assert_eq!((profile.language, profile.time_zone.as_str()), (app::model::lang::Lang::Sv, "Europe/Stockholm"));
    let ok = f.call("acme.localhost", settings, "language=en&time_zone=Europe%2FLondon", Some(&admin), None).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    // At once, though the frame keeps profiles a few seconds: the setter forgets this one.
    let (_, page) = f.page("/sign-in", "").await;
    assert!(page.contains(r#"<html lang="en""#), "the organisation's default now");
    let (_, page) = f.page("/sign-in", "samtal_lang=sv").await;
    assert!(page.contains(r#"<html lang="sv""#), "a person's own choice wins");
    let log = logbook::list(&f.acme, &Filter::default()).await.expect("log");
    assert_eq!(log.iter().filter(|e| e.action == "organisation.settings.changed").count(), 1);
    // Another organisation keeps its own.
    let beta = f.env.tenancy.open_active(&Slug::parse("beta").expect("slug")).await.expect("beta");
    let beta = app::core::organisation::profile(&beta).await.expect("q").expect("row");
    assert_eq!(beta.language, app::model::lang::Lang::Sv);
    f.env.cleanup().await;
}

/// Without a script the admin's invite and reset forms post and come back to the users page;
/// the new link rides along sealed in a cookie for that admin and that page only, is shown once
/// and the cookie ends. Never in an address, never for another admin, never from a forged value.
async fn a_link_made_by_a_plain_form_is_shown_once_to_its_admin_only(b: Backend) {
    let f = fx(b).await;
    let other_admin = users::create(&f.acme, &SystemClock, Actor::System, "boss@x.se", "Boss", Role::Admin).await;
    users::set_password(&f.acme, &SystemClock, &f.state.auth.hasher, &other_admin.expect("admin"), PW)
        .await
        .expect("pw");
    let admin = f.sign_in("acme.localhost", "admin@x.se", PW).await.cookie.expect("session");
    let boss = f.sign_in("acme.localhost", "boss@x.se", PW).await.cookie.expect("session");
    let html = [("origin", "http://acme.localhost"), ("accept", "text/html,application/xhtml+xml")];
    let form = "email=nora%40x.se&display_name=Nora+Nyberg&role=manager";
    let res = f
        .post(&HttpConfig::default(), None, "acme.localhost", "/api/admin/invite_user", form, Some(&admin), &html)
        .await;
    assert_eq!((res.status, res.location.as_deref()), (StatusCode::FOUND, Some("/admin/users?done=invited")));
    let sealed =
        res.set_cookie.iter().find_map(|c| c.strip_prefix("samtal_handover=")).expect("the link's cookie").to_string();
    for part in ["Path=/admin/users", "HttpOnly", "Secure", "SameSite=Strict", "Max-Age=120"] {
        assert!(sealed.contains(part), "{sealed} lacks {part}");
    }
    let value = sealed.split(';').next().expect("value").to_string();
    assert!(!value.contains("token") && !res.body.contains("token="), "the token shows outside its page");

    // Its page shows the link once, for whom it is, and ends the cookie.
    let cookies = format!("__Host-samtal={admin}; samtal_handover={value}");
    let (status, body, set) = f.page_cookies("/admin/users?done=invited", &cookies).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"id="new-link-value""#) && body.contains("Till Nora Nyberg."), "no link shown");
    let start = body.find("http://acme.localhost/set-password#token=").expect("the full link");
    let token: String = body[start..]
        .trim_start_matches("http://acme.localhost/set-password#token=")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert!(token.len() >= 32, "token {token}");
    assert!(set.iter().any(|c| c.starts_with("samtal_handover=;") && c.contains("Max-Age=0")), "{set:?}");
    // Another admin of the same organisation, the same admin in another session, a tampered
    // value, or no admin at all: no link.
    let admin_again = f.sign_in("acme.localhost", "admin@x.se", PW).await.cookie.expect("session");
    let mut flipped = value.clone().into_bytes();
    let i = flipped.len() / 2;
    flipped[i] = if flipped[i] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).expect("ascii");
    for cookies in [
        format!("__Host-samtal={boss}; samtal_handover={value}"),
        format!("__Host-samtal={admin_again}; samtal_handover={value}"),
        format!("__Host-samtal={admin}; samtal_handover={flipped}"),
        format!("samtal_handover={value}"),
    ] {
        let (_, body, _) = f.page_cookies("/admin/users", &cookies).await;
        assert!(!body.contains("new-link-value") && !body.contains(&token), "{cookies}");
    }
    // The link shown is the real one.
    let set = f.set_password(&token, "a+fine+long+phrase+here").await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);

    // A reset link goes the same way, and an island's call still gets the link as a value.
    let emp = users::by_email(&f.acme, "emp@x.se").await.expect("q").expect("emp");
    let res = f
        .post(
            &HttpConfig::default(),
            None,
            "acme.localhost",
            "/api/admin/reset_link",
            &format!("user_id={}", emp.id),
            Some(&admin),
            &html,
        )
        .await;
    assert_eq!((res.status, res.location.as_deref()), (StatusCode::FOUND, Some("/admin/users?done=reset_link")));
    let value = res.set_cookie.iter().find_map(|c| c.strip_prefix("samtal_handover=")).expect("cookie");
    let value = value.split(';').next().expect("value");
    let (_, body, _) = f.page_cookies("/admin/users", &format!("__Host-samtal={admin}; samtal_handover={value}")).await;
    assert!(body.contains("Till emp@x.se.") && body.contains("/set-password#token="), "no reset link shown");
    let json =
        f.call("acme.localhost", "/api/admin/reset_link", &format!("user_id={}", emp.id), Some(&admin), None).await;
    assert!(json.set_cookie.iter().all(|c| !c.starts_with("samtal_handover")), "{:?}", json.set_cookie);
    let issued: app::model::auth::LinkIssued = serde_json::from_str(&json.body).expect("link");
    assert!(issued.path.is_some_and(|p| p.starts_with("/set-password#token=")));
    // A refused invitation comes back with its code and no cookie.
    let dup = f
        .post(&HttpConfig::default(), None, "acme.localhost", "/api/admin/invite_user", form, Some(&admin), &html)
        .await;
    assert_eq!(dup.location.as_deref(), Some("/admin/users?error=invalid&why=duplicate_email"));
    assert!(dup.set_cookie.iter().all(|c| !c.starts_with("samtal_handover")));
    f.env.cleanup().await;
}

/// The logbook's CSV export is a plain form: the answer is the file itself (the page stays), not
/// cached; a refused filter comes back to the logbook with its code; employees get nothing.
async fn a_plain_form_downloads_the_logbook_as_a_file(b: Backend) {
    let f = fx(b).await;
    let admin = f.sign_in("acme.localhost", "admin@x.se", PW).await.cookie.expect("session");
    let emp = f.sign_in("acme.localhost", "emp@x.se", PW).await.cookie.expect("session");
    // As a browser posts it: with the page it came from, which server_fn would redirect back to.
    let html = [
        ("origin", "http://acme.localhost"),
        ("accept", "text/html,application/xhtml+xml"),
        ("referer", "http://acme.localhost/admin/logbook?action=auth.sign_in.succeeded"),
    ];
    let post = |form: &'static str, cookie: String| {
        let f = &f;
        async move {
            f.post(&HttpConfig::default(), None, "acme.localhost", "/api/admin/logbook_csv", form, Some(&cookie), &html)
                .await
        }
    };
    let res = post("from=&to=&action=auth.sign_in.succeeded&user=", admin.clone()).await;
    assert_eq!(res.status, StatusCode::OK, "{:?} {}", res.location, res.body);
    let h = |n: header::HeaderName| res.headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(h(header::CONTENT_TYPE), "text/csv; charset=utf-8");
    assert_eq!(h(header::CONTENT_DISPOSITION), r#"attachment; filename="samtal-logbook.csv""#);
    assert!(h(header::CACHE_CONTROL).contains("no-store"));
    assert!(res.location.is_none(), "a download that also says where to go: {:?}", res.location);
    let lines: Vec<&str> = res.body.lines().collect();
    assert!(lines[0].starts_with(r#""seq","#), "{}", res.body);
    assert_eq!(lines.len(), 3, "a header and the two sign-ins: {}", res.body);
    assert!(lines[1..].iter().all(|l| l.contains("auth.sign_in.succeeded")));
    let bad = post("from=2026-02-30&to=&action=&user=", admin.clone()).await;
    assert_eq!(
        (bad.status, bad.location.as_deref()),
        (StatusCode::FOUND, Some("/admin/logbook?error=invalid&why=date"))
    );
    let denied = post("from=&to=&action=&user=", emp).await;
    assert!(!denied.body.contains("seq"), "an employee got the logbook");
    assert_ne!(denied.status, StatusCode::OK);
    let log = logbook::list(&f.acme, &Filter::default()).await.expect("log");
    assert_eq!(log.iter().filter(|e| e.action == "logbook.exported").count(), 1, "one export, logged once");
    f.env.cleanup().await;
}
