use leptos::prelude::*;

use crate::{error::AppError, model::talks::RoundView};

/// A round's progress per unit and its talks: statuses, names and dates, never a text.
/// Admins only.
#[server(endpoint = "talks/round")]
pub async fn round_detail(round_id: String) -> Result<RoundView, AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            talks::rounds,
        },
        error::Problem,
    };
    let id = super::checked_id(&round_id, Problem::NoSuchRound)?;
    let (tenant, _) = crate::api::require(Need::Role(Role::Admin)).await?;
    let today = super::org_today(&tenant).await?;
    rounds::view(&tenant, id, &today).await.map_err(super::talk_error)
}
