use leptos::prelude::*;

use crate::error::AppError;

/// Finds a person by personnummer (exact, through the blind index) and answers with their page.
/// Someone outside the account's reach is "not found", the same as someone not registered, so
/// the search tells nobody who else is in the register. The number is never put in an address.
#[server(endpoint = "people/find")]
pub async fn find_person(personnummer: String) -> Result<String, AppError> {
    use crate::{
        core::{
            auth::guard::{self, Need},
            clock::{Clock, SystemClock},
            people::{self, access},
        },
        error::Problem,
        model::personnummer::{Day, Personnummer},
    };
    let result = async {
        let (tenant, user) = crate::api::require(Need::SignedIn).await?;
        let today = Day::from_unix(SystemClock.now_ms() / 1000);
        let pnr = Personnummer::parse(&personnummer, today).map_err(|e| AppError::Invalid(super::pnr_problem(e)))?;
        let id = people::find_by_personnummer(&tenant, &SystemClock, &pnr).await.map_err(super::people_error)?;
        let reach = access::reach(&tenant, &user, &super::today()).await.map_err(super::people_error)?;
        match id {
            Some(id) if guard::require(Some(&user), Need::Person(&id, &reach)).is_ok() => Ok(id),
            _ => Err(AppError::Invalid(Problem::NoSuchPerson)),
        }
    }
    .await;
    match &result {
        Ok(id) => crate::api::redirect_form_post(&format!("/people/{id}")),
        Err(e) => crate::api::redirect_form_post(&format!("/people?{}", e.to_query())),
    }
    result
}
