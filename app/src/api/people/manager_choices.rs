use leptos::prelude::*;

use crate::{error::AppError, model::people::ManagerChoice};

/// Whom the employment form offers as manager: people linked to a manager's or an admin's
/// account, and people who manage someone now. Admins only; at most 1 000, by name.
#[server(endpoint = "people/manager_choices")]
pub async fn manager_choices() -> Result<Vec<ManagerChoice>, AppError> {
    use crate::core::auth::{guard::Need, Role};
    let (tenant, _) = crate::api::require(Need::Role(Role::Admin)).await?;
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT p.id, p.given_name, p.family_name FROM persons p WHERE \
         p.id IN (SELECT person_id FROM users WHERE role IN ('manager', 'admin') AND person_id IS NOT NULL) \
         OR p.id IN (SELECT manager_person_id FROM employments WHERE manager_person_id IS NOT NULL \
         AND start_date <= $1 AND (end_date IS NULL OR end_date >= $1)) \
         ORDER BY p.name_key, p.id LIMIT 1000",
    )
    .bind(super::today())
    .fetch_all(tenant.db().pool())
    .await
    .map_err(crate::api::internal)?;
    Ok(rows.into_iter().map(|(id, given, family)| ManagerChoice { id, name: format!("{given} {family}") }).collect())
}
