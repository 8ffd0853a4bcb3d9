//! Accounts in the tenant's database. Every change that matters is logged in the same
//! transaction.
use sqlx::Row;

use super::{new_id, password, AuthError, Role};
use crate::core::{
    clock::Clock,
    logbook::{self, Action, Actor, Event, Id, Outcome, TargetType},
    tenancy::Tenant,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Status {
    Active,
    Disabled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub status: Status,
    pub password_hash: Option<String>,
}

impl User {
    /// This account as the UI sees it.
    pub fn me(&self) -> crate::model::auth::Me {
        crate::model::auth::Me { user_id: self.id.clone(), display_name: self.display_name.clone(), role: self.role }
    }
    pub fn log_id(&self) -> Id {
        // ids are 32 hex characters: always a valid logbook id.
        Id::parse(&self.id).unwrap_or_else(|_| Id::from_seq(0))
    }
    pub fn actor(&self) -> Actor {
        Actor::User(self.log_id())
    }
}

/// Lowercased and trimmed; refuses what is clearly not an address.
pub fn normalize_email(email: &str) -> Result<String, AuthError> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'))
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(e)
    } else {
        Err(AuthError::InvalidEmail)
    }
}

pub(super) fn row_to_user(r: &sqlx::any::AnyRow) -> Result<User, sqlx::Error> {
    let role: String = r.try_get("role")?;
    let status: String = r.try_get("status")?;
    Ok(User {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        display_name: r.try_get("display_name")?,
        role: Role::parse(&role).unwrap_or(Role::Employee),
        status: if status == "active" { Status::Active } else { Status::Disabled },
        password_hash: r.try_get("password_hash")?,
    })
}

/// The account columns, unambiguous next to `sessions` too (sessions load both in one query).
pub(super) const COLS: &str = "id, email, display_name, role, status, password_hash";

pub async fn by_email(tenant: &Tenant, email: &str) -> Result<Option<User>, AuthError> {
    let Ok(norm) = normalize_email(email) else { return Ok(None) };
    let row = sqlx::query(&format!("SELECT {COLS} FROM users WHERE email_norm = $1"))
        .bind(norm)
        .fetch_optional(tenant.db().pool())
        .await?;
    Ok(row.as_ref().map(row_to_user).transpose()?)
}

pub async fn by_id(tenant: &Tenant, id: &str) -> Result<Option<User>, AuthError> {
    let row = sqlx::query(&format!("SELECT {COLS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(tenant.db().pool())
        .await?;
    Ok(row.as_ref().map(row_to_user).transpose()?)
}

pub async fn list(tenant: &Tenant) -> Result<Vec<User>, AuthError> {
    let rows =
        sqlx::query(&format!("SELECT {COLS} FROM users ORDER BY email_norm")).fetch_all(tenant.db().pool()).await?;
    Ok(rows.iter().map(row_to_user).collect::<Result<_, _>>()?)
}

/// Creates an active account without a password (it gets one through a one-time link).
pub async fn create(
    tenant: &Tenant,
    clock: &dyn Clock,
    by: Actor,
    email: &str,
    display_name: &str,
    role: Role,
) -> Result<User, AuthError> {
    let norm = normalize_email(email)?;
    let name = display_name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(AuthError::InvalidName);
    }
    let id = new_id()?;
    let now = clock.now_ms();
    let mut tx = tenant.db().pool().begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, email_norm, display_name, role, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'active', $6, $7)",
    )
    .bind(&id)
    .bind(email.trim())
    .bind(&norm)
    .bind(name)
    .bind(role.as_str())
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await;
    if let Err(e) = inserted {
        let e = crate::core::db::DbError::from(e);
        return Err(if e.is_unique_violation() { AuthError::DuplicateEmail } else { AuthError::Db(e) });
    }
    let user = User {
        id,
        email: email.trim().into(),
        display_name: name.into(),
        role,
        status: Status::Active,
        password_hash: None,
    };
    let event = Event::new(by, Action::UserCreated, Outcome::Success).target(TargetType::User, user.log_id());
    logbook::append(&mut tx, tenant, clock, &event).await?;
    tx.commit().await?;
    Ok(user)
}

