use leptos::prelude::*;

use crate::error::AppError;

/// Changes an employment (an end date ends it). Admins only.
#[server(endpoint = "people/change_employment")]
#[allow(clippy::too_many_arguments)]
pub async fn change_employment(
    employment_id: String,
    unit_id: String,
    job_title: String,
    manager_id: Option<String>,
    start_date: String,
    end_date: Option<String>,
    rate: String,
    monthly_salary: String,
) -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        clock::SystemClock,
        people::employment,
    };
    let id = super::checked_id(&employment_id)?.to_string();
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let person = employment::owner(&tenant, &id).await.map_err(super::people_error)?;
        let input =
            super::employment_input(unit_id, job_title, manager_id, start_date, end_date, &rate, &monthly_salary)?;
        employment::change(&tenant, &SystemClock, admin.actor(), crate::api::origin(), &id, &input)
            .await
            .map_err(super::people_error)
            .map(|()| person)
    }
    .await;
    match &result {
        Ok(person) => crate::api::redirect_form_post(&format!("/people/{person}?done=employment_saved")),
        Err(e) => crate::api::redirect_form_post(&format!("/people?{}", e.to_query())),
    }
    result.map(|_| ())
}
