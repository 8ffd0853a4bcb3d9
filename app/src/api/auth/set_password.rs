use leptos::prelude::*;

use crate::error::AppError;

/// Sets a password from a one-time link (invitation or reset). The link works once.
#[server(endpoint = "auth/set_password")]
pub async fn set_password(token: String, password: String) -> Result<(), AppError> {
    use crate::core::{
        auth::{tokens, users, AuthError},
        clock::SystemClock,
    };
    let tenant = super::super::tenant()?;
    let state = super::super::state()?;
    let user_id = tokens::peek(&tenant, &SystemClock, &token).await.map_err(|e| match e {
        AuthError::BadToken => AppError::BadLink,
        e => super::super::internal(e),
    })?;
    let user = users::by_id(&tenant, &user_id).await.map_err(super::super::internal)?.ok_or(AppError::BadLink)?;
    // Policy and reuse first, so a rejected password leaves the link usable.
    match users::set_password(&tenant, &SystemClock, &state.auth.hasher, &user, &password).await {
        Ok(()) => {}
        Err(AuthError::Policy(p)) => return Err(super::super::sentence(p)),
        Err(e) => return Err(super::super::internal(e)),
    }
    tokens::consume(&tenant, &SystemClock, &token).await.map_err(|_| AppError::BadLink)?;
    Ok(())
}
