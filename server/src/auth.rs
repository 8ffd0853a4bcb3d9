//! Per-request authentication: the Origin check that stops cross-site writes, and loading the
//! session behind the cookie. Both run after the tenant is resolved, so both work inside that
//! tenant's own database and logbook.
use app::core::{
    auth::{clear_cookie, cookie_value, sessions, CurrentSession},
    clock::SystemClock,
    logbook::{Action, Actor, Event, Origin, Outcome},
    state::AppState,
    tenancy::Tenant,
};
use axum::{
    extract::Request,
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::Response,
};

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
fn own_origin(req: &Request) -> Option<String> {
    let scheme = req.extensions().get::<Client>().map(|c| c.scheme).unwrap_or(Scheme::Http).as_str();
    let host = req.headers().get(header::HOST)?.to_str().ok()?.to_ascii_lowercase();
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
