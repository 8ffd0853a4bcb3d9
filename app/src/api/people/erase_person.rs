use leptos::prelude::*;

use crate::error::AppError;

/// Erases a person and everything about them (the person chain). Admins only, with the box
/// ticked, and never the person of the admin's own account.
#[server(endpoint = "people/erase")]
pub async fn erase_person(person_id: String, confirm: Option<String>) -> Result<(), AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            clock::SystemClock,
            people::{access, register},
        },
        error::Problem,
    };
    let id = super::checked_id(&person_id)?.to_string();
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        if confirm.as_deref() != Some("yes") {
            return Err(AppError::Invalid(Problem::ConfirmErase));
        }
        if access::person_of(&tenant, &admin.id).await.map_err(super::people_error)?.as_deref() == Some(id.as_str()) {
            return Err(AppError::Invalid(Problem::OwnPerson));
        }
        register::erase(&tenant, &SystemClock, admin.actor(), crate::api::origin(), &id)
            .await
            .map_err(super::people_error)
    }
    .await;
    match &result {
        Ok(()) => crate::api::redirect_form_post("/people?done=person_erased"),
        Err(e) => crate::api::redirect_form_post(&format!("/people/{id}?{}", e.to_query())),
    }
    result
}
