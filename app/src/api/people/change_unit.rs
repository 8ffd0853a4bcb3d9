use leptos::prelude::*;

use crate::error::AppError;

/// Renames a unit and places it under `parent_id` (empty: at the top), never into a cycle.
/// Admins only.
#[server(endpoint = "people/change_unit")]
pub async fn change_unit(unit_id: String, name: String, parent_id: Option<String>) -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        clock::SystemClock,
        people::org,
    };
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let parent = super::blank_to_none(parent_id);
        org::change(&tenant, &SystemClock, admin.actor(), crate::api::origin(), &unit_id, &name, parent.as_deref())
            .await
            .map_err(super::people_error)
    };
    crate::api::answer_form(result.await, "/admin/units", "unit_saved")
}
