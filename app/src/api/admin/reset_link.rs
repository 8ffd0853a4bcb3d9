use leptos::prelude::*;

use crate::{error::AppError, model::auth::LinkIssued};

/// Hands out a one-time password-reset link (24 hours, single use; earlier unused links of the
/// account stop working): to the admin, or by e-mail when SMTP is configured. Admins only, not
/// for themselves (they use the account page); logged. A plain form post goes back to the users
/// page, which shows the link.
#[server(endpoint = "admin/reset_link")]
pub async fn reset_link(user_id: String) -> Result<LinkIssued, AppError> {
    use crate::core::auth::{guard::Need, tokens::Purpose, Role};
    let result = async {
        let (tenant, admin) = super::super::require(Need::Role(Role::Admin)).await?;
        let user = super::super::other_account(&tenant, &admin, &user_id).await?;
        let issued = super::super::hand_out_link(&tenant, &admin, &user, Purpose::Reset).await?;
        Ok((tenant, admin, user, issued))
    };
    super::super::answer_link_form(result.await, "reset_link")
}
