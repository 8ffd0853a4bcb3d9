use leptos::prelude::*;

use crate::error::AppError;

/// Raises (or lowers, never below 12) the minimum password length; applies to the next password
/// anyone sets. Admins only; logged.
#[server(endpoint = "admin/set_password_policy")]
pub async fn set_password_policy(min_len: u32) -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        clock::SystemClock,
        organisation::{self, OrganisationError},
    };
    let result = async {
        let (tenant, admin) = super::super::require(Need::Role(Role::Admin)).await?;
        let len = usize::try_from(min_len).map_err(|_| AppError::BadRequest)?;
        organisation::set_min_password_len(&tenant, admin.actor(), &SystemClock, len).await.map_err(|e| match e {
            OrganisationError::MinPasswordLen => AppError::Invalid(crate::error::Problem::MinPasswordLen),
            e => super::super::internal(e),
        })
    };
    super::super::answer_form(result.await, "/admin/users", "policy")
}
