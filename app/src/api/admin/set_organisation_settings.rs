use leptos::prelude::*;

use crate::error::AppError;

/// Sets the default language and the time zone. Admins only; logged. A plain form posts here
/// and is sent back to the settings page.
#[server(endpoint = "admin/set_organisation_settings")]
pub async fn set_organisation_settings(language: String, time_zone: String) -> Result<(), AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            clock::SystemClock,
            organisation::{self, OrganisationError},
        },
        error::Problem,
        model::lang::Lang,
    };
    let result = async {
        let (tenant, admin) = super::super::require(Need::Role(Role::Admin)).await?;
        let language = Lang::parse(&language).ok_or(AppError::Invalid(Problem::BadLanguage))?;
        organisation::set_settings(&tenant, admin.actor(), &SystemClock, language, &time_zone).await.map_err(|e| {
            match e {
                OrganisationError::TimeZone => AppError::Invalid(Problem::BadTimeZone),
                e => super::super::internal(e),
            }
        })?;
        super::super::state()?.profiles.forget(&tenant);
        Ok(())
    };
    super::super::answer_form(result.await, "/admin/organisation", "settings")
}
