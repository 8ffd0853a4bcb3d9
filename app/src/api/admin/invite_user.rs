use leptos::prelude::*;

use crate::{error::AppError, model::auth::{LinkIssued, Role}};

/// Creates an account and returns its one-time link to set a password (valid 24 hours, single
/// use) for the admin to hand over; with SMTP configured it is e-mailed too. Admins only.
#[server(endpoint = "admin/invite_user")]
pub async fn invite_user(email: String, display_name: String, role: Role) -> Result<LinkIssued, AppError> {
    use crate::core::{
        auth::{guard::Need, tokens, users, AuthError, Role as R},
        clock::SystemClock,
        logbook::{self, Action, Event, Outcome, TargetType},
    };
    let (tenant, admin) = super::super::require(Need::Role(R::Admin)).await?;
    let user = users::create(&tenant, &SystemClock, admin.actor(), &email, &display_name, role)
        .await
        .map_err(|e| match e {
            AuthError::DuplicateEmail | AuthError::InvalidEmail | AuthError::InvalidName => super::super::sentence(e),
            e => super::super::internal(e),
        })?;
    let token = tokens::issue(&tenant, &SystemClock, &user, tokens::Purpose::Invite).await.map_err(super::super::internal)?;
    let event = Event::new(admin.actor(), Action::UserInvited, Outcome::Success)
        .target(TargetType::User, user.log_id())
        .origin(super::super::origin());
    logbook::record(&tenant, &SystemClock, &event).await.map_err(super::super::internal)?;
    Ok(super::super::hand_out_link(&tenant, &user, &token, crate::core::mail::LinkMail::Invite).await)
}
