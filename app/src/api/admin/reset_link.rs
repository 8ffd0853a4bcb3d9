use leptos::prelude::*;

use crate::{error::AppError, model::auth::LinkIssued};

/// Issues a one-time password-reset link (24 hours, single use; earlier unused links of the
/// account stop working) for the admin to hand over. Admins only, not for themselves (they use
/// the account page); logged. E-mailed too when SMTP is configured.
#[server(endpoint = "admin/reset_link")]
pub async fn reset_link(user_id: String) -> Result<LinkIssued, AppError> {
    use crate::core::{
        auth::{guard::Need, tokens, Role},
        clock::SystemClock,
        logbook::{self, Action, Event, Outcome, TargetType},
    };
    let (tenant, admin) = super::super::require(Need::Role(Role::Admin)).await?;
    let user = super::super::other_account(&tenant, &admin, &user_id, "make a reset link for").await?;
    let token = tokens::issue(&tenant, &SystemClock, &user, tokens::Purpose::Reset).await.map_err(super::super::internal)?;
    let event = Event::new(admin.actor(), Action::AuthResetLinkIssued, Outcome::Success)
        .target(TargetType::User, user.log_id())
        .origin(super::super::origin());
    logbook::record(&tenant, &SystemClock, &event).await.map_err(super::super::internal)?;
    Ok(super::super::hand_out_link(&tenant, &user, &token, crate::core::mail::LinkMail::Reset).await)
}
