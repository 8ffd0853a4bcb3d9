use leptos::prelude::*;

use crate::{error::AppError, model::auth::UserView};

/// Every account of the organisation. Admins only.
#[server(endpoint = "admin/list_users")]
pub async fn list_users() -> Result<Vec<UserView>, AppError> {
    use crate::core::auth::{guard::Need, users, Role};
    let (tenant, _) = super::super::require(Need::Role(Role::Admin)).await?;
    let list = users::list(&tenant).await.map_err(super::super::internal)?;
    Ok(list
        .into_iter()
        .map(|u| UserView {
            active: u.status == users::Status::Active,
            has_password: u.password_hash.is_some(),
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            role: u.role,
        })
        .collect())
}
