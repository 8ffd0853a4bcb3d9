use leptos::prelude::*;

use crate::{error::AppError, model::gdpr::RetentionView};

/// The retention setting and who is past it today. Admins only.
#[server(endpoint = "gdpr/retention")]
pub async fn retention_status() -> Result<RetentionView, AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            gdpr::retention,
        },
        model::gdpr::DueRow,
    };
    let (tenant, _) = crate::api::require(Need::Role(Role::Admin)).await?;
    let s = retention::settings(&tenant).await.map_err(super::gdpr_error)?;
    let today = crate::api::talks::org_today(&tenant).await?;
    let due = retention::due(&tenant, &today).await.map_err(super::gdpr_error)?;
    Ok(RetentionView {
        months: s.months,
        auto_erase: s.auto_erase,
        due: due
            .into_iter()
            .map(|d| DueRow { person_id: d.person_id, name: d.name, ended: d.ended, admin: d.admin })
            .collect(),
    })
}

/// Sets how many months after the last employment a person's data is kept, and whether the
/// daily job then erases them. Admins only; logged.
#[server(endpoint = "gdpr/set_retention")]
pub async fn set_retention(months: String, #[server(default)] auto_erase: Option<String>) -> Result<(), AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            clock::SystemClock,
            gdpr::retention::{self, Settings},
        },
        error::Problem,
    };
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let months = months.trim().parse::<i64>().map_err(|_| AppError::Invalid(Problem::RetentionMonths))?;
        let s = Settings { months, auto_erase: auto_erase.as_deref() == Some("yes") };
        retention::set(&tenant, &SystemClock, admin.actor(), s).await.map_err(super::gdpr_error)
    }
    .await;
    crate::api::answer_form(result, "/admin/organisation", "saved")
}
