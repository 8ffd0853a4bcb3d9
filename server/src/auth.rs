//! Per-request authentication: the Origin check that stops cross-site writes, and loading the
//! session behind the cookie. Both run after the tenant is resolved, so both work inside that
//! tenant's own database and logbook.
use app::core::{
    auth::{clear_cookie, cookie_value, sessions, CurrentSession},
    clock::SystemClock,
    logbook::{self, Action, Actor, Event, Origin, Outcome},
    state::AppState,
    tenancy::Tenant,
};
use axum::{
    extract::{ConnectInfo, Request},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::Response,
};

use crate::error_page;

/// `scheme://host[:port]` → `host[:port]`, lowercased.
fn authority(origin: &str) -> Option<String> {
    let rest = origin.split_once("://")?.1;
    let auth = rest.split('/').next()?;
    (!auth.is_empty()).then(|| auth.to_ascii_lowercase())
}

fn origin_of(req: &Request) -> Origin {
    let ip = req.extensions().get::<ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let h = |n: header::HeaderName| req.headers().get(n).and_then(|v| v.to_str().ok());
    let rid = req.headers().get("x-request-id").and_then(|v| v.to_str().ok());
    Origin::new(ip, h(header::USER_AGENT), rid).unwrap_or_default()
}

/// Every state-changing request must come from a page of this same host: its Origin (or, when a
/// browser sends none, its Referer) must name the Host it was sent to. Others get 403, logged.
pub async fn same_origin(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_ascii_lowercase);
    let claimed = req
        .headers()
        .get(header::ORIGIN)
        .or_else(|| req.headers().get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .and_then(authority);
    if host.is_some() && claimed == host {
        return next.run(req).await;
    }
    if let Some(tenant) = req.extensions().get::<Tenant>() {
        let event = Event::new(Actor::System, Action::AuthCsrfRejected, Outcome::Denied).origin(origin_of(&req));
        if let Err(e) = logbook::record(tenant, &SystemClock, &event).await {
            tracing::error!(error = %e, "could not log a rejected cross-site request");
        }
    }
    tracing::warn!(path = %req.uri().path(), "cross-site or origin-less write refused");
    error_page::html(
        StatusCode::FORBIDDEN,
        "Request refused",
        "This request did not come from a Samtal page, so it was refused and nothing was changed. \
         Reload the page and try again.",
    )
}

/// Loads the signed-in account behind the session cookie, if any. A cookie that no longer
/// names a live session is cleared.
pub async fn session(state: AppState, mut req: Request, next: Next) -> Response {
    let tenant = req.extensions().get::<Tenant>().cloned();
    let cookie = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(cookie_value)
        .map(str::to_string);
    let mut clear = false;
    if let (Some(tenant), Some(cookie)) = (tenant, cookie) {
        match sessions::load(&tenant, &SystemClock, state.auth.limits, &cookie).await {
            Ok(Some(user)) => {
                req.extensions_mut().insert(CurrentSession { user, cookie });
            }
            Ok(None) => clear = true,
            Err(e) => tracing::error!(error = %e, "session lookup failed; treating the request as signed out"),
        }
    }
    let mut res = next.run(req).await;
    if clear {
        if let Ok(v) = HeaderValue::from_str(&clear_cookie()) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::authority;

    #[test]
    fn authorities() {
        assert_eq!(authority("http://acme.localhost:3000").as_deref(), Some("acme.localhost:3000"));
        assert_eq!(authority("https://Acme.Samtal.Example/path?q").as_deref(), Some("acme.samtal.example"));
        assert_eq!(authority("null"), None);
        assert_eq!(authority("http://"), None);
    }
}
