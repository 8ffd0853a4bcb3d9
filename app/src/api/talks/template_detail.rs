use leptos::prelude::*;

use crate::{error::AppError, model::talks::TemplateView};

/// One template with its sections and questions. Admins only.
#[server(endpoint = "talks/template")]
pub async fn template_detail(template_id: String) -> Result<TemplateView, AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            talks::templates,
        },
        error::Problem,
    };
    let id = super::checked_id(&template_id, Problem::NoSuchTemplate)?;
    let (tenant, _) = crate::api::require(Need::Role(Role::Admin)).await?;
    templates::get(&tenant, id).await.map_err(super::talk_error)
}
