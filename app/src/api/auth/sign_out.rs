use leptos::prelude::*;

use crate::error::AppError;

/// Ends this session on the server and clears the cookie. Posted by a plain form (the header's
/// button), so it answers with a redirect to the sign-in page. `Clear-Site-Data: "storage"`
/// has the browser drop what this origin keeps in `localStorage`: a talk note's unsent draft
/// (`pages::talks::editor`) does not outlive the session on a shared device.
#[server(endpoint = "auth/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(
            http::HeaderName::from_static("clear-site-data"),
            http::HeaderValue::from_static("\"storage\""),
        );
    }
    super::super::answer_form_to(end_session().await, "/sign-in?signed_out=1", "/")
}

#[cfg(feature = "ssr")]
async fn end_session() -> Result<(), AppError> {
    use crate::core::{
        clock::SystemClock,
        logbook::{self, Action, Event, Outcome, TargetType},
    };
    let tenant = super::super::tenant()?;
    if let Some(s) = super::super::session() {
        // Deletes the row and empties the session; the layer then clears the cookie.
        s.session.flush().await.map_err(super::super::internal)?;
        let event = Event::new(s.user.actor(), Action::AuthSignedOut, Outcome::Success)
            .target(TargetType::User, s.user.log_id())
            .origin(super::super::origin());
        logbook::record(&tenant, &SystemClock, &event).await.map_err(super::super::internal)?;
    }
    // The session layer clears the cookie (also one whose session had already ended), in full.
    Ok(())
}
