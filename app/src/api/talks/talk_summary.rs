use leptos::prelude::*;

use crate::{error::AppError, model::talks::TalkView};

/// A completed talk for its printable summary (the same access as the talk). A talk not yet
/// signed off has no summary: refused before any text is opened or a view logged.
#[server(endpoint = "talks/summary")]
pub async fn talk_summary(talk_id: String) -> Result<TalkView, AppError> {
    use crate::{
        core::{clock::SystemClock, talks::talk},
        error::Problem,
        model::talks::Status,
    };
    let g = super::require_talk(&talk_id, super::TalkNeed::Text).await?;
    if g.talk.status != Status::Completed {
        return Err(AppError::Invalid(Problem::NotSignedYet));
    }
    let viewer = talk::Viewer::of(&g.party).ok_or(AppError::Forbidden)?;
    talk::view(&g.tenant, &SystemClock, &g.by, &g.talk, viewer).await.map_err(super::talk_error)
}
