//! The HTTP router: Leptos pages and server functions, static files, health check, and the
//! middleware every response passes through.
use std::{net::SocketAddr, path::PathBuf};

use app::core::{auth::CurrentSession, state::AppState, tenancy::Tenant};
use axum::{
    body::Body,
    extract::{FromRef, Request, State},
    http::{StatusCode, Uri},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use leptos::{config::LeptosOptions, prelude::*};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{PropagateRequestIdLayer, RequestId},
    trace::TraceLayer,
};

use crate::{
    auth,
    client::{self, Scheme, TrustedProxies},
    error_page, security, tenant,
};

pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// The CSV import's upload carries a whole file of up to 4 MB, form encoded (up to three bytes
/// a character); only it may send this much.
pub const IMPORT_MAX_BODY_BYTES: usize = 12 * 1024 * 1024;
const IMPORT_PATHS: [&str; 1] = ["/api/people/import_upload"];

#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub addr: SocketAddr,
    pub site_root: PathBuf,
    pub max_body_bytes: usize,
    /// Peers whose forwarding headers are believed (`--trusted-proxy`).
    pub trusted_proxies: TrustedProxies,
    /// The scheme this listener speaks; a trusted proxy may report another.
    pub scheme: Scheme,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            site_root: PathBuf::from("target/site"),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            trusted_proxies: TrustedProxies::default(),
            scheme: Scheme::Http,
        }
    }
}

#[derive(Clone)]
struct HttpState {
    leptos: LeptosOptions,
    app: AppState,
}

impl FromRef<HttpState> for LeptosOptions {
    fn from_ref(s: &HttpState) -> Self {
        s.leptos.clone()
    }
}

pub fn leptos_options(config: &HttpConfig) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("samtal")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .reload_port(3001)
        .build()
}

/// Context every render and server function gets: shared state, this request's tenant (put
/// there by [`tenant::resolve`]) and its CSP nonce.
fn request_context(app: AppState) -> impl Fn() + Clone + Send + 'static {
    move || {
        provide_context(app.clone());
        if let Some(parts) = use_context::<http::request::Parts>() {
            if let Some(n) = parts.extensions.get::<security::CspNonce>() {
                provide_context(leptos::nonce::Nonce::from_value(n.0.clone()));
            }
            if let Some(t) = parts.extensions.get::<Tenant>() {
                provide_context(t.clone());
            }
            provide_context(parts.extensions.get::<CurrentSession>().cloned());
            if let Some(f) = parts.extensions.get::<app::components::auth::Frame>() {
                provide_context(f.clone());
            }
        }
    }
}

pub fn router(config: &HttpConfig, app: AppState) -> Router {
    let leptos = leptos_options(config);
    let routes = generate_route_list(app::App);
    let context = request_context(app.clone());
    let tenancy = app.tenancy.clone();
    let for_sessions = app.clone();
    let for_origin = app.clone();
    let profiles = app.profiles.clone();
    let state = HttpState { leptos, app };
    let shell = {
        let state = state.clone();
        move || app::shell(state.leptos.clone())
    };
    let files = leptos_axum::file_and_error_handler_with_context::<HttpState, _>(context.clone(), app::shell);
    // The site's files through our own `ServeDir`, given the whole request: leptos_axum's file
    // handler passes on only `Accept-Encoding`, so a browser revalidating its cached bundle
    // (`If-Modified-Since`) got all of it again instead of a 304, on every page.
    let site_files = tower_http::services::ServeDir::new(&config.site_root).precompressed_br().precompressed_gzip();
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .leptos_routes_with_context(&state, routes, context, shell)
        .fallback(move |uri: Uri, State(s): State<HttpState>, req: Request| {
            let (files, site_files) = (files.clone(), site_files.clone());
            async move {
                if is_site_file(&s.leptos.site_root, uri.path()).await {
                    return match tower::ServiceExt::oneshot(site_files, req).await {
                        Ok(res) => res.map(Body::new),
                        Err(never) => match never {},
                    };
                }
                // Without a tenant (bundle paths) a missing file is a plain 404: the app, which
                // needs a tenant, is not rendered for it.
                if req.extensions().get::<Tenant>().is_none() {
                    return error_page::html(StatusCode::NOT_FOUND, |t| error_page::pair(t.no_file));
                }
                files(uri, State(s), req).await
            }
        })
        .with_state(state)
        .layer(middleware::from_fn(error_status))
        // Innermost first: the page frame, session, then the Origin check, then (outermost) the tenant.
        .layer(middleware::from_fn(move |req: Request, next: Next| crate::frame::load(profiles.clone(), req, next)))
        .layer(middleware::from_fn(move |req: Request, next: Next| auth::session(for_sessions.clone(), req, next)))
        .layer(middleware::from_fn(move |req: Request, next: Next| auth::same_origin(for_origin.clone(), req, next)))
        .layer(middleware::from_fn(move |req: Request, next: Next| tenant::resolve(tenancy.clone(), req, next)));
    with_middleware(router, config)
}

