//! Tenant routing through the real router, on both backends: the Host header picks the
//! tenant, nothing falls back to another tenant, and each status has its own page.
use app::on_both_backends;
use app::{
    core::{
        db::Backend,
        state::AppState,
        tenancy::{Routing, TenancyConfig},
        testkit::TestEnv,
    },
    model::slug::Slug,
};
use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use server::http::{router, HttpConfig};
use tower::ServiceExt;

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("slug")
}

struct Fixture {
    env: TestEnv,
    site: tempfile::TempDir,
}

async fn fixture(b: Backend, tweak: impl FnOnce(&mut TenancyConfig)) -> Fixture {
    let env = TestEnv::with(b, |c| {
        c.catalog_cache_ttl = std::time::Duration::ZERO;
        tweak(c)
    })
    .await;
    for (s, name) in [("acme", "Acme AB"), ("beta", "Beta AB"), ("closed", "Closed AB")] {
        env.tenancy.create_tenant(&slug(s), name, env.target()).await.expect("create");
    }
    env.tenancy.set_enabled(&slug("closed"), false).await.expect("disable");
    let site = tempfile::tempdir().expect("site");
    std::fs::create_dir_all(site.path().join("pkg")).expect("pkg");
    Fixture { env, site }
}

impl Fixture {
    fn router(&self) -> Router {
        let config = HttpConfig {
            addr: "127.0.0.1:0".parse().expect("addr"),
            site_root: self.site.path().to_path_buf(),
            max_body_bytes: 1 << 20,
            ..Default::default()
        };
        router(&config, AppState::new(self.env.tenancy.clone()))
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, String) {
        let res = self.router().oneshot(req).await.expect("infallible");
        let status = res.status();
        let body = res.into_body().collect().await.expect("body").to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    async fn page(&self, host: Option<&str>) -> (StatusCode, String) {
        let mut req = Request::builder().uri("/");
        if let Some(h) = host {
            req = req.header(header::HOST, h);
        }
        self.send(req.body(Body::empty()).expect("req")).await
    }

    async fn org_name(&self, host: &str, extra: Option<(&str, &str)>) -> (StatusCode, String) {
        let mut req = Request::builder()
            .method("POST")
            .uri("/api/organisation/name")
            .header(header::HOST, host)
            .header(header::ORIGIN, format!("http://{host}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some((k, v)) = extra {
            req = req.header(k, v);
        }
        self.send(req.body(Body::empty()).expect("req")).await
    }
}

on_both_backends!(
    host_picks_the_tenant_and_nothing_leaks_across,
    crafted_hosts_never_reach_another_tenant,
    each_refusal_has_its_status_and_page,
    single_tenant_mode_serves_one_tenant_on_any_host,
    http2_names_the_host_in_its_authority_and_two_hosts_are_refused,
);

/// HTTP/2 sends no `Host` header: the tenant comes from the request's authority (the URI). A
/// request whose `Host` and authority disagree names two tenants, and is refused.
async fn http2_names_the_host_in_its_authority_and_two_hosts_are_refused(b: Backend) {
    let f = fixture(b, |_| {}).await;
    let h2 = |uri: &str, host: Option<&str>| {
        let mut req = Request::builder().uri(uri).version(axum::http::Version::HTTP_2);
        if let Some(h) = host {
            req = req.header(header::HOST, h);
        }
        req.body(Body::empty()).expect("req")
    };
    let (status, body) = f.send(h2("https://acme.localhost:3000/", None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Acme AB") && !body.contains("Beta AB"), "{body}");
    let (status, _) = f.send(h2("https://acme.localhost:3000/", Some("acme.localhost:3000"))).await;
    assert_eq!(status, StatusCode::OK, "the same host twice is fine");
    let (status, body) = f.send(h2("https://acme.localhost/", Some("beta.localhost"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(!body.contains("Acme AB") && !body.contains("Beta AB"), "{body}");
    // The same over HTTP/1.1 in absolute form.
    let req =
        Request::builder().uri("http://beta.localhost/").header(header::HOST, "acme.localhost").body(Body::empty());
    assert_eq!(f.send(req.expect("req")).await.0, StatusCode::BAD_REQUEST);
    // A write's origin check reads the same host: a same-origin post over HTTP/2 passes.
    let req = Request::builder()
        .method("POST")
        .uri("http://acme.localhost/api/organisation/name")
        .version(axum::http::Version::HTTP_2)
        .header(header::ORIGIN, "http://acme.localhost")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .expect("req");
    assert_eq!(f.send(req).await, (StatusCode::OK, "\"Acme AB\"".into()));
    f.env.cleanup().await;
}

async fn host_picks_the_tenant_and_nothing_leaks_across(b: Backend) {
    let f = fixture(b, |_| {}).await;
    let (status, acme) = f.page(Some("acme.localhost:3000")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(acme.contains("Acme AB") && !acme.contains("Beta AB"), "{acme}");
    let (_, beta) = f.page(Some("beta.localhost")).await;
    assert!(beta.contains("Beta AB") && !beta.contains("Acme AB"), "{beta}");
    assert_eq!(f.org_name("acme.localhost", None).await, (StatusCode::OK, "\"Acme AB\"".into()));
    assert_eq!(f.org_name("BETA.LOCALHOST:3000", None).await, (StatusCode::OK, "\"Beta AB\"".into()));
    f.env.cleanup().await;
}

async fn crafted_hosts_never_reach_another_tenant(b: Backend) {
    let f = fixture(b, |_| {}).await;
    // Forwarding headers are not trusted to pick a tenant.
    let forwarded = f.org_name("beta.localhost", Some(("x-forwarded-host", "acme.localhost"))).await;
    assert_eq!(forwarded, (StatusCode::OK, "\"Beta AB\"".into()));
    for host in ["acme.localhost.evil.example", "acme.beta.localhost", "localhost", "acme", "127.0.0.1:3000"] {
        let (status, body) = f.org_name(host, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{host}");
        assert!(!body.contains("Acme AB") && !body.contains("Beta AB"), "{host}: {body}");
    }
    for host in ["acme.localhost:3000:3000", "acme localhost", "acme.localhost/x"] {
        assert_eq!(f.org_name(host, None).await.0, StatusCode::BAD_REQUEST, "{host}");
    }
    f.env.cleanup().await;
}

async fn each_refusal_has_its_status_and_page(b: Backend) {
    let f = fixture(b, |_| {}).await;
    let (status, body) = f.page(None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("Bad address"), "{body}");
    let (status, body) = f.page(Some("nobody.localhost")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("No organisation at this address"), "{body}");
    let (status, body) = f.page(Some("closed.localhost")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("disabled") && !body.contains("Closed AB"), "{body}");
    // Health checks and the public bundle belong to no tenant.
    let health = Request::builder().uri("/healthz").body(Body::empty()).expect("req");
    assert_eq!(f.send(health).await.0, StatusCode::OK);
    // An unknown path on a real tenant is that tenant's 404 page.
    let req = Request::builder().uri("/nope").header(header::HOST, "acme.localhost").body(Body::empty()).expect("req");
    let (status, body) = f.send(req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Sidan finns inte"), "{body}");
    f.env.cleanup().await;
}

async fn single_tenant_mode_serves_one_tenant_on_any_host(b: Backend) {
    let f = fixture(b, |c| c.routing = Routing::Single(slug("beta"))).await;
    for host in ["hr.beta.se", "acme.localhost", "10.0.0.7:8080"] {
        assert_eq!(f.org_name(host, None).await, (StatusCode::OK, "\"Beta AB\"".into()), "{host}");
    }
    assert_eq!(f.page(None).await.0, StatusCode::BAD_REQUEST);
    f.env.cleanup().await;
}
