use leptos::prelude::*;

use crate::{error::AppError, model::people::AccountChoice};

/// Links a sign-in account to a person (what it may see follows from the person's place in the
/// reporting line), or, with no account chosen, unlinks the person's account. Admins only.
#[server(endpoint = "people/link_account")]
pub async fn link_account(person_id: String, user_id: Option<String>) -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        clock::SystemClock,
        people::access,
    };
    let id = super::checked_id(&person_id)?.to_string();
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        match super::blank_to_none(user_id) {
            Some(user) => access::link_account(&tenant, &SystemClock, admin.actor(), &user, Some(&id)).await,
            None => match access::account_of(&tenant, &id).await {
                Ok(Some(account)) => {
                    access::link_account(&tenant, &SystemClock, admin.actor(), &account.id, None).await
                }
                Ok(None) => Ok(()),
                Err(e) => Err(e),
            },
        }
        .map_err(super::people_error)
    };
    crate::api::answer_form(result.await, &format!("/people/{id}"), "person_saved")
}

/// Accounts linked to no person yet, by e-mail, for the link form. Admins only.
#[server(endpoint = "people/unlinked_accounts")]
pub async fn unlinked_accounts() -> Result<Vec<AccountChoice>, AppError> {
    use crate::core::auth::{guard::Need, Role};
    let (tenant, _) = crate::api::require(Need::Role(Role::Admin)).await?;
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, email FROM users WHERE person_id IS NULL ORDER BY email_norm LIMIT 1000")
            .fetch_all(tenant.db().pool())
            .await
            .map_err(crate::api::internal)?;
    Ok(rows.into_iter().map(|(id, email)| AccountChoice { id, email }).collect())
}
