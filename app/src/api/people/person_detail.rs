use leptos::prelude::*;

use crate::{error::AppError, model::people::PersonView};

/// One person's record with their employments, for an account whose reach covers them. The
/// view is logged (`person.viewed`, ids only) before anything of it leaves the server.
#[server(endpoint = "people/detail")]
pub async fn person_detail(person_id: String) -> Result<PersonView, AppError> {
    use crate::core::{
        auth::Role,
        clock::SystemClock,
        people::{access, register},
    };
    let id = super::checked_id(&person_id)?;
    let (tenant, user) = crate::api::require_person(id).await?;
    let person = register::get(&tenant, id).await.map_err(super::people_error)?;
    register::record_view(&tenant, &SystemClock, user.actor(), crate::api::origin(), id, false)
        .await
        .map_err(super::people_error)?;
    let masked = match person.personnummer(&tenant).await {
        Ok(p) => p.masked(),
        Err(crate::core::people::PeopleError::Crypto(e)) if e.is_unreadable() => {
            super::log_unreadable(&tenant, &user, id).await;
            return Err(AppError::Unreadable);
        }
        Err(e) => return Err(super::people_error(e)),
    };
    let me = access::person_of(&tenant, &user.id).await.map_err(super::people_error)?;
    let account = if user.role == Role::Admin {
        access::account_of(&tenant, id)
            .await
            .map_err(super::people_error)?
            .map(|u| crate::model::people::AccountChoice { id: u.id, email: u.email })
    } else {
        None
    };
    Ok(PersonView {
        is_me: me.as_deref() == Some(id),
        id: person.id,
        given_name: person.given_name,
        family_name: person.family_name,
        email: person.email,
        employee_number: person.employee_number,
        gender: person.gender.as_str().to_string(),
        gender_manual: person.gender_manual,
        personnummer_masked: masked,
        employments: person
            .employments
            .into_iter()
            .map(|e| crate::model::people::EmploymentView {
                id: e.id,
                unit_id: e.unit_id,
                unit: e.unit,
                job_title: e.job_title,
                manager_id: e.manager_person_id,
                manager: e.manager,
                start_date: e.start_date,
                end_date: e.end_date,
                rate_bp: e.rate_bp,
                monthly_salary_ore: e.monthly_salary_ore,
            })
            .collect(),
        can_edit: user.role == Role::Admin,
        account,
    })
}
