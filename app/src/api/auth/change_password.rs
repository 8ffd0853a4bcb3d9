use leptos::prelude::*;

use crate::error::AppError;

/// Changes the signed-in person's password; every other session of theirs ends.
#[server(endpoint = "auth/change_password")]
pub async fn change_password(current: String, new_password: String) -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, sessions, users, AuthError},
        clock::SystemClock,
    };
    let (tenant, user) = super::super::require(Need::SignedIn).await?;
    let state = super::super::state()?;
    let ok = state.auth.hasher.verify(&current, user.password_hash.as_deref()).await.map_err(super::super::internal)?;
    if !ok.ok {
        return Err(AppError::Invalid("The current password is wrong.".into()));
    }
    match users::set_password(&tenant, &SystemClock, &state.auth.hasher, &user, &new_password).await {
        Ok(()) => {}
        Err(AuthError::Policy(p)) => return Err(super::super::sentence(p)),
        Err(e) => return Err(super::super::internal(e)),
    }
    // set_password ended all sessions; give this device a new one.
    let cookie = sessions::create(&tenant, &SystemClock, &user.id, super::super::origin().ip, None)
        .await
        .map_err(super::super::internal)?;
    let opts = expect_context::<leptos_axum::ResponseOptions>();
    opts.append_header(
        http::header::SET_COOKIE,
        http::HeaderValue::from_str(&crate::core::auth::set_cookie(&cookie)).map_err(super::super::internal)?,
    );
    Ok(())
}
