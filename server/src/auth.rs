//! Per-request authentication: the Origin check that stops cross-site writes, and loading the
//! session behind the cookie. Both run after the tenant is resolved, so both work inside that
//! tenant's own database and logbook.
use app::core::{
    auth::{
        clear_cookie,
        session_store::{TenantSessionStore, USER_KEY},
        CurrentSession, COOKIE,
    },
    clock::SystemClock,
    logbook::{Action, Actor, Event, Origin, Outcome},
    state::AppState,
    tenancy::Tenant,
};
use axum::{
    extract::Request,
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::Response,
};

use tower::{Layer as _, ServiceExt as _};
use tower_sessions::{cookie::SameSite, Session, SessionManagerLayer};

use crate::{
    client::{Client, Scheme},
    error_page,
};

/// `scheme://host[:port]` of an `Origin` or `Referer` value, lowercased, the default port left
/// out; `None` for `null`, opaque or malformed values (and for userinfo, which no browser sends).
fn serialized_origin(value: &str) -> Option<String> {
    let (scheme, rest) = value.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{scheme}://{}", without_default_port(&scheme, &authority)))
}

fn without_default_port<'a>(scheme: &str, authority: &'a str) -> &'a str {
    let default = if scheme == "https" { ":443" } else { ":80" };
    authority.strip_suffix(default).unwrap_or(authority)
}

/// The origin this request was sent to: the scheme the browser used (ours, or a trusted proxy's
/// word) and the Host header.
pub(crate) fn own_origin(req: &Request) -> Option<String> {
    let scheme = req.extensions().get::<Client>().map(|c| c.scheme).unwrap_or(Scheme::Http).as_str();
    let host = crate::tenant::request_host(req).ok()??.to_ascii_lowercase();
    (!host.is_empty()).then(|| format!("{scheme}://{}", without_default_port(scheme, &host)))
}

/// Why a write was let through or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Allowed,
    Refused,
}

/// Browsers say where a request comes from in `Sec-Fetch-Site` (a header no page can set) and
/// `Origin`/`Referer`. A write passes only when every one of them that is present names this very
/// origin — scheme, host and port — and at least one is present. Sibling tenants are
/// `same-site`, not `same-origin`, so they are refused too.
fn judge(req: &Request) -> Verdict {
    let text = |n: header::HeaderName| req.headers().get(n).map(|v| v.to_str().unwrap_or("\u{0}"));
    let fetch_site = text(header::HeaderName::from_static("sec-fetch-site"));
    if fetch_site.is_some_and(|s| !s.eq_ignore_ascii_case("same-origin")) {
        return Verdict::Refused;
    }
    let own = own_origin(req);
    // `Origin: null` (privacy modes, some form posts) says nothing; the Referer may still.
    let claimed = text(header::ORIGIN)
        .filter(|o| !o.eq_ignore_ascii_case("null"))
        .or_else(|| text(header::REFERER))
        .map(serialized_origin);
    match claimed {
        Some(claimed) => {
            if own.is_some() && claimed == own {
                Verdict::Allowed
            } else {
                Verdict::Refused
            }
        }
        None if fetch_site.is_some() && own.is_some() => Verdict::Allowed,
        None => Verdict::Refused,
    }
}

/// Every state-changing request must come from a page of this same origin (see [`judge`]).
/// Others get 403, logged.
pub async fn same_origin(state: AppState, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) || judge(&req) == Verdict::Allowed {
        return next.run(req).await;
    }
    if let Some(tenant) = req.extensions().get::<Tenant>() {
        let origin = req.extensions().get::<Origin>().cloned().unwrap_or_default();
        let event = Event::new(Actor::System, Action::AuthCsrfRejected, Outcome::Denied).origin(origin);
        // Anonymous by nature (the session is not looked at yet): summarised when repeated.
        if let Err(e) = state.auth.record_anonymous(tenant, &SystemClock, &event).await {
            tracing::error!(error = %e, "could not log a rejected cross-site request");
        }
    }
    tracing::warn!(path = %req.uri().path(), "cross-site or origin-less write refused");
    error_page::html(StatusCode::FORBIDDEN, |t| error_page::pair(t.refused))
}

