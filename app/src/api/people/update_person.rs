use leptos::prelude::*;

use crate::error::AppError;

/// Changes a person's names, e-mail, employee number and gender. Admins only.
#[server(endpoint = "people/update")]
pub async fn update_person(
    person_id: String,
    given_name: String,
    family_name: String,
    email: Option<String>,
    employee_number: Option<String>,
    gender: Option<String>,
) -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        clock::SystemClock,
        people::register::{self, PersonEdit},
    };
    let id = super::checked_id(&person_id)?.to_string();
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let edit = PersonEdit {
            given_name,
            family_name,
            email: super::blank_to_none(email),
            gender: super::gender_choice(gender)?,
            employee_number: super::blank_to_none(employee_number),
        };
        register::update(&tenant, &SystemClock, admin.actor(), crate::api::origin(), &id, &edit)
            .await
            .map_err(super::people_error)
    };
    let back = format!("/people/{id}");
    crate::api::answer_form(result.await, &back, "person_saved")
}
