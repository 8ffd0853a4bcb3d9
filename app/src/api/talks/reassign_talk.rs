use leptos::prelude::*;

use crate::error::AppError;

/// Hands a talk not yet signed off to the employee's manager of today (after a change in the
/// reporting line the old manager no longer reaches it). The new manager does not get the old
/// one's private notes. Admins only; no text is read.
#[server(endpoint = "talks/reassign")]
pub async fn reassign_talk(talk_id: String, round_id: String) -> Result<(), AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            clock::SystemClock,
            talks::rounds,
        },
        error::Problem,
    };
    let back = format!("/admin/rounds/{}", super::checked_id(&round_id, Problem::NoSuchRound).unwrap_or_default());
    let result = async {
        let id = super::checked_id(&talk_id, Problem::NoSuchTalk)?;
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let today = super::org_today(&tenant).await?;
        rounds::reassign(&tenant, &SystemClock, admin.actor(), crate::api::origin(), id, &today)
            .await
            .map_err(super::talk_error)
    }
    .await;
    crate::api::answer_form(result, &back, "reassigned")
}
