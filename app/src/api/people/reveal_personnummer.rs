use leptos::prelude::*;

use crate::error::AppError;

/// A person's whole personnummer, for an admin who asks on that person's page. Logged
/// (`person.personnummer.revealed`, ids only) before it is returned; never put in an address.
#[server(endpoint = "people/reveal")]
pub async fn reveal_personnummer(person_id: String) -> Result<String, AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        clock::SystemClock,
        people::{self, register},
    };
    let id = super::checked_id(&person_id)?;
    let (tenant, user) = crate::api::require(Need::Role(Role::Admin)).await?;
    let pnr = match people::personnummer(&tenant, id).await {
        Ok(p) => p,
        Err(people::PeopleError::Crypto(e)) if e.is_unreadable() => {
            super::log_unreadable(&tenant, &user, id).await;
            return Err(AppError::Unreadable);
        }
        Err(e) => return Err(super::people_error(e)),
    };
    register::record_view(&tenant, &SystemClock, user.actor(), crate::api::origin(), id, true)
        .await
        .map_err(super::people_error)?;
    Ok(pnr.formatted())
}
