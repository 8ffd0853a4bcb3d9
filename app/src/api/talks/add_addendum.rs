use leptos::prelude::*;

use crate::error::AppError;

/// Adds a correction to a signed-off talk, by its employee or the manager who holds it; the
/// signed talk stays as it was.
#[server(endpoint = "talks/add_addendum")]
pub async fn add_addendum(talk_id: String, text: String) -> Result<(), AppError> {
    use crate::{
        core::{
            clock::SystemClock,
            talks::{access, talk},
        },
        error::Problem,
    };
    let result = async {
        let g = super::require_talk(&talk_id, super::TalkNeed::Party).await?;
        access::side(&g.party).ok_or(AppError::Forbidden)?;
        talk::add_addendum(&g.tenant, &SystemClock, &g.by, &g.talk, &text).await.map_err(super::talk_error)
    }
    .await;
    let back = super::talk_page(super::checked_id(&talk_id, Problem::NoSuchTalk).unwrap_or_default());
    crate::api::answer_form(result, &back, "addendum")
}
