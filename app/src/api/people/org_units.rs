use leptos::prelude::*;

use crate::{error::AppError, model::people::UnitView};

/// The organisation's units as a tree (parents first, depth given), with head counts. Admins
/// only: a manager reaches their line's people, not the whole organisation's numbers.
#[server(endpoint = "people/units")]
pub async fn org_units() -> Result<Vec<UnitView>, AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        people::org,
    };
    let (tenant, _) = crate::api::require(Need::Role(Role::Admin)).await?;
    let tree = org::tree(&tenant, &super::today()).await.map_err(super::people_error)?;
    Ok(tree
        .into_iter()
        .map(|(depth, u)| UnitView {
            id: u.id,
            name: u.name,
            parent_id: u.parent_id,
            depth: u32::try_from(depth).unwrap_or(u32::MAX),
            people: u.people,
        })
        .collect())
}
