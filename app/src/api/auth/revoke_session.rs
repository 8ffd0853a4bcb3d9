use leptos::prelude::*;

use crate::error::AppError;

/// Ends one of the signed-in person's sessions, or with `all_others` every one but this.
#[server(endpoint = "auth/revoke_session")]
pub async fn revoke_session(handle: Option<String>, #[server(default)] all_others: bool) -> Result<u64, AppError> {
    use crate::core::{
        auth::{guard::Need, sessions},
        clock::SystemClock,
        logbook::{self, Action, Event, Outcome, TargetType},
    };
    let result = async {
        let (tenant, user) = super::super::require(Need::SignedIn).await?;
        let current = super::super::session().map(|s| s.cookie);
        let n = if all_others {
            sessions::delete_others(&tenant, &user.id, current.as_deref()).await.map_err(super::super::internal)?
        } else {
            let handle = handle.ok_or(AppError::BadRequest)?;
            u64::from(sessions::revoke(&tenant, &user.id, &handle).await.map_err(super::super::internal)?)
        };
        let event = Event::new(user.actor(), Action::AuthSessionRevoked, Outcome::Success)
            .target(TargetType::User, user.log_id())
            .origin(super::super::origin());
        logbook::record(&tenant, &SystemClock, &event).await.map_err(super::super::internal)?;
        Ok(n)
    };
    super::super::answer_form(result.await, "/account", "revoked")
}
