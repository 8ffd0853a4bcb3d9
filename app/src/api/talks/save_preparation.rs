use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One answer as a form sends it: `answers[<question>][text]`, `answers[<question>][rating]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub rating: Option<String>,
}

/// Saves the caller's own preparation (the employee's, or the manager's who holds the talk)
/// over `version`, and with `ready=yes` marks it ready in the same step (so the button that
/// says "save and mark ready" cannot lose what was typed). Refused once that side is ready.
#[server(endpoint = "talks/save_preparation")]
pub async fn save_preparation(
    talk_id: String,
    version: i64,
    #[server(default)] answers: BTreeMap<String, AnswerForm>,
    #[server(default)] ready: Option<String>,
) -> Result<i64, AppError> {
    use crate::{
        core::{
            clock::SystemClock,
            talks::{access, talk},
        },
        error::Problem,
        model::talks::{Answer, Preparation},
    };
    let result = async {
        let g = super::require_talk(&talk_id, super::TalkNeed::Party).await?;
        super::take_save(&g)?;
        let side = access::side(&g.party).ok_or(AppError::Forbidden)?;
        let mut prep = Preparation::new();
        for (q, a) in answers {
            let rating = match a.rating.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(r) => Some(r.parse::<u8>().map_err(|_| AppError::Invalid(Problem::InvalidAnswer))?),
            };
            prep.insert(q, Answer { text: a.text.unwrap_or_default(), rating });
        }
        let ready = ready.as_deref() == Some("yes");
        talk::save_preparation(&g.tenant, &SystemClock, &g.by, &g.talk, side, version, prep, ready)
            .await
            .map_err(super::talk_error)
    }
    .await;
    let back = super::talk_page(super::checked_id(&talk_id, Problem::NoSuchTalk).unwrap_or_default());
    crate::api::answer_form(result, &back, "saved")
}
