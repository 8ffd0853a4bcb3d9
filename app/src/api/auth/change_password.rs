use leptos::prelude::*;

use crate::error::AppError;

/// Changes the signed-in person's password; every other session of theirs ends.
#[server(endpoint = "auth/change_password")]
pub async fn change_password(
    current: String,
    new_password: String,
    // Sent by the plain form (no script to compare the two fields before posting).
    repeat: Option<String>,
) -> Result<(), AppError> {
    let result = change(current, new_password, repeat).await;
    super::super::answer_form(result, "/account", "password")
}

#[cfg(feature = "ssr")]
async fn change(current: String, new_password: String, repeat: Option<String>) -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, service::SignInError, users, AuthError},
        clock::SystemClock,
    };
    if repeat.is_some_and(|r| r != new_password) {
        return Err(AppError::Invalid(crate::error::Problem::PasswordsDiffer));
    }
    let (tenant, user) = super::super::require(Need::SignedIn).await?;
    let state = super::super::state()?;
    if new_password.chars().count() > crate::core::auth::password::MAX_LEN {
        return Err(super::super::password_problem(crate::core::auth::password::PolicyError::TooLong));
    }
    let origin = super::super::origin();
    // Its own task, like sign-in: a disconnect cannot cancel the count or the logbook event.
    let (auth, t, u, pw) = (state.auth.clone(), tenant.clone(), user.clone(), current);
    let o = origin.clone();
    let check = tokio::spawn(async move { auth.check_current_password(&t, &SystemClock, &u, &pw, &o).await });
    match check.await.map_err(super::super::internal)? {
        Ok(()) => {}
        Err(SignInError::Invalid) => return Err(AppError::Invalid(crate::error::Problem::CurrentPasswordWrong)),
        Err(SignInError::Throttled(seconds)) => return Err(AppError::Throttled { seconds }),
        Err(SignInError::Busy(seconds)) => return Err(AppError::Busy { seconds }),
        Err(e) => return Err(super::super::internal(e)),
    }
    match users::set_password(&tenant, &SystemClock, &state.auth.hasher, &user, &new_password).await {
        Ok(()) => {}
        Err(AuthError::Policy(p)) => return Err(super::super::password_problem(p)),
        Err(AuthError::Hash(crate::core::auth::password::HashError::Busy)) => {
            return Err(AppError::Busy { seconds: 1 })
        }
        Err(e) => return Err(super::super::internal(e)),
    }
    // set_password ended all sessions; this device continues under a new one.
    super::super::start_session(&user).await
}
