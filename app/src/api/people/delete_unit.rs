use leptos::prelude::*;

use crate::error::AppError;

/// Deletes an empty unit. Admins only.
#[server(endpoint = "people/delete_unit")]
pub async fn delete_unit(unit_id: String) -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        clock::SystemClock,
        people::org,
    };
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        org::delete(&tenant, &SystemClock, admin.actor(), crate::api::origin(), &unit_id)
            .await
            .map_err(super::people_error)
    };
    crate::api::answer_form(result.await, "/admin/units", "unit_deleted")
}
