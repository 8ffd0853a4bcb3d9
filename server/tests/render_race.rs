//! Pages render to the end when many threads render at once. Leptos' SSR `<Suspense>` could
//! lose the wake-up of an instantly-ready resource under exactly this load (2 of 8 threads
//! stalled within 320 renders while the page frame was loaded through resources); the frame is
//! now loaded before rendering (`server::frame`). Each test thread has its own runtime, like the
//! test harness gives every test, and none takes turns.
use app::core::{
    auth::{users, Role},
    clock::SystemClock,
    db::Backend,
    logbook::Actor,
    state::AppState,
    tenancy::provision::StorageTarget,
    testkit::TestEnv,
};
use app::model::slug::Slug;
use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use http_body_util::BodyExt;
use server::http::{router, HttpConfig};
use std::time::Duration;
use tower::ServiceExt;

const RENDERS_PER_THREAD: usize = 120;
const STALL: Duration = Duration::from_secs(10);

async fn render_many(thread: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("pkg")).expect("pkg");
    let env = TestEnv::new(Backend::Sqlite).await;
    let slug = Slug::parse("demo").expect("slug");
    env.tenancy.create_tenant(&slug, "Demo AB", StorageTarget::Sqlite).await.expect("tenant");
    let config = HttpConfig { site_root: dir.path().to_path_buf(), ..Default::default() };
    let state = AppState::new(env.tenancy.clone());
    let tenant = env.tenancy.open_active(&slug).await.expect("open");
    let admin =
        users::create(&tenant, &SystemClock, Actor::System, "a@x.se", "Ada Admin", Role::Admin).await.expect("user");
    users::set_password(&tenant, &SystemClock, &state.auth.hasher, &admin, PW).await.expect("password");
    let app = router(&config, state);
    let cookie = sign_in(&app).await;
    for i in 0..RENDERS_PER_THREAD {
        let path = ["/", "/sign-in", "/account", "/no/such/page", "/admin/users", "/admin/logbook"][i % 6];
        let req = Request::builder()
            .uri(path)
            .header(header::HOST, "demo.localhost")
            .header(header::COOKIE, format!("__Host-samtal={cookie}"))
            .body(Body::empty())
            .expect("req");
        let render = async {
            let res = app.clone().oneshot(req).await.expect("infallible");
            let status = res.status();
            (status, res.into_body().collect().await.expect("body").to_bytes())
        };
        let (status, body) = tokio::time::timeout(STALL, render)
            .await
            .unwrap_or_else(|_| panic!("thread {thread}, render {i} of {path} did not finish in {STALL:?}"));
        assert!(status == StatusCode::OK || status == StatusCode::NOT_FOUND, "{path}: {status}");
        let html = String::from_utf8_lossy(&body);
        assert!(html.contains("</html>") && html.contains("__INCOMPLETE_CHUNKS=[]"), "{path}: cut short");
        assert!(html.contains("Demo AB") && html.contains("Ada Admin"), "{path}: no frame");
        assert!(!html.contains("role=\"alert\""), "{path}: an error on the page");
    }
    env.cleanup().await;
}

const PW: &str = "correct horse battery staple";

async fn sign_in(app: &axum::Router) -> String {
    let req = Request::builder()
        .method("POST")
        .uri("/api/auth/sign_in")
        .header(header::HOST, "demo.localhost")
        .header("origin", "http://demo.localhost")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("email=a%40x.se&password={}", PW.replace(' ', "+"))))
        .expect("req");
    let res = app.clone().oneshot(req).await.expect("infallible");
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .find_map(|v| v.to_str().ok()?.strip_prefix("__Host-samtal=")?.split(';').next().map(String::from));
    cookie.expect("a session cookie")
}

#[test]
fn pages_render_to_the_end_while_eight_threads_render() {
    let threads: Vec<_> = (0..8)
        .map(|t| {
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(render_many(t));
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a rendering thread failed");
    }
}
