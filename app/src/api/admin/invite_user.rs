use leptos::prelude::*;

use crate::{
    error::AppError,
    model::auth::{LinkIssued, Role},
};

/// Creates an account and hands out its one-time link to set a password (valid 24 hours, single
/// use): to the admin, or by e-mail when SMTP is configured. Admins only; logged. A plain form
/// post goes back to the users page, which shows the link (see [`super::super::answer_link_form`]).
#[server(endpoint = "admin/invite_user")]
pub async fn invite_user(email: String, display_name: String, role: Role) -> Result<LinkIssued, AppError> {
    use crate::core::{
        auth::{guard::Need, tokens::Purpose, users, AuthError, Role as R},
        clock::SystemClock,
    };
    let result = async {
        let (tenant, admin) = super::super::require(Need::Role(R::Admin)).await?;
        let user = users::create(&tenant, &SystemClock, admin.actor(), &email, &display_name, role).await.map_err(
            |e| match e {
                AuthError::DuplicateEmail => AppError::Invalid(crate::error::Problem::DuplicateEmail),
                AuthError::InvalidEmail => AppError::Invalid(crate::error::Problem::InvalidEmail),
                AuthError::InvalidName => AppError::Invalid(crate::error::Problem::InvalidName),
                e => super::super::internal(e),
            },
        )?;
        let issued = super::super::hand_out_link(&tenant, &admin, &user, Purpose::Invite).await?;
        Ok((tenant, admin, user, issued))
    };
    super::super::answer_link_form(result.await, "invited")
}
