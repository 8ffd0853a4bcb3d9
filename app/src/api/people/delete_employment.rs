use leptos::prelude::*;

use crate::error::AppError;

/// Removes an employment entered by mistake (an employment that ended gets an end date
/// instead). Admins only.
#[server(endpoint = "people/delete_employment")]
pub async fn delete_employment(employment_id: String) -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        clock::SystemClock,
        people::employment,
    };
    let id = super::checked_id(&employment_id)?.to_string();
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let person = employment::owner(&tenant, &id).await.map_err(super::people_error)?;
        employment::delete(&tenant, &SystemClock, admin.actor(), crate::api::origin(), &id)
            .await
            .map_err(super::people_error)
            .map(|()| person)
    }
    .await;
    match &result {
        Ok(person) => crate::api::redirect_form_post(&format!("/people/{person}?done=employment_deleted")),
        Err(e) => crate::api::redirect_form_post(&format!("/people?{}", e.to_query())),
    }
    result.map(|_| ())
}
