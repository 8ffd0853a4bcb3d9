use leptos::prelude::*;

use crate::error::AppError;

/// Registers a person. Admins only. Gender empty = as the personnummer says.
#[server(endpoint = "people/create")]
pub async fn create_person(
    personnummer: String,
    given_name: String,
    family_name: String,
    email: Option<String>,
    employee_number: Option<String>,
    gender: Option<String>,
) -> Result<String, AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            clock::{Clock, SystemClock},
            people::{self, NewPerson},
        },
        model::personnummer::{Day, Personnummer},
    };
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let today = Day::from_unix(SystemClock.now_ms() / 1000);
        let pnr = Personnummer::parse(&personnummer, today).map_err(|e| AppError::Invalid(super::pnr_problem(e)))?;
        let new = NewPerson {
            personnummer: pnr,
            given_name,
            family_name,
            email: super::blank_to_none(email),
            gender: super::gender_choice(gender)?,
            employee_number: super::blank_to_none(employee_number),
        };
        people::create(&tenant, &SystemClock, admin.actor(), &new).await.map_err(super::people_error)
    }
    .await;
    match &result {
        Ok(id) => crate::api::redirect_form_post(&format!("/people/{id}?done=person_created")),
        Err(e) => crate::api::redirect_form_post(&format!("/people/new?{}", e.to_query())),
    }
    result
}
