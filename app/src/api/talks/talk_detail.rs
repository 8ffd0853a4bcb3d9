use leptos::prelude::*;

use crate::{error::AppError, model::talks::TalkView};

/// A talk as the caller may see it: its employee, the manager who holds it, or a manager above
/// in the reporting line (reads only). Admins are refused like anyone else who is no party
/// (403, logged). `talk.viewed` is written before any text is opened.
#[server(endpoint = "talks/detail")]
pub async fn talk_detail(talk_id: String) -> Result<TalkView, AppError> {
    use crate::core::{clock::SystemClock, talks::talk};
    let g = super::require_talk(&talk_id, super::TalkNeed::Text).await?;
    let viewer = talk::Viewer::of(&g.party).ok_or(AppError::Forbidden)?;
    talk::view(&g.tenant, &SystemClock, &g.by, &g.talk, viewer).await.map_err(super::talk_error)
}
