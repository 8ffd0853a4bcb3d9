use leptos::prelude::*;

use crate::error::AppError;

/// Adds an employment to a person. Admins only. The rate is a percentage (`62,5`), the salary
/// an amount in SEK (`45 000`).
#[server(endpoint = "people/add_employment")]
#[allow(clippy::too_many_arguments)]
pub async fn add_employment(
    person_id: String,
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
    let id = super::checked_id(&person_id)?.to_string();
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let input =
            super::employment_input(unit_id, job_title, manager_id, start_date, end_date, &rate, &monthly_salary)?;
        employment::add(&tenant, &SystemClock, admin.actor(), crate::api::origin(), &id, &input)
            .await
            .map(|_| ())
            .map_err(super::people_error)
    };
    crate::api::answer_form(result.await, &format!("/people/{id}"), "employment_saved")
}
