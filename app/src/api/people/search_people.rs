use leptos::prelude::*;

use crate::error::AppError;

/// Sets (or, empty, clears) the name search of the people list. The words travel sealed in a
/// cookie for this account and session, never in the address, and the answer is the list.
#[server(endpoint = "people/search")]
pub async fn search_people(name: String) -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, handover},
        clock::SystemClock,
    };
    let result = async {
        let (tenant, user) = crate::api::require(Need::SignedIn).await?;
        let name: String = name.trim().chars().take(100).collect();
        if name.is_empty() {
            crate::api::set_cookie(&cookie("", 0));
            return Ok(());
        }
        let session = crate::api::session().map(|s| s.cookie).unwrap_or_default();
        let holder = handover::Holder { admin_id: &user.id, session: &session };
        let sealed =
            handover::seal_note(&tenant, &SystemClock, holder, super::SEARCH_COOKIE, &name, super::SEARCH_MAX_AGE)
                .ok_or(AppError::Internal)?;
        crate::api::set_cookie(&cookie(&sealed, super::SEARCH_MAX_AGE));
        Ok(())
    };
    crate::api::answer_form_to(result.await, "/people", "/people")
}

#[cfg(feature = "ssr")]
fn cookie(value: &str, max_age: i64) -> String {
    format!("{}={value}; Path=/people; Max-Age={max_age}; SameSite=Strict; Secure; HttpOnly", super::SEARCH_COOKIE)
}

/// The name search this request carries for its own account and session, or none.
#[cfg(feature = "ssr")]
pub(crate) fn current_search() -> String {
    use crate::core::{auth::handover, clock::SystemClock, tenancy::Tenant};
    let found = || -> Option<String> {
        let parts = use_context::<http::request::Parts>()?;
        let tenant = use_context::<Tenant>()?;
        let current = crate::api::session()?;
        let holder = handover::Holder { admin_id: &current.user.id, session: &current.cookie };
        let found = parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|h| handover::cookies_named(h, super::SEARCH_COOKIE))
            .find_map(|v| handover::open_note(&tenant, &SystemClock, holder, super::SEARCH_COOKIE, v));
        found
    };
    found().unwrap_or_default()
}
