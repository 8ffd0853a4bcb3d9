//! Black-box tests of the HTTP surface through the real router (tower `oneshot`).
use app::core::{db::Backend, state::AppState, tenancy::provision::StorageTarget, testkit::TestEnv};
use app::model::slug::Slug;
use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    routing::get,
    Router,
};
use http_body_util::BodyExt;
use server::http::{router, with_middleware, HttpConfig};
use tower::ServiceExt;

struct Site {
    dir: tempfile::TempDir,
    env: TestEnv,
}

const HOST: &str = "demo.localhost:3000";

/// A minimal built site (enough for the router to serve pages and static files) and a catalog
/// with one SQLite tenant, `demo`.
async fn site() -> Site {
    let dir = tempfile::tempdir().expect("tempdir");
    let pkg = dir.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg");
    std::fs::write(pkg.join("samtal.css"), "body{}").expect("css");
    std::fs::write(pkg.join("samtal.js"), "export default 1;").expect("js");
    let gz = {
        use std::io::Write;
        let mut out = Vec::new();
        // A hand-made gzip member is overkill; the server only needs a file named .gz.
        out.write_all(b"\x1f\x8bnot-really-gzip").expect("gz");
        out
    };
    std::fs::write(pkg.join("samtal.js.gz"), gz).expect("js.gz");
    let env = TestEnv::new(Backend::Sqlite).await;
    env.tenancy
        .create_tenant(&Slug::parse("demo").expect("slug"), "Demo AB", StorageTarget::Sqlite)
        .await
        .expect("demo tenant");
    Site { dir, env }
}

fn app(site: &Site, max_body_bytes: usize) -> Router {
    let config = HttpConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        site_root: site.dir.path().to_path_buf(),
        max_body_bytes,
        ..Default::default()
    };
    router(&config, AppState::new(site.env.tenancy.clone()))
}

async fn send(app: Router, req: Request<Body>) -> (StatusCode, http::HeaderMap, String) {
    let res = app.oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.expect("body").to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn get_req(path: &str) -> Request<Body> {
    Request::builder().uri(path).header(header::HOST, HOST).body(Body::empty()).expect("request")
}

#[tokio::test]
async fn healthz_answers_json() {
    let s = site().await;
    let (status, headers, body) = send(app(&s, 1024), get_req("/healthz")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["status"], "ok");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
}

/// Ready: the catalog answers and is migrated. A catalog with a migration missing, or one that
/// cannot be reached, is "not ready" (503), saying which, and nothing more.
#[tokio::test]
async fn readyz_says_whether_the_catalog_answers_and_is_migrated() {
    let s = site().await;
    let (status, _, body) = send(app(&s, 1024), get_req("/readyz")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"ready\""), "{body}");
    let catalog = s.env.tenancy.catalog().db();
    sqlx::query("DELETE FROM schema_migrations WHERE version = 2").execute(catalog.pool()).await.expect("unapply");
    let (status, _, body) = send(app(&s, 1024), get_req("/readyz")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("migrations pending"), "{body}");
    catalog.close().await;
    let (status, _, body) = send(app(&s, 1024), get_req("/readyz")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("catalog unreachable"), "{body}");
    let (status, _, _) = send(app(&s, 1024), get_req("/healthz")).await;
    assert_eq!(status, StatusCode::OK, "the process itself is alive");
}

