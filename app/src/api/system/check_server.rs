use leptos::prelude::*;

use crate::{error::AppError, model::system::ServerStatus};

/// Tells the caller the server's version, clock and uptime. Public on purpose: it reveals
/// nothing about tenants or people; monitoring (and the HTTP tests) use it to prove a server
/// function round trip works.
#[server(endpoint = "system/check")]
pub async fn check_server() -> Result<ServerStatus, AppError> {
    let state = use_context::<crate::core::state::AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from server-function context");
        AppError::Internal
    })?;
    Ok(state.status())
}
