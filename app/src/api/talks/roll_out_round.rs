use leptos::prelude::*;

use crate::{error::AppError, model::talks::RolledOut};

/// Rolls a template out to a unit and every unit below it for a date range: one talk per
/// person employed there, with their manager at this moment; the questions are fixed for the
/// round. A plain form goes on to the round's page. Admins only.
#[server(endpoint = "talks/roll_out")]
pub async fn roll_out_round(
    title: String,
    template_id: String,
    unit_id: String,
    starts_on: String,
    ends_on: String,
) -> Result<RolledOut, AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            clock::SystemClock,
            talks::rounds::{self, NewRound},
        },
        error::Problem,
    };
    let result = async {
        let template_id = super::checked_id(&template_id, Problem::NoSuchTemplate)?.to_string();
        let unit_id = super::checked_id(&unit_id, Problem::NoSuchUnit)?.to_string();
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let new = NewRound { title, template_id, unit_id, starts_on, ends_on };
        let today = super::org_today(&tenant).await?;
        rounds::roll_out(&tenant, &SystemClock, admin.actor(), crate::api::origin(), &new, &today)
            .await
            .map_err(super::talk_error)
    }
    .await;
    let to = result
        .as_ref()
        .map(|r| {
            format!("/admin/rounds/{}?done=rolled_out&talks={}&without={}", r.round_id, r.talks, r.without_manager)
        })
        .unwrap_or_default();
    crate::api::answer_form_to(result, &to, "/admin/rounds")
}
