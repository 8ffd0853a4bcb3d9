use leptos::prelude::*;

use crate::error::AppError;

/// Marks the caller's own preparation ready: it no longer changes, and the other side sees it
/// by the reveal rules (the employee's words once she is ready; both sides' ratings only when
/// both are).
#[server(endpoint = "talks/mark_ready")]
pub async fn mark_ready(talk_id: String) -> Result<(), AppError> {
    use crate::{
        core::{
            clock::SystemClock,
            talks::{access, talk},
        },
        error::Problem,
    };
    let result = async {
        let g = super::require_talk(&talk_id, super::TalkNeed::Party).await?;
        let side = access::side(&g.party).ok_or(AppError::Forbidden)?;
        talk::mark_ready(&g.tenant, &SystemClock, &g.by, &g.talk, side).await.map_err(super::talk_error)
    }
    .await;
    let back = super::talk_page(super::checked_id(&talk_id, Problem::NoSuchTalk).unwrap_or_default());
    crate::api::answer_form(result, &back, "ready")
}
