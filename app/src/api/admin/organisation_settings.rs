use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{error::AppError, model::lang::Lang};

/// The organisation's default language and time zone, with the zones to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSettings {
    pub language: Lang,
    pub time_zone: String,
    pub time_zones: Vec<String>,
}

/// Admins only.
#[server(endpoint = "admin/organisation_settings")]
pub async fn organisation_settings() -> Result<OrgSettings, AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        organisation,
    };
    let (tenant, _) = super::super::require(Need::Role(Role::Admin)).await?;
    let profile = organisation::profile(&tenant).await.map_err(super::super::internal)?;
    let (language, time_zone) = match profile {
        Some(p) => (p.language, p.time_zone),
        None => (Lang::default(), organisation::DEFAULT_TIME_ZONE.to_string()),
    };
    Ok(OrgSettings { language, time_zone, time_zones: organisation::time_zones() })
}
