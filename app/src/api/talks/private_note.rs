use leptos::prelude::*;

use crate::{error::AppError, model::talks::PrivateNoteView};

/// The caller's own private notes on a talk: the manager who holds it, and only the person and
/// account that wrote them (never the employee, another manager or an admin). Opened on its own
/// page, so `talk.private_note.viewed` records a real read.
#[server(endpoint = "talks/private_note")]
pub async fn private_note(talk_id: String) -> Result<PrivateNoteView, AppError> {
    use crate::core::{clock::SystemClock, talks::talk};
    let g = super::require_talk(&talk_id, super::TalkNeed::Manager).await?;
    let note = talk::private_note(&g.tenant, &SystemClock, &g.by, &g.talk).await.map_err(super::talk_error)?;
    let (employee, _) = talk::names(&g.tenant, &g.talk).await.map_err(super::talk_error)?;
    Ok(PrivateNoteView { round: g.talk.round_title.clone(), employee, status: g.talk.status, note })
}
