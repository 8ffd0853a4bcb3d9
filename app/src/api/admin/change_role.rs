use leptos::prelude::*;

use crate::{error::AppError, model::auth::Role};

/// Gives an account another role; its sessions end. Admins only, and not on themselves (an
/// organisation must not lose its last admin by accident).
#[server(endpoint = "admin/change_role")]
pub async fn change_role(user_id: String, role: Role) -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, users, Role as R},
        clock::SystemClock,
    };
    let result = async {
        let (tenant, admin) = super::super::require(Need::Role(R::Admin)).await?;
        let user = super::super::other_account(&tenant, &admin, &user_id).await?;
        users::set_role(&tenant, &SystemClock, admin.actor(), &user, role)
            .await
            .map_err(super::super::last_admin_or_internal)
    };
    super::super::answer_form(result.await, "/admin/users", "role")
}
