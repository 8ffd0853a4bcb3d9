//! Server-side sessions in the tenant's database. The mechanism — cookie, id, its lifecycle — is
//! tower-sessions' (see [`super::session_store`]); the rows are here. The cookie holds a 128-bit
//! random id (tower-sessions' `Id`, from a CSPRNG); the table holds only its SHA-256, so a copy of
//! the database cannot be used to sign in.
use std::net::IpAddr;

use sqlx::Row;

use super::{token_hash, users, AuthError, SessionLimits};
use crate::core::{
    clock::Clock,
    logbook::{Action, Actor, Event, Outcome, TargetType},
    tenancy::Tenant,
};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionInfo {
    /// A handle for listing and revoking: the first 16 hex digits of the stored hash.
    pub handle: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub current: bool,
}

/// The most sessions one account keeps; a new one ends the least recently used beyond this.
pub const MAX_PER_ACCOUNT: i64 = 20;

/// Starts a session for `user_id` with a fresh id; returns the cookie value.
pub async fn create(
    tenant: &Tenant,
    clock: &dyn Clock,
    user_id: &str,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
) -> Result<String, AuthError> {
    loop {
        let id = tower_sessions::session::Id::default().to_string();
        if insert(tenant, clock, &id, user_id, ip, user_agent).await? {
            return Ok(id);
        }
    }
}

/// Stores a new session under `id` (a cookie value). `Ok(false)` when the id is taken (a
/// collision, which the caller answers with a new id), so a session is never overwritten.
pub async fn insert(
    tenant: &Tenant,
    clock: &dyn Clock,
    id: &str,
    user_id: &str,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
) -> Result<bool, AuthError> {
    let now = clock.now_ms();
    let ua: Option<String> = user_agent.map(|u| u.chars().filter(|c| !c.is_control()).take(200).collect());
    let mut tx = tenant.db().pool().begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash(id))
    .bind(user_id)
    .bind(now)
    .bind(now)
    .bind(ip.map(|i| i.to_string()))
    .bind(ua)
    .execute(&mut *tx)
    .await;
    if let Err(e) = inserted {
        let e = crate::core::db::DbError::from(e);
        return if e.is_unique_violation() { Ok(false) } else { Err(AuthError::Db(e)) };
    }
    // Bounded per account, so repeated sign-ins (a script, a flood with a stolen password) cannot
    // grow the table without end: the least recently used sessions beyond the limit end, logged.
    let evicted = sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND id_hash NOT IN \
         (SELECT id_hash FROM sessions WHERE user_id = $1 ORDER BY last_seen_at DESC, created_at DESC, id_hash DESC LIMIT $2)",
    )
    .bind(user_id)
    .bind(MAX_PER_ACCOUNT)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if evicted > 0 {
        let mut event = Event::new(Actor::System, Action::AuthSessionEvicted, Outcome::Success);
        // Account ids are ours (random hex), so this always holds.
        if let Ok(id) = crate::core::logbook::Id::parse(user_id) {
            event = event.target(TargetType::User, id);
        }
        crate::core::logbook::append(&mut tx, tenant, clock, &event).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The active user behind a cookie value, or `None` (unknown, expired, idle too long, account
/// disabled). An expired session is deleted on the spot.
pub async fn load(
    tenant: &Tenant,
    clock: &dyn Clock,
    limits: SessionLimits,
    cookie: &str,
) -> Result<Option<users::User>, AuthError> {
    let hash = token_hash(cookie);
    // One query per request: the session and its account together.
    let row = sqlx::query(&format!(
        "SELECT s.created_at AS session_created, s.last_seen_at AS session_seen, {} \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
        users::COLS
    ))
    .bind(&hash)
    .fetch_optional(tenant.db().pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (created, seen): (i64, i64) = (row.try_get("session_created")?, row.try_get("session_seen")?);
    let user = users::row_to_user(&row)?;
    let now = clock.now_ms();
    let expired = now - seen > limits.idle.as_millis() as i64 || now - created > limits.absolute.as_millis() as i64;
    if expired || user.status != users::Status::Active {
        delete_hash(tenant, &hash).await?;
        return Ok(None);
    }
    // Writing on every request would serialise reads on SQLite; a minute's precision is enough
    // for a 30-minute idle limit.
    if now - seen > 60_000 {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(&hash)
            .execute(tenant.db().pool())
            .await?;
    }
    Ok(Some(user))
}

pub async fn delete(tenant: &Tenant, cookie: &str) -> Result<(), AuthError> {
    delete_hash(tenant, &token_hash(cookie)).await
}

async fn delete_hash(tenant: &Tenant, hash: &str) -> Result<(), AuthError> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(hash).execute(tenant.db().pool()).await?;
    Ok(())
}

/// Ends every session of the account except `keep` (the cookie value of the current one).
pub async fn delete_others(tenant: &Tenant, user_id: &str, keep: Option<&str>) -> Result<u64, AuthError> {
    let keep = keep.map(token_hash).unwrap_or_default();
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(tenant.db().pool())
        .await?;
    Ok(done.rows_affected())
}

/// Ends every session of the account (an admin's "sign out everywhere" for someone else).
pub async fn delete_all(tenant: &Tenant, user_id: &str) -> Result<u64, AuthError> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(tenant.db().pool()).await?;
    Ok(done.rows_affected())
}

/// Ends one session of the account by its handle.
pub async fn revoke(tenant: &Tenant, user_id: &str, handle: &str) -> Result<bool, AuthError> {
    if handle.len() != 16 || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(false);
    }
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND substr(id_hash, 1, 16) = $2")
        .bind(user_id)
        .bind(handle)
        .execute(tenant.db().pool())
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn list(tenant: &Tenant, user_id: &str, current: Option<&str>) -> Result<Vec<SessionInfo>, AuthError> {
    let current = current.map(token_hash).unwrap_or_default();
    let rows = sqlx::query(
        "SELECT id_hash, created_at, last_seen_at, ip, user_agent FROM sessions WHERE user_id = $1 ORDER BY last_seen_at DESC",
    )
    .bind(user_id)
    .fetch_all(tenant.db().pool())
    .await?;
    rows.iter()
        .map(|r| {
            let hash: String = r.try_get("id_hash")?;
            Ok(SessionInfo {
                handle: hash[..16].to_string(),
                created_at: r.try_get("created_at")?,
                last_seen_at: r.try_get("last_seen_at")?,
                ip: r.try_get("ip")?,
                user_agent: r.try_get("user_agent")?,
                current: hash == current,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AuthError::from)
}
