use leptos::prelude::*;

use crate::{error::AppError, model::auth::Me};

/// Signs in with e-mail and password; on success the response sets a fresh session cookie.
#[server(endpoint = "auth/sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    // Where a plain form post goes on success (one of our own paths only).
    next: Option<String>,
) -> Result<Me, AppError> {
    use crate::components::auth::safe_next;
    use crate::model::format::percent_encode;
    let next = safe_next(next);
    match authenticate(email, password).await {
        Ok(me) => {
            super::super::redirect_form_post(&next);
            Ok(me)
        }
        Err(e) => {
            super::super::redirect_form_post(&format!("/sign-in?{}&next={}", e.to_query(), percent_encode(&next)));
            Err(e)
        }
    }
}

#[cfg(feature = "ssr")]
async fn authenticate(email: String, password: String) -> Result<Me, AppError> {
    use crate::core::{auth::service::SignInError, clock::SystemClock};
    let tenant = super::super::tenant()?;
    let state = super::super::state()?;
    if email.len() > 254 || password.chars().count() > crate::core::auth::password::MAX_LEN {
        return Err(AppError::InvalidCredentials);
    }
    let origin = super::super::origin();
    // Its own task: a client that disconnects mid-hash cannot cancel the attempt before it is
    // counted and logged.
    let (auth, t) = (state.auth.clone(), tenant.clone());
    let attempt = tokio::spawn(async move { auth.authenticate(&t, &SystemClock, &email, &password, &origin).await });
    match attempt.await.map_err(super::super::internal)? {
        Ok(user) => {
            super::super::start_session(&user).await?;
            Ok(user.me())
        }
        Err(SignInError::Invalid) => Err(AppError::InvalidCredentials),
        Err(SignInError::Throttled(seconds)) => Err(AppError::Throttled { seconds }),
        Err(SignInError::Busy(seconds)) => Err(AppError::Busy { seconds }),
        Err(SignInError::Internal(e)) => Err(super::super::internal(e)),
    }
}
