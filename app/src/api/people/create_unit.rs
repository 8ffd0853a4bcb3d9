use leptos::prelude::*;

use crate::error::AppError;

/// A new unit at the top or under `parent_id`. Admins only.
#[server(endpoint = "people/create_unit")]
pub async fn create_unit(name: String, parent_id: Option<String>) -> Result<String, AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        clock::SystemClock,
        people::org,
    };
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let parent = super::blank_to_none(parent_id);
        org::create(&tenant, &SystemClock, admin.actor(), crate::api::origin(), &name, parent.as_deref())
            .await
            .map_err(super::people_error)
    };
    crate::api::answer_form(result.await, "/admin/units", "unit_created")
}
