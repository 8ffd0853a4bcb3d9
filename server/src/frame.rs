//! Loads what every page's frame shows (the organisation's name, language and time zone, who is
//! signed in) before the page renders, so no page reads it through a Leptos resource
//! (docs/decisions.md: an instantly-ready resource can stall Leptos' SSR when threads render at
//! once).
use app::model::lang::Lang;
use app::{
    components::auth::Frame,
    core::{
        auth::CurrentSession,
        organisation::{self, ProfileCache},
        tenancy::Tenant,
    },
};
use axum::{
    extract::Request,
    http::{header, HeaderMap, Method},
    middleware::Next,
    response::Response,
};
use std::sync::Arc;

pub async fn load(profiles: Arc<ProfileCache>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_page =
        matches!(*req.method(), Method::GET | Method::HEAD) && !path.starts_with("/api/") && !path.starts_with("/pkg/");
    if let (true, Some(tenant)) = (is_page, req.extensions().get::<Tenant>().cloned()) {
        let fallback = |name: String| organisation::Profile {
            name,
            time_zone: organisation::DEFAULT_TIME_ZONE.to_string(),
            language: Lang::default(),
        };
        let profile = match profiles.get(&tenant).await {
            Ok(Some(profile)) => profile,
            Ok(None) => fallback(tenant.slug().to_string()),
            Err(e) => {
                tracing::error!(tenant = %tenant.slug(), error = %e, "reading organisation name");
                fallback(String::new())
            }
        };
        let me = req.extensions().get::<CurrentSession>().map(|s| s.user.me());
        let lang = chosen_lang(req.headers()).unwrap_or(profile.language);
        let site = crate::auth::own_origin(&req).unwrap_or_default();
        req.extensions_mut().insert(Frame { org_name: profile.name, lang, me, time_zone: profile.time_zone, site });
    }
    next.run(req).await
}

/// The language a person picked (the cookie), if any; every `Cookie` header is looked at.
pub fn chosen_lang(headers: &HeaderMap) -> Option<Lang> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(Lang::from_cookie_header)
}
