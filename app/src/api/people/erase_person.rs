use leptos::prelude::*;

use crate::error::AppError;

/// Erases a person and everything about them (the person chain), with a signed receipt in the
/// erasure ledger (GDPR Art. 17), and leads to the receipt. Admins only, confirmed by typing the
/// person's personnummer again, and never the person of the admin's own account.
#[server(endpoint = "people/erase")]
pub async fn erase_person(person_id: String, #[server(default)] personnummer: String) -> Result<String, AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            clock::SystemClock,
            gdpr,
            people::access,
        },
        error::Problem,
    };
    let id = crate::api::checked_id(&person_id, Problem::NoSuchPerson)?.to_string();
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let typed = super::confirming_personnummer(&personnummer)?;
        if access::person_of(&tenant, &admin.id).await.map_err(super::people_error)?.as_deref() == Some(id.as_str()) {
            return Err(AppError::Invalid(Problem::OwnPerson));
        }
        let state = crate::api::state()?;
        let (actor, origin, person) = (admin.actor(), crate::api::origin(), id.clone());
        // Its own task: a browser that goes away mid-request cannot cut the erasure off
        // between the ledger entry and the commit.
        let erasure = tokio::spawn(async move {
            gdpr::erase(&tenant, state.tenancy.catalog(), &SystemClock, actor, origin, &person, &typed).await
        });
        let receipt = erasure.await.map_err(crate::api::internal)?.map_err(crate::api::gdpr::gdpr_error)?;
        Ok(receipt.id)
    }
    .await;
    match &result {
        Ok(receipt) => crate::api::redirect_form_post(&format!("/admin/erasures/{receipt}?done=person_erased")),
        Err(e) => crate::api::redirect_form_post(&format!("/people/{id}?{}", e.to_query())),
    }
    result
}
