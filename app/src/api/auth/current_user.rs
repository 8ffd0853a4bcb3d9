use leptos::prelude::*;

use crate::{error::AppError, model::auth::Me};

/// Who is signed in here, if anyone.
#[server(endpoint = "auth/current_user")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    super::super::tenant()?;
    Ok(super::super::session().map(|s| s.user.me()))
}
