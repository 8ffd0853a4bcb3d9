//! The organisation's profile, stored in the tenant's own database.
use crate::core::{clock::now_ms, db::DbError, tenancy::Tenant};

pub async fn name(tenant: &Tenant) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar("SELECT name FROM organisation WHERE id = 1")
        .fetch_optional(tenant.db().pool())
        .await?)
}

pub async fn set_name(tenant: &Tenant, name: &str) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO organisation (id, name, created_at) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name",
    )
    .bind(name)
    .bind(now_ms())
    .execute(tenant.db().pool())
    .await?;
    Ok(())
}
