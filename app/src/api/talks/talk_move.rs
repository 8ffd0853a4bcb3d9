use leptos::prelude::*;

use crate::{error::AppError, model::talks::Status};

/// Moves a talk's status (`action`: `start`, `ask`, `withdraw` by the manager who holds it;
/// `sign_off`, `send_back` by its employee), if the talk is still at `version`. The sign-off
/// locks the talk.
#[server(endpoint = "talks/move")]
pub async fn talk_move(
    talk_id: String,
    action: String,
    version: i64,
    #[server(default)] comment: Option<String>,
) -> Result<Status, AppError> {
    use crate::{
        core::{
            clock::SystemClock,
            talks::{moves::Move, talk, TalkError},
        },
        error::Problem,
        model::talks::Side,
    };
    let result = async {
        let m = Move::parse(&action).ok_or(AppError::BadRequest)?;
        let need = if m.by() == Side::Manager { super::TalkNeed::Manager } else { super::TalkNeed::Employee };
        let g = super::require_talk(&talk_id, need).await?;
        match talk::make_move(&g.tenant, &SystemClock, &g.by, &g.talk, m, version, comment.as_deref()).await {
            Err(TalkError::InvalidAnswer) if m == Move::SendBack => Err(AppError::Invalid(Problem::CommentNeeded)),
            other => other.map_err(super::talk_error),
        }
    }
    .await;
    let back = super::talk_page(super::checked_id(&talk_id, Problem::NoSuchTalk).unwrap_or_default());
    crate::api::answer_form(result, &back, "moved")
}
