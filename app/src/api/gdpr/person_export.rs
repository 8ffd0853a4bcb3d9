use leptos::{prelude::*, server_fn::codec::StreamingText};

use crate::error::AppError;

/// Everything Samtal holds about a person (GDPR Art. 15 and 20) as one JSON file, or with
/// `format=html` as a page to read and print. Admins only, confirmed by typing the person's
/// personnummer (the request a person makes names it); logged before anything is read.
#[server(endpoint = "gdpr/export", output = StreamingText)]
pub async fn person_export(
    person_id: String,
    #[server(default)] personnummer: String,
    #[server(default)] format: String,
    #[server(default)] lang: String,
) -> Result<leptos::server_fn::codec::TextStream<AppError>, AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            clock::SystemClock,
            gdpr::{self, Requester},
        },
        error::Problem,
    };
    let id = crate::api::checked_id(&person_id, Problem::NoSuchPerson)?.to_string();
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let typed = crate::api::people::confirming_personnummer(&personnummer)?;
        gdpr::export::check_number(&tenant, &SystemClock, admin.actor(), crate::api::origin(), &id, &typed)
            .await
            .map_err(super::gdpr_error)?;
        gdpr::export(&tenant, &SystemClock, admin.actor(), crate::api::origin(), &id, Requester::Admin)
            .await
            .map_err(super::gdpr_error)
    }
    .await;
    if let Err(e) = &result {
        crate::api::redirect_form_post(&format!("/people/{id}?{}", e.to_query()));
    }
    super::send_export(result?, &format, &lang)
}

/// The signed-in person's own data, as [`person_export`] gives it to an admin, with their own
/// private notes (if they are a manager) in it too.
#[server(endpoint = "gdpr/my_data", output = StreamingText)]
pub async fn my_data(
    #[server(default)] format: String,
    #[server(default)] lang: String,
) -> Result<leptos::server_fn::codec::TextStream<AppError>, AppError> {
    use crate::core::{
        auth::guard::Need,
        clock::SystemClock,
        gdpr::{self, Requester},
        people::access,
    };
    let result = async {
        let (tenant, user) = crate::api::require(Need::SignedIn).await?;
        let person = access::person_of(&tenant, &user.id)
            .await
            .map_err(crate::api::people::people_error)?
            .ok_or(AppError::Invalid(crate::error::Problem::NoSuchPerson))?;
        let me = Requester::Themselves { account: &user.id };
        gdpr::export(&tenant, &SystemClock, user.actor(), crate::api::origin(), &person, me)
            .await
            .map_err(super::gdpr_error)
    }
    .await;
    if let Err(e) = &result {
        crate::api::redirect_form_post(&format!("/account?{}", e.to_query()));
    }
    super::send_export(result?, &format, &lang)
}
