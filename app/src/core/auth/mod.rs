//! Sign-in accounts, passwords, one-time links, sessions, throttling and the authorization guard.
//! Everything lives in the tenant's own database, so an account, a session or a token of one
//! tenant does not exist at another.
pub mod guard;
pub mod handover;
pub mod password;
pub mod service;
pub mod session_store;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use crate::model::auth::Role;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("database: {0}")]
    Db(#[from] crate::core::db::DbError),
    #[error("logbook: {0}")]
    Logbook(#[from] crate::core::logbook::LogbookError),
    #[error("{0}")]
    Hash(#[from] password::HashError),
    #[error("{0}")]
    Policy(#[from] password::PolicyError),
    #[error("an account with this e-mail address already exists")]
    DuplicateEmail,
    #[error("that is not a valid e-mail address")]
    InvalidEmail,
    #[error("the name must be 1 to 200 characters")]
    InvalidName,
    #[error("the organisation must keep at least one active admin")]
    LastAdmin,
    #[error("no such account")]
    NoSuchUser,
    #[error("this link is invalid, used or expired")]
    BadToken,
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("the operating system's random source failed")]
    Random,
}

impl From<sqlx::Error> for AuthError {
    fn from(e: sqlx::Error) -> Self {
        AuthError::Db(e.into())
    }
}

/// Session lifetimes (ASVS V7): idle and absolute limits, enforced on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionLimits {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self { idle: Duration::from_secs(30 * 60), absolute: Duration::from_secs(12 * 3600) }
    }
}

/// The session cookie. `__Host-` makes browsers insist on Secure, Path=/ and no Domain, so it is
/// bound to exactly this host (this tenant). SameSite=Strict: no cross-site request carries it.
pub const COOKIE: &str = "__Host-samtal";

pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The session cookie's value in a `Cookie` request header.
pub fn cookie_value(header: &str) -> Option<&str> {
    header
        .split(';')
        .map(str::trim)
        .find_map(|kv| kv.strip_prefix(COOKIE)?.strip_prefix('='))
        .filter(|v| !v.is_empty() && v.len() <= 64)
}

/// The signed-in account of a request, with its cookie value (to revoke or keep it) and the
/// tower-sessions handle (to renew its id or end it).
#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub user: users::User,
    pub cookie: String,
    pub session: tower_sessions::Session,
}

/// 32 random bytes, base64url: session ids and one-time tokens.
pub fn random_token() -> Result<String, AuthError> {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| AuthError::Random)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored for a token: its SHA-256, hex. The token itself is never stored.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A short random id for new rows (128 bits, hex).
pub fn new_id() -> Result<String, AuthError> {
    crate::core::ids::random_id().map_err(|_| AuthError::Random)
}
