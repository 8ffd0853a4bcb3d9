//! Resolves each request's tenant from its Host header before anything tenant-specific runs.
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
    path == "/healthz" || path.starts_with("/pkg/") || path.starts_with("/favicon")
}

pub async fn resolve(tenancy: Arc<Tenancy>, mut req: Request, next: Next) -> Response {
    if is_tenantless(req.uri().path()) {
        return next.run(req).await;
    }
    let host = req.headers().get(header::HOST).map(|h| h.to_str().unwrap_or("\u{0}"));
    match tenancy.resolve(host).await {
        Ok(tenant) => {
            req.extensions_mut().insert(tenant);
            next.run(req).await
        }
        Err(e) => page(&e),
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
