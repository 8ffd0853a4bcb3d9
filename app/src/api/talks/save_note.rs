use leptos::prelude::*;

use crate::error::AppError;

/// Saves the shared notes, the agreed actions or the caller's private notes (`kind`: `notes`,
/// `actions`, `private`) over `version` (the one the page was given; 0 when none yet). The
/// manager who holds the talk only. Answers the new version. A save over an older version
/// writes nothing and is refused as [`Problem::SaveConflict`], so two tabs never silently
/// overwrite each other.
///
/// [`Problem::SaveConflict`]: crate::error::Problem::SaveConflict
#[server(endpoint = "talks/save_note")]
pub async fn save_note(talk_id: String, kind: String, version: i64, text: String) -> Result<i64, AppError> {
    use crate::{
        core::{clock::SystemClock, talks::talk},
        error::Problem,
        model::talks::Note,
    };
    let result = async {
        let note = Note::parse(&kind).ok_or(AppError::BadRequest)?;
        let g = super::require_talk(&talk_id, super::TalkNeed::Manager).await?;
        super::take_save(&g)?;
        talk::save_note(&g.tenant, &SystemClock, &g.by, &g.talk, note, version, &text).await.map_err(super::talk_error)
    }
    .await;
    let back = super::talk_page(super::checked_id(&talk_id, Problem::NoSuchTalk).unwrap_or_default());
    crate::api::answer_form(result, &back, "saved")
}
