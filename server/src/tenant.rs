//! Resolves each request's tenant from its host (the Host header, or HTTP/2's authority) before
//! anything tenant-specific runs.
//! Pages and server functions never see a request without one.
use std::sync::Arc;

use app::core::tenancy::{ResolveError, Tenancy};
use axum::{
    extract::Request,
    http::{header, StatusCode},
    middleware::Next,
    response::Response,
};

use crate::error_page;

/// Paths that belong to no tenant: health checks and the public bundle.
fn is_tenantless(path: &str) -> bool {
    path == "/healthz" || path == "/readyz" || path.starts_with("/pkg/") || path.starts_with("/favicon")
}

pub async fn resolve(tenancy: Arc<Tenancy>, mut req: Request, next: Next) -> Response {
    if is_tenantless(req.uri().path()) {
        return next.run(req).await;
    }
    let Ok(host) = request_host(&req) else {
        return page(&ResolveError::MalformedHost);
    };
    match tenancy.resolve(host.as_deref()).await {
        Ok(tenant) => {
            req.extensions_mut().insert(tenant);
            next.run(req).await
        }
        Err(e) => page(&e),
    }
}

/// A request that names its host twice, differently, or in bytes that are not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmbiguousHost;

/// The host a request was sent to: its `Host` header (HTTP/1.1), or the authority of its URI
/// (HTTP/2 sends `:authority` and no `Host`). A request naming two different hosts, or a `Host`
/// that is not text, is refused: which one would the tenant be?
pub fn request_host(req: &Request) -> Result<Option<String>, AmbiguousHost> {
    let named = match req.headers().get(header::HOST) {
        Some(h) => Some(h.to_str().map_err(|_| AmbiguousHost)?.to_string()),
        None => None,
    };
    let authority = req.uri().authority().map(|a| a.as_str().to_string());
    match (named, authority) {
        (Some(h), Some(a)) if !h.eq_ignore_ascii_case(&a) => Err(AmbiguousHost),
        (Some(h), _) => Ok(Some(h)),
        (None, a) => Ok(a),
    }
}

pub fn page(e: &ResolveError) -> Response {
    match e {
        ResolveError::MissingHost | ResolveError::MalformedHost => {
            error_page::html(StatusCode::BAD_REQUEST, |t| error_page::pair(t.bad_address))
        }
        ResolveError::UnknownTenant => error_page::html(StatusCode::NOT_FOUND, |t| error_page::pair(t.unknown_tenant)),
        ResolveError::Disabled => error_page::html(StatusCode::FORBIDDEN, |t| error_page::pair(t.disabled)),
        ResolveError::Unavailable => {
            error_page::html(StatusCode::SERVICE_UNAVAILABLE, |t| error_page::pair(t.unavailable))
        }
    }
}