#[tokio::test]
async fn home_page_is_server_rendered_with_strict_headers() {
    let s = site().await;
    let (status, h, body) = send(app(&s, 1024), get_req("/")).await;
    assert_eq!(status, StatusCode::OK);
    // Swedish, the organisation's default.
    assert!(body.contains("Lönesamtal som dina medarbetare kan lita på"), "{body}");
    assert!(body.contains(r#"<html lang="sv""#), "{body}");
    assert!(body.contains(r#"data-hydrated="false""#));
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().expect("csp");
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("nonce in CSP");
    assert!(body.contains(&format!(r#"nonce="{nonce}""#)), "hydration script lacks the nonce");
    assert!(!csp.contains("unsafe-inline"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::REFERRER_POLICY], "same-origin");
    assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    // The hydration script loads the bundle by the name the build gives it.
    assert!(body.contains("/pkg/samtal.wasm") || body.contains("\"samtal\""), "{body}");
    // …and names it in the headers, so a phone starts fetching before it parses the head.
    let link = h[header::LINK].to_str().expect("link");
    for part in
        ["</pkg/samtal.css>; rel=preload; as=style", "</pkg/samtal.js>; rel=modulepreload", "</pkg/samtal.wasm>"]
    {
        assert!(link.contains(part), "{link} lacks {part}");
    }
}

#[tokio::test]
async fn every_response_gets_a_fresh_nonce_and_request_id() {
    let s = site().await;
    let a = send(app(&s, 1024), get_req("/")).await.1;
    let b = send(app(&s, 1024), get_req("/")).await.1;
    assert_ne!(a[header::CONTENT_SECURITY_POLICY], b[header::CONTENT_SECURITY_POLICY]);
    let id_a = a["x-request-id"].to_str().expect("id");
    assert_eq!(id_a.len(), 24);
    assert_ne!(a["x-request-id"], b["x-request-id"]);
}

#[tokio::test]
async fn unknown_path_renders_a_404_page_in_plain_words() {
    let s = site().await;
    let (status, h, body) = send(app(&s, 1024), get_req("/no/such/page")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Sidan finns inte"), "{body}");
    assert!(h.contains_key(header::CONTENT_SECURITY_POLICY));
}

#[tokio::test]
async fn server_function_round_trip() {
    let s = site().await;
    let req = Request::builder()
        .method("POST")
        .uri("/api/system/check")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .expect("request");
    let (status, h, body) = send(app(&s, 1024), req).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: app::model::system::ServerStatus = serde_json::from_str(&body).expect("status json");
    assert_eq!(v.version, env!("CARGO_PKG_VERSION"));
    assert!(v.server_time_unix > 1_700_000_000);
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn oversized_body_is_refused_with_413_in_plain_words() {
    let s = site().await;
    let body = "a=".to_string() + &"x".repeat(4096);
    let req = Request::builder()
        .method("POST")
        .uri("/api/system/check")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .expect("request");
    let (status, h, text) = send(app(&s, 1024), req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(text.contains("Too much data") && text.contains("1024 bytes"), "{text}");
    assert!(h.contains_key(header::CONTENT_SECURITY_POLICY));
}

#[tokio::test]
async fn oversized_streamed_body_without_length_is_not_accepted() {
    let s = site().await;
    let chunks: Vec<Result<String, std::io::Error>> = (0..64).map(|_| Ok("x".repeat(1024))).collect();
    let req = Request::builder()
        .method("POST")
        .uri("/api/system/check")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from_stream(futures_stream(chunks)))
        .expect("request");
    let (status, _, _) = send(app(&s, 1024), req).await;
    assert!(!status.is_success(), "a 64 KiB stream passed a 1 KiB limit: {status}");
}

fn futures_stream(
    items: Vec<Result<String, std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<String, std::io::Error>> + Send + 'static {
    tokio_stream::iter(items)
}

#[tokio::test]
async fn a_panic_becomes_a_plain_500_page_without_details() {
    let router = with_middleware(
        Router::new().route(
            "/boom",
            get(|| async {
                panic!("secret-detail-from-inside");
                #[allow(unreachable_code)]
                ""
            }),
        ),
        &HttpConfig { max_body_bytes: 1024, ..Default::default() },
    );
    let (status, h, body) = send(router, get_req("/boom")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("Something went wrong"));
    assert!(!body.contains("secret-detail"));
    assert!(h.contains_key(header::CONTENT_SECURITY_POLICY));
}

#[tokio::test]
async fn static_bundle_is_served_precompressed_and_revalidated() {
    let s = site().await;
    let req = Request::builder()
        .uri("/pkg/samtal.js")
        .header(header::HOST, HOST)
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .expect("request");
    let (status, h, _) = send(app(&s, 1024), req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_ENCODING], "gzip");
    assert_eq!(h[header::CACHE_CONTROL], "no-cache");
    assert_eq!(h[header::VARY], "accept-encoding");
    // A browser revalidating what it has gets a 304 and no body, not the bundle again.
    let since = h[header::LAST_MODIFIED].clone();
    let again = Request::builder()
        .uri("/pkg/samtal.js")
        .header(header::HOST, HOST)
        .header(header::ACCEPT_ENCODING, "gzip")
        .header(header::IF_MODIFIED_SINCE, since)
        .body(Body::empty())
        .expect("request");
    let (status, _, body) = send(app(&s, 1024), again).await;
    assert_eq!((status, body.as_str()), (StatusCode::NOT_MODIFIED, ""));
    let (status, h, body) = send(app(&s, 1024), get_req("/pkg/samtal.js")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!h.contains_key(header::CONTENT_ENCODING));
    assert_eq!(body, "export default 1;");
    // Never a file outside the site.
    let (status, _, body) = send(app(&s, 1024), get_req("/pkg/../../etc/passwd")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("root:"));
}
