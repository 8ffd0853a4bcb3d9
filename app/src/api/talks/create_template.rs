use leptos::prelude::*;

use crate::error::AppError;

/// A new template named `title`: empty, or a copy of `from` (a ready template is changed by
/// copying it). A plain form goes on to the new template's page. Admins only.
#[server(endpoint = "talks/create_template")]
pub async fn create_template(title: String, #[server(default)] from: Option<String>) -> Result<String, AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            clock::SystemClock,
            talks::templates,
        },
        error::Problem,
    };
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let from = match crate::api::people::blank_to_none(from) {
            Some(f) => Some(super::checked_id(&f, Problem::NoSuchTemplate)?.to_string()),
            None => None,
        };
        templates::create(&tenant, &SystemClock, admin.actor(), crate::api::origin(), &title, from.as_deref())
            .await
            .map_err(super::talk_error)
    }
    .await;
    let to = result.as_ref().map(|id| format!("/admin/talk-templates/{id}?done=created")).unwrap_or_default();
    crate::api::answer_form_to(result, &to, "/admin/talk-templates")
}
