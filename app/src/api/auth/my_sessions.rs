use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub handle: String,
    pub started_unix: i64,
    pub last_seen_unix: i64,
    pub ip: Option<String>,
    pub device: String,
    pub current: bool,
}

/// The signed-in person's active sessions.
#[server(endpoint = "auth/my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionView>, AppError> {
    use crate::core::auth::{guard::Need, sessions};
    let (tenant, user) = super::super::require(Need::SignedIn).await?;
    let current = super::super::session().map(|s| s.cookie);
    let list = sessions::list(&tenant, &user.id, current.as_deref()).await.map_err(super::super::internal)?;
    Ok(list
        .into_iter()
        .map(|s| SessionView {
            handle: s.handle,
            started_unix: s.created_at / 1000,
            last_seen_unix: s.last_seen_at / 1000,
            ip: s.ip,
            device: crate::model::auth::device_from_user_agent(s.user_agent.as_deref().unwrap_or("")),
            current: s.current,
        })
        .collect())
}
