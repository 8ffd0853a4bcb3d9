use leptos::prelude::*;

use crate::error::AppError;

/// Remembers the language a person picked, in a cookie (a year; no account needed, so it works
/// on the sign-in page too), and sends a plain form back to the page it came from. Writes
/// nothing on the server and logs nothing: it is a display preference.
#[server(endpoint = "preferences/set_language")]
pub async fn set_language(lang: String, back: Option<String>) -> Result<(), AppError> {
    use crate::model::lang::{Lang, LANG_COOKIE};
    let back = crate::components::auth::safe_next(back);
    let result = match Lang::parse(&lang) {
        Some(lang) => {
            super::super::set_cookie(&format!(
                "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; Secure; HttpOnly",
                lang.code()
            ));
            Ok(())
        }
        None => Err(AppError::Invalid(crate::error::Problem::BadLanguage)),
    };
    super::super::answer_form_to(result, &back, strip_query(&back))
}

/// The page part of an own path (a refused choice goes back with its error code only).
#[cfg(feature = "ssr")]
fn strip_query(path: &str) -> &str {
    path.split(['?', '#']).next().unwrap_or("/")
}
