use leptos::prelude::*;

use crate::error::AppError;

/// Signs another account out everywhere: every session of it ends at once (ASVS 7.4.5), logged.
/// Admins only, not themselves (their own sessions are on the account page). Returns how many
/// sessions ended.
#[server(endpoint = "admin/end_sessions")]
pub async fn end_sessions(user_id: String) -> Result<u64, AppError> {
    use crate::core::{
        auth::{guard::Need, sessions, Role},
        clock::SystemClock,
        logbook::{self, Action, Event, Outcome, TargetType},
    };
    let result = async {
        let (tenant, admin) = super::super::require(Need::Role(Role::Admin)).await?;
        let user = super::super::other_account(&tenant, &admin, &user_id).await?;
        let ended = sessions::delete_all(&tenant, &user.id).await.map_err(super::super::internal)?;
        let event = Event::new(admin.actor(), Action::AuthSessionsEndedByAdmin, Outcome::Success)
            .target(TargetType::User, user.log_id())
            .origin(super::super::origin());
        logbook::record(&tenant, &SystemClock, &event).await.map_err(super::super::internal)?;
        Ok(ended)
    };
    super::super::answer_form(result.await, "/admin/users", "signed_out_everywhere")
}