/// Binds the listening socket. Pages stream in several writes; without TCP_NODELAY, Nagle's
/// algorithm waits for the browser's delayed ACK and adds ~40 ms to every server-rendered page
/// (measured with the sign-in bench: GET /account p50 43 ms → 3 ms). Linux hands the option on
/// to every accepted connection.
pub fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.set_nodelay(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// Whether `path` names a file under the site root (never outside it).
async fn is_site_file(site_root: &str, path: &str) -> bool {
    let rel = path.trim_start_matches('/');
    if rel.split('/').any(|seg| seg == ".." || seg.is_empty() || seg.contains('\\')) {
        return false;
    }
    tokio::fs::metadata(std::path::Path::new(site_root).join(rel)).await.is_ok_and(|m| m.is_file())
}

/// Server functions answer every error with 500; this gives a typed [`app::error::AppError`] its
/// own status (400 for a bad input, 403 for a refusal, …), so logs and monitoring see faults
/// only where there are faults. The body is left as it is.
///
/// A plain form post (no script) that failed before its server function could say where to go
/// — bad arguments, say — is sent back by Leptos to the `Referer` with no word of the failure;
/// such a redirect is pointed at the same page *path* (never another host) with the error's code.
async fn error_status(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let plain_form = req
        .headers()
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let mut res = next.run(req).await;
    // server_fn leaves its redirect-back `Location` on a plain form post that a server function
    // answered with a file instead (`logbook_csv`). Only there: a 200 with `Location` is also
    // how Leptos tells an island's call to navigate.
    let is_download = res
        .headers()
        .get(axum::http::header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("attachment"));
    if res.status().is_success() && is_download {
        res.headers_mut().remove(axum::http::header::LOCATION);
    }
    let silent_redirect = plain_form
        && res.status() == StatusCode::FOUND
        && res
            .headers()
            .get(axum::http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|l| !l.contains("error="));
    if !is_api || !(res.status() == StatusCode::INTERNAL_SERVER_ERROR || silent_redirect) {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // Error bodies are a few bytes of JSON; anything larger is not one of ours.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return error_page::internal();
    };
    // An error is a JSON string of codes (`"error=…"`); a successful answer that happens to be a
    // string (a new person's id) is not one.
    let is_error = serde_json::from_slice::<String>(&bytes).is_ok_and(|s| s.starts_with("error="));
    let parsed = if is_error { serde_json::from_slice::<app::error::AppError>(&bytes).ok() } else { None };
    if let Some(e) = parsed {
        if silent_redirect {
            let location = parts.headers.get(axum::http::header::LOCATION).and_then(|v| v.to_str().ok());
            let to = format!("{}?{}", page_path(location.unwrap_or("/")), e.to_query());
            if let Ok(v) = axum::http::HeaderValue::from_str(&to) {
                parts.headers.insert(axum::http::header::LOCATION, v);
            }
        } else {
            parts.status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if let Some(seconds) = e.retry_after() {
                parts.headers.insert(axum::http::header::RETRY_AFTER, seconds.into());
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The path of a URL or path, without host or query: where a redirect may go on our own site.
fn page_path(location: &str) -> String {
    let after_host = match location.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => location,
    };
    let path = after_host.split(['?', '#']).next().unwrap_or("/");
    app::components::auth::safe_next(Some(path.to_string()))
}

#[cfg(test)]
mod tests {
    use super::page_path;

    #[test]
    fn a_redirect_back_stays_on_our_own_site() {
        assert_eq!(page_path("http://acme.localhost:3000/account?done=password"), "/account");
        assert_eq!(page_path("/admin/users#x"), "/admin/users");
        assert_eq!(page_path("http://evil.example"), "/");
        assert_eq!(page_path("//evil.example/x"), "/");
        assert_eq!(page_path("http://acme.localhost//evil.example/"), "/");
        assert_eq!(page_path("javascript:alert(1)"), "/");
    }
}

/// The layers every route gets, outermost last. Public so tests can wrap extra routes the
/// same way (a panicking one, say).
pub fn with_middleware(router: Router, config: &HttpConfig) -> Router {
    let max_body_bytes = config.max_body_bytes;
    let (proxies, scheme) = (config.trusted_proxies.clone(), config.scheme);
    router
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            client::identify(proxies.clone(), scheme, req, next)
        }))
        // axum's own 2 MB default would cut the import's upload short; ours are the limits.
        .layer(axum::extract::DefaultBodyLimit::max(max_body_bytes.max(IMPORT_MAX_BODY_BYTES)))
        .layer(middleware::from_fn(move |req: Request, next: Next| body_limit(req, next, max_body_bytes)))
        .layer(middleware::from_fn(move |req: Request, next: Next| plain_too_large(req, next, max_body_bytes)))
        .layer(CatchPanicLayer::custom(|_panic| {
            // The panic message may hold request data: it goes to stderr via the panic hook,
            // never into the response.
            error_page::internal()
        }))
        .layer(middleware::from_fn(security::headers))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            // The path only: query strings could carry personal data.
            let id = req.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(middleware::from_fn(client::fresh_request_id))
}

/// Holds every request to its limit — the configured one, or the import upload's larger one: a
/// declared (or known) length above it is refused at once with the 413 page, and a body that
/// does not say stops being read where it passes it.
async fn body_limit(req: Request, next: Next, limit: usize) -> Response {
    // The larger limit only for a request that carries a session cookie (the server function
    // then checks it is an admin's), at most two at a time per process and for two minutes:
    // an anonymous client cannot make the server hold more than the usual limit.
    let upload = IMPORT_PATHS.contains(&req.uri().path())
        && req
            .headers()
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|c| c.split(';').any(|kv| kv.trim().starts_with("__Host-samtal=")));
    let limit = if upload { limit.max(IMPORT_MAX_BODY_BYTES) } else { limit };
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let known = axum::body::HttpBody::size_hint(req.body()).lower();
    if declared.is_some_and(|n| n > limit as u64) || known > limit as u64 {
        return error_page::too_large(limit);
    }
    let (parts, body) = req.into_parts();
    let req = Request::from_parts(parts, Body::new(http_body_util::Limited::new(body, limit)));
    if !upload {
        return next.run(req).await;
    }
    static UPLOADS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
    let Ok(_permit) = UPLOADS.try_acquire() else {
        let mut res = error_page::html(StatusCode::SERVICE_UNAVAILABLE, |t| error_page::pair(t.unavailable));
        res.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("5"));
        return res;
    };
    match tokio::time::timeout(std::time::Duration::from_secs(120), next.run(req)).await {
        Ok(res) => res,
        Err(_) => error_page::html(StatusCode::REQUEST_TIMEOUT, |t| error_page::pair(t.unavailable)),
    }
}

