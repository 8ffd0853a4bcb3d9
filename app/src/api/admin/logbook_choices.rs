use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the logbook filter offers, and the names that turn ids into people on screen (the
/// logbook itself holds ids only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogChoices {
    /// (user id, display name)
    pub users: Vec<(String, String)>,
    pub actions: Vec<String>,
}

/// Admins only.
#[server(endpoint = "admin/logbook_choices")]
pub async fn logbook_choices() -> Result<LogChoices, AppError> {
    use crate::core::{
        auth::{guard::Need, users, Role},
        logbook::Action,
    };
    let (tenant, _) = super::super::require(Need::Role(Role::Admin)).await?;
    let list = users::list(&tenant).await.map_err(super::super::internal)?;
    Ok(LogChoices {
        users: list.into_iter().map(|u| (u.id, u.display_name)).collect(),
        actions: Action::ALL.iter().map(|a| a.as_str().to_string()).collect(),
    })
}
