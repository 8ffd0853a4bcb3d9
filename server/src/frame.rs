//! Loads what every page's frame shows (the organisation's name, who is signed in) before the
//! page renders, so no page reads it through a Leptos resource (docs/decisions.md: an
//! instantly-ready resource can stall Leptos' SSR when threads render at once).
use app::{
    components::auth::Frame,
    core::{auth::CurrentSession, organisation, tenancy::Tenant},
};
use axum::{extract::Request, http::Method, middleware::Next, response::Response};

pub async fn load(mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_page =
        matches!(*req.method(), Method::GET | Method::HEAD) && !path.starts_with("/api/") && !path.starts_with("/pkg/");
    if let (true, Some(tenant)) = (is_page, req.extensions().get::<Tenant>().cloned()) {
        let (org_name, time_zone) = match organisation::profile(&tenant).await {
            Ok(Some(profile)) => profile,
            Ok(None) => (tenant.slug().to_string(), organisation::DEFAULT_TIME_ZONE.to_string()),
            Err(e) => {
                tracing::error!(tenant = %tenant.slug(), error = %e, "reading organisation name");
                (String::new(), organisation::DEFAULT_TIME_ZONE.to_string())
            }
        };
        let me = req.extensions().get::<CurrentSession>().map(|s| s.user.me());
        req.extensions_mut().insert(Frame { org_name, me, time_zone });
    }
    next.run(req).await
}