/// Rewrites the body-limit layer's bare 413 into a page in plain words.
async fn plain_too_large(req: Request, next: Next, limit: usize) -> Response {
    let res = next.run(req).await;
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return error_page::too_large(limit);
    }
    res
}

#[derive(serde::Serialize)]
struct Health {
    status: &'static str,
    version: String,
    uptime_seconds: u64,
}

/// Ready for traffic: the catalog answers and its migrations are all applied. The answer says
/// which of the two is missing, never why (no error text to a probe).
async fn readyz(State(state): State<HttpState>) -> impl IntoResponse {
    use app::core::db::migrations;
    let catalog = state.app.tenancy.catalog().db();
    // One query answers both: reading the applied migrations fails if the catalog is away.
    let problem = match migrations::is_current(catalog, migrations::CATALOG).await {
        Ok(true) => None,
        Ok(false) => Some("catalog migrations pending"),
        Err(_) => Some("catalog unreachable"),
    };
    match problem {
        None => (StatusCode::OK, Json(serde_json::json!({ "status": "ready" }))),
        Some(why) => {
            tracing::warn!(reason = why, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "not ready", "reason": why })))
        }
    }
}

async fn healthz(State(state): State<HttpState>) -> impl IntoResponse {
    let status = state.app.status();
    Json(Health { status: "ok", version: status.version, uptime_seconds: status.uptime_seconds })
}
