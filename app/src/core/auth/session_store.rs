//! tower-sessions' `SessionStore` over one tenant's `sessions` table. The server builds one per
//! request for the tenant the Host named, so a session of one tenant cannot exist at another.
//!
//! What a session holds is only the account id; the row also keeps when it started, when it was
//! last used, and from which address and browser (for "your sessions"). The limits are enforced
//! here on every load: idle 30 minutes, 12 hours in all, and the account must still be active.
//! The row is written once, when the session starts (`create`); `save` never brings back a row
//! that was ended meanwhile (signed out elsewhere, revoked, a password change).
use std::sync::{Arc, Mutex};

use tower_sessions::{
    session::{Id, Record},
    session_store::{Error, Result},
    SessionStore,
};

use super::{sessions, users::User, SessionLimits};
use crate::core::{clock::SystemClock, logbook::Origin, tenancy::Tenant};

/// The one key a session's data holds.
pub const USER_KEY: &str = "user_id";

#[derive(Clone)]
pub struct TenantSessionStore {
    tenant: Tenant,
    limits: SessionLimits,
    origin: Origin,
    /// The account the last `load` found, so a request costs one query for session and account.
    loaded: Arc<Mutex<Option<User>>>,
}

impl std::fmt::Debug for TenantSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantSessionStore").field("tenant", self.tenant.slug()).finish_non_exhaustive()
    }
}

impl TenantSessionStore {
    /// A store for this request: its tenant, and its origin for a session it starts.
    pub fn new(tenant: Tenant, limits: SessionLimits, origin: Origin) -> Self {
        Self { tenant, limits, origin, loaded: Arc::default() }
    }

    /// The active account behind the session loaded in this request, if any.
    pub fn loaded_user(&self) -> Option<User> {
        self.loaded.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Store errors reach only the server log (tower-sessions logs them); they hold no secret.
fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

#[async_trait::async_trait]
impl SessionStore for TenantSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let user_id = record
            .data
            .get(USER_KEY)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| Error::Encode("a session starts only with an account".into()))?;
        let (ip, ua) = (self.origin.ip, self.origin.user_agent.as_deref());
        // A fresh id on the (astronomically unlikely) collision; never someone else's row.
        for _ in 0..4 {
            let id = record.id.to_string();
            if sessions::insert(&self.tenant, &SystemClock, &id, &user_id, ip, ua).await.map_err(backend)? {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(Error::Backend("no free session id".into()))
    }

    async fn save(&self, _record: &Record) -> Result<()> {
        // The account id never changes within a session (a role change or a new sign-in starts
        // a new one), so there is nothing to write, and a row that ended stays ended.
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let user = sessions::load(&self.tenant, &SystemClock, self.limits, &id.to_string()).await.map_err(backend)?;
        let Some(user) = user else { return Ok(None) };
        let mut data = std::collections::HashMap::new();
        data.insert(USER_KEY.to_string(), serde_json::Value::String(user.id.clone()));
        *self.loaded.lock().unwrap_or_else(|p| p.into_inner()) = Some(user);
        let idle = time::Duration::try_from(self.limits.idle).unwrap_or(time::Duration::MINUTE);
        Ok(Some(Record { id: *id, data, expiry_date: time::OffsetDateTime::now_utc().saturating_add(idle) }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        sessions::delete(&self.tenant, &id.to_string()).await.map_err(backend)
    }
}
