use leptos::prelude::*;

use crate::error::AppError;

/// One change to a template the organisation made. `op`: `rename`, `add_section`,
/// `rename_section`, `delete_section`, `up`, `down`, `add_question`, `change_question`,
/// `delete_question`, `delete` (the template). `item` names the section or question; a
/// question's `scale` is its labels one per line, lowest first (empty: answered in words).
/// Admins only; rounds already rolled out keep their questions.
#[server(endpoint = "talks/edit_template")]
#[allow(clippy::too_many_arguments)]
pub async fn edit_template(
    template_id: String,
    op: String,
    #[server(default)] item: String,
    #[server(default)] title: String,
    #[server(default)] text: String,
    #[server(default)] help: String,
    #[server(default)] answered_by: String,
    #[server(default)] scale: String,
) -> Result<(), AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            clock::SystemClock,
            talks::templates::{self, Edit, QuestionInput},
        },
        error::Problem,
        model::talks::AnsweredBy,
    };
    let page = format!(
        "/admin/talk-templates/{}",
        super::checked_id(&template_id, Problem::NoSuchTemplate).unwrap_or_default()
    );
    let result = async {
        let id = super::checked_id(&template_id, Problem::NoSuchTemplate)?;
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let (actor, origin) = (admin.actor(), crate::api::origin());
        let question = || -> Result<QuestionInput, AppError> {
            Ok(QuestionInput {
                text: text.clone(),
                help: help.clone(),
                answered_by: AnsweredBy::parse(&answered_by).ok_or(AppError::Invalid(Problem::Question))?,
                scale: scale.lines().map(str::to_string).collect(),
            })
        };
        let edit = match op.as_str() {
            "delete" => {
                return templates::delete(&tenant, &SystemClock, actor, origin, id)
                    .await
                    .map_err(super::talk_error)
                    .map(|_| true);
            }
            "rename" => Edit::Rename(title.clone()),
            "add_section" => Edit::AddSection(title.clone()),
            "rename_section" => Edit::RenameSection { section: item.clone(), title: title.clone() },
            "delete_section" => Edit::DeleteSection(item.clone()),
            "up" | "down" => Edit::Move { item: item.clone(), up: op == "up" },
            "add_question" => Edit::AddQuestion { section: item.clone(), question: question()? },
            "change_question" => Edit::ChangeQuestion { question: item.clone(), input: question()? },
            "delete_question" => Edit::DeleteQuestion(item.clone()),
            _ => return Err(AppError::BadRequest),
        };
        templates::edit(&tenant, &SystemClock, actor, origin, id, &edit).await.map_err(super::talk_error).map(|_| false)
    }
    .await;
    match result {
        Ok(true) => crate::api::answer_form_to(Ok(()), "/admin/talk-templates?done=deleted", &page),
        Ok(false) => crate::api::answer_form(Ok(()), &page, "saved"),
        Err(e) => crate::api::answer_form(Err(e), &page, "saved"),
    }
}
