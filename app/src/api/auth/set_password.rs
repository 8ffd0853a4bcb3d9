use leptos::prelude::*;

use crate::error::AppError;

/// Sets a password from a one-time link (invitation or reset). The link works once.
#[server(endpoint = "auth/set_password")]
pub async fn set_password(token: String, password: String) -> Result<(), AppError> {
    use crate::core::{
        auth::{users, AuthError},
        clock::SystemClock,
    };
    let tenant = super::super::tenant()?;
    let state = super::super::state()?;
    match users::set_password_from_link(&tenant, &SystemClock, &state.auth.hasher, &token, &password).await {
        Ok(_) => Ok(()),
        Err(AuthError::BadToken) => Err(AppError::BadLink),
        Err(AuthError::Policy(p)) => Err(super::super::sentence(p)),
        Err(AuthError::Hash(crate::core::auth::password::HashError::Busy)) => Err(AppError::Busy { seconds: 1 }),
        Err(e) => Err(super::super::internal(e)),
    }
}
