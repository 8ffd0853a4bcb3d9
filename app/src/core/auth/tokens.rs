//! One-time links to set a password: 256-bit random, stored as SHA-256, single use, 24 hours.
use super::{random_token, token_hash, users::User, AuthError};
use crate::core::{clock::Clock, tenancy::Tenant};

pub const LIFETIME_MS: i64 = 24 * 3600 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invite,
    Reset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Invite => "invite",
            Purpose::Reset => "reset",
        }
    }
}

/// Issues a token for `user`; earlier unused tokens of the account stop working.
pub async fn issue(tenant: &Tenant, clock: &dyn Clock, user: &User, purpose: Purpose) -> Result<String, AuthError> {
    let token = random_token()?;
    let now = clock.now_ms();
    let mut tx = tenant.db().pool().begin().await?;
    sqlx::query("DELETE FROM auth_tokens WHERE user_id = $1 AND used_at IS NULL")
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO auth_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(&user.id)
    .bind(purpose.as_str())
    .bind(now)
    .bind(now + LIFETIME_MS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The account a valid, unused, unexpired token belongs to, without using it up.
pub async fn peek(tenant: &Tenant, clock: &dyn Clock, token: &str) -> Result<String, AuthError> {
    let user: Option<String> = sqlx::query_scalar(
        "SELECT user_id FROM auth_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(clock.now_ms())
    .fetch_optional(tenant.db().pool())
    .await?;
    user.ok_or(AuthError::BadToken)
}

/// Marks the token used inside the caller's transaction; only one caller can ever succeed.
/// Returns the account it belongs to.
pub async fn consume_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    clock: &dyn Clock,
    token: &str,
) -> Result<String, AuthError> {
    let now = clock.now_ms();
    let user: Option<String> = sqlx::query_scalar(
        "UPDATE auth_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3 \
         RETURNING user_id",
    )
    .bind(now)
    .bind(token_hash(token))
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    user.ok_or(AuthError::BadToken)
}

/// Marks the token used on its own transaction.
pub async fn consume(tenant: &Tenant, clock: &dyn Clock, token: &str) -> Result<String, AuthError> {
    let mut tx = tenant.db().pool().begin().await?;
    let user = consume_in(&mut tx, clock, token).await?;
    tx.commit().await?;
    Ok(user)
}
