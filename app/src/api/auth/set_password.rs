use leptos::prelude::*;

use crate::error::AppError;

/// Sets a password from a one-time link (invitation or reset). The link works once.
#[server(endpoint = "auth/set_password")]
pub async fn set_password(
    token: String,
    password: String,
    // Sent by the plain form (no script to compare the two fields before posting).
    repeat: Option<String>,
) -> Result<(), AppError> {
    use crate::core::{
        auth::{users, AuthError},
        clock::SystemClock,
    };
    let result = async {
        if repeat.is_some_and(|r| r != password) {
            return Err(AppError::Invalid(crate::error::Problem::PasswordsDiffer));
        }
        let tenant = super::super::tenant()?;
        let state = super::super::state()?;
        match users::set_password_from_link(&tenant, &SystemClock, &state.auth.hasher, &token, &password).await {
            Ok(_) => Ok(()),
            Err(AuthError::BadToken) => Err(AppError::BadLink),
            Err(AuthError::Policy(p)) => Err(super::super::password_problem(p)),
            Err(AuthError::Hash(crate::core::auth::password::HashError::Busy)) => Err(AppError::Busy { seconds: 1 }),
            Err(e) => Err(super::super::internal(e)),
        }
    };
    // Without a script the form posts here and the person is sent on: to sign-in when the
    // password is set, back to the form (which asks for the code again) when not.
    super::super::answer_form_to(result.await, "/sign-in?done=password_set", "/set-password")
}