/// Changes a role; the account's sessions end, so the new role starts with a new session.
/// Refused when it would leave the organisation without an active admin.
pub async fn set_role(tenant: &Tenant, clock: &dyn Clock, by: Actor, user: &User, role: Role) -> Result<(), AuthError> {
    let mut tx = tenant.db().pool().begin().await?;
    let admins_before = lock_admins(&mut tx).await?;
    sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
        .bind(role.as_str())
        .bind(clock.now_ms())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    keep_an_admin(&mut tx, admins_before).await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(&user.id).execute(&mut *tx).await?;
    let event = Event::new(by, Action::UserRoleChanged, Outcome::Success).target(TargetType::User, user.log_id());
    logbook::append(&mut tx, tenant, clock, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Disables or enables an account; disabling ends its sessions at once. Refused when it would
/// leave the organisation without an active admin.
pub async fn set_enabled(
    tenant: &Tenant,
    clock: &dyn Clock,
    by: Actor,
    user: &User,
    enabled: bool,
) -> Result<(), AuthError> {
    let mut tx = tenant.db().pool().begin().await?;
    let admins_before = lock_admins(&mut tx).await?;
    sqlx::query("UPDATE users SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(if enabled { "active" } else { "disabled" })
        .bind(clock.now_ms())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    keep_an_admin(&mut tx, admins_before).await?;
    if !enabled {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(&user.id).execute(&mut *tx).await?;
    }
    let action = if enabled { Action::UserEnabled } else { Action::UserDisabled };
    let event = Event::new(by, action, Outcome::Success).target(TargetType::User, user.log_id());
    logbook::append(&mut tx, tenant, clock, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Locks every active admin's row (PostgreSQL row locks; SQLite's write lock) before anything is
/// read, so two changes that each leave "another" admin cannot both commit: the second waits and
/// then counts what the first left. Returns how many active admins there were.
async fn lock_admins(tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<u64, AuthError> {
    let locked = sqlx::query("UPDATE users SET updated_at = updated_at WHERE role = 'admin' AND status = 'active'")
        .execute(&mut **tx)
        .await?;
    Ok(locked.rows_affected())
}

/// Fails (and so rolls the transaction back) when the change left no active admin where there
/// was one.
async fn keep_an_admin(tx: &mut sqlx::Transaction<'static, sqlx::Any>, before: u64) -> Result<(), AuthError> {
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND status = 'active'")
        .fetch_one(&mut **tx)
        .await?;
    if before > 0 && after == 0 {
        return Err(AuthError::LastAdmin);
    }
    Ok(())
}

/// How many earlier passwords may not be used again.
pub const HISTORY: i64 = 5;

/// Sets a new password after the policy and reuse checks, ends every session of the account,
/// and logs it.
pub async fn set_password(
    tenant: &Tenant,
    clock: &dyn Clock,
    hasher: &password::Hasher,
    user: &User,
    new_password: &str,
) -> Result<(), AuthError> {
    let hash = checked_hash(tenant, hasher, user, new_password).await?;
    let mut tx = tenant.db().pool().begin().await?;
    store_password(&mut tx, tenant, clock, user, &hash).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a password from a one-time link. The token is used up and the password written in one
/// transaction, so of two parallel uses exactly one succeeds, and its password is the one in
/// force. A password the policy refuses leaves the link usable.
pub async fn set_password_from_link(
    tenant: &Tenant,
    clock: &dyn Clock,
    hasher: &password::Hasher,
    token: &str,
    new_password: &str,
) -> Result<User, AuthError> {
    let user_id = super::tokens::peek(tenant, clock, token).await?;
    let user = by_id(tenant, &user_id).await?.ok_or(AuthError::BadToken)?;
    // The slow part (policy, reuse checks, the new hash) runs before the transaction opens.
    let hash = checked_hash(tenant, hasher, &user, new_password).await?;
    let mut tx = tenant.db().pool().begin().await?;
    // The first statement writes, so it waits for a parallel use to finish and then sees the
    // token used (the row lock on PostgreSQL, the write lock on SQLite).
    let consumed = super::tokens::consume_in(&mut tx, clock, token).await?;
    if consumed != user.id {
        return Err(AuthError::BadToken);
    }
    store_password(&mut tx, tenant, clock, &user, &hash).await?;
    tx.commit().await?;
    Ok(user)
}

/// Checks the policy and the last passwords, then hashes.
async fn checked_hash(
    tenant: &Tenant,
    hasher: &password::Hasher,
    user: &User,
    new_password: &str,
) -> Result<String, AuthError> {
    let min_len = crate::core::organisation::min_password_len(tenant).await?;
    let org = crate::core::organisation::name(tenant).await?.unwrap_or_default();
    password::check_policy(new_password, min_len, &[&user.email, &user.display_name, &org])?;
    let recent: Vec<String> =
        sqlx::query_scalar("SELECT hash FROM password_history WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2")
            .bind(&user.id)
            .bind(HISTORY)
            .fetch_all(tenant.db().pool())
            .await?;
    for old in recent.iter().chain(user.password_hash.iter()) {
        if hasher.verify_for(tenant.slug().as_str(), new_password, Some(old)).await?.ok {
            return Err(password::PolicyError::Reused.into());
        }
    }
    Ok(hasher.hash_for(tenant.slug().as_str(), new_password).await?)
}

/// Writes the new hash and its history row, ends every session and logs it, in `tx`.
async fn store_password(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    tenant: &Tenant,
    clock: &dyn Clock,
    user: &User,
    hash: &str,
) -> Result<(), AuthError> {
    let now = clock.now_ms();
    sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $3 WHERE id = $4")
        .bind(hash)
        .bind(now)
        .bind(now)
        .bind(&user.id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO password_history (user_id, hash, created_at) VALUES ($1, $2, $3)")
        .bind(&user.id)
        .bind(hash)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(&user.id).execute(&mut **tx).await?;
    let event =
        Event::new(user.actor(), Action::AuthPasswordChanged, Outcome::Success).target(TargetType::User, user.log_id());
    logbook::append(tx, tenant, clock, &event).await?;
    Ok(())
}

/// Stores a rehash made at sign-in when the parameters changed (no event: nothing changed for
/// the person).
pub async fn upgrade_hash(tenant: &Tenant, user: &User, hash: &str) -> Result<(), AuthError> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(&user.id)
        .execute(tenant.db().pool())
        .await?;
    Ok(())
}
