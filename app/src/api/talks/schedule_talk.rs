use leptos::prelude::*;

use crate::error::AppError;

/// Sets when the talk is held: `when` as a `datetime-local` field sends it (`YYYY-MM-DDTHH:MM`,
/// in the organisation's time zone), `minutes` its length; an empty `when` clears it. The
/// manager who holds the talk only.
#[server(endpoint = "talks/schedule")]
pub async fn schedule_talk(talk_id: String, when: String, minutes: String) -> Result<(), AppError> {
    use crate::{
        core::{clock::SystemClock, organisation, talks::talk},
        error::Problem,
    };
    let result = async {
        let g = super::require_talk(&talk_id, super::TalkNeed::Manager).await?;
        let at = if when.trim().is_empty() {
            None
        } else {
            let zone = organisation::time_zone(&g.tenant).await.map_err(crate::api::internal)?;
            let at =
                crate::components::time::parse_local(when.trim(), &zone).ok_or(AppError::Invalid(Problem::TalkTime))?;
            let minutes: i64 = minutes.trim().parse().map_err(|_| AppError::Invalid(Problem::TalkTime))?;
            Some((at, minutes))
        };
        talk::schedule(&g.tenant, &SystemClock, &g.by, &g.talk, at).await.map_err(super::talk_error)
    }
    .await;
    let back = super::talk_page(super::checked_id(&talk_id, Problem::NoSuchTalk).unwrap_or_default());
    crate::api::answer_form(result, &back, "scheduled")
}