/// Sessions through tower-sessions, with a store over the resolved tenant's own table (built for
/// this request, so it can only ever find this tenant's sessions). The signed-in account it
/// loaded is handed to pages and server functions as [`CurrentSession`].
pub async fn session(state: AppState, req: Request, next: Next) -> Response {
    let Some(tenant) = req.extensions().get::<Tenant>().cloned() else { return next.run(req).await };
    let origin = req.extensions().get::<Origin>().cloned().unwrap_or_default();
    let store = TenantSessionStore::new(tenant, state.auth.limits, origin);
    let layer = SessionManagerLayer::new(store.clone())
        .with_name(COOKIE)
        .with_secure(true)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_path("/");
    let inner = tower::service_fn(move |mut req: Request| {
        let (next, store) = (next.clone(), store.clone());
        async move {
            if let Some(session) = req.extensions().get::<Session>().cloned() {
                match session.get::<String>(USER_KEY).await {
                    Ok(Some(_)) => {
                        if let (Some(user), Some(id)) = (store.loaded_user(), session.id()) {
                            req.extensions_mut().insert(CurrentSession { user, cookie: id.to_string(), session });
                        }
                    }
                    Ok(None) => {}
                    Err(e) => tracing::error!(error = %e, "session lookup failed; treating the request as signed out"),
                }
            }
            Ok::<_, std::convert::Infallible>(next.run(req).await)
        }
    });
    let mut res = match layer.layer(inner).oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    };
    full_removal_cookie(res.headers_mut());
    res
}

/// tower-sessions clears a dead session's cookie with a bare `name=; Max-Age=0`, which browsers
/// ignore for a `__Host-` cookie (the prefix needs `Secure` and `Path=/` on every Set-Cookie).
/// Such a header is replaced by the full removal.
fn full_removal_cookie(headers: &mut HeaderMap) {
    let prefix = format!("{COOKIE}=;");
    let clears = headers.get_all(header::SET_COOKIE).iter().any(|v| v.to_str().is_ok_and(|v| v.starts_with(&prefix)));
    if !clears {
        return;
    }
    let kept: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter(|v| !v.to_str().is_ok_and(|v| v.starts_with(&prefix)))
        .cloned()
        .collect();
    headers.remove(header::SET_COOKIE);
    for v in kept {
        headers.append(header::SET_COOKIE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&clear_cookie()) {
        headers.append(header::SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(pairs: &[(&str, &str)], scheme: Scheme) -> Request {
        let mut b = Request::builder().method("POST").uri("/api/x");
        for (k, v) in pairs {
            b = b.header(*k, *v);
        }
        let mut r = b.body(axum::body::Body::empty()).expect("request");
        r.extensions_mut().insert(Client { ip: None, scheme });
        r
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        assert_eq!(serialized_origin("http://acme.localhost:3000").as_deref(), Some("http://acme.localhost:3000"));
        assert_eq!(
            serialized_origin("https://Acme.Samtal.Example/p?q").as_deref(),
            Some("https://acme.samtal.example")
        );
        assert_eq!(serialized_origin("https://acme.example:443").as_deref(), Some("https://acme.example"));
        assert_eq!(serialized_origin("null"), None);
        assert_eq!(serialized_origin("http://"), None);
        assert_eq!(serialized_origin("http://evil@acme.example"), None);
        assert_eq!(serialized_origin("ftp://acme.example"), None);
    }

    #[test]
    fn the_whole_origin_must_match() {
        let host = ("host", "acme.example");
        assert_eq!(judge(&req(&[host, ("origin", "http://acme.example")], Scheme::Http)), Verdict::Allowed);
        assert_eq!(judge(&req(&[host, ("origin", "https://acme.example")], Scheme::Http)), Verdict::Refused);
        assert_eq!(judge(&req(&[host, ("origin", "http://acme.example")], Scheme::Https)), Verdict::Refused);
        assert_eq!(judge(&req(&[host, ("origin", "https://acme.example:443")], Scheme::Https)), Verdict::Allowed);
        assert_eq!(judge(&req(&[host, ("origin", "http://acme.example:8080")], Scheme::Http)), Verdict::Refused);
        assert_eq!(judge(&req(&[host, ("referer", "http://acme.example/account")], Scheme::Http)), Verdict::Allowed);
        assert_eq!(judge(&req(&[host], Scheme::Http)), Verdict::Refused, "no evidence at all");
        assert_eq!(judge(&req(&[("origin", "http://acme.example")], Scheme::Http)), Verdict::Refused, "no host");
    }

    #[test]
    fn fetch_metadata_is_used_where_browsers_send_it() {
        let host = ("host", "acme.example");
        let same = ("sec-fetch-site", "same-origin");
        assert_eq!(judge(&req(&[host, same, ("origin", "http://acme.example")], Scheme::Http)), Verdict::Allowed);
        assert_eq!(judge(&req(&[host, same, ("origin", "null")], Scheme::Http)), Verdict::Allowed);
        assert_eq!(judge(&req(&[host, same], Scheme::Http)), Verdict::Allowed);
        assert_eq!(judge(&req(&[host, same, ("origin", "http://beta.example")], Scheme::Http)), Verdict::Refused);
        for site in ["same-site", "cross-site", "none"] {
            let r = req(&[host, ("sec-fetch-site", site), ("origin", "http://acme.example")], Scheme::Http);
            assert_eq!(judge(&r), Verdict::Refused, "{site}");
        }
    }
}
