//! Sign-in as one operation: throttle, verify (with the dummy hash for unknown accounts), start a
//! session, log the outcome. Unknown account, disabled account and wrong password give the same
//! answer in the same time.
use super::{
    password::{HashError, Hasher},
    sessions,
    throttle::{self, Throttle},
    users, AuthError, SessionLimits,
};
use crate::core::{
    clock::Clock,
    logbook::{
        self,
        anonymous::{Admit, AnonymousEvents},
        Action, Actor, Event, Origin, Outcome, TargetType,
    },
    tenancy::{Tenancy, Tenant},
};

/// Process-wide authentication settings and state.
pub struct Auth {
    pub hasher: Hasher,
    pub throttle: Throttle,
    pub limits: SessionLimits,
    /// Bounds the logbook rows anonymous refusals can make.
    pub anonymous: AnonymousEvents,
    /// Sign-in attempts in flight per client, capped before any hashing.
    pub in_flight: InFlight,
}

/// The most sign-in attempts one client (address, per tenant) may have in flight at once. A
/// person signs in once at a time; an office behind one address rarely has more than a few
/// overlapping. Beyond it the answer is 429 at once, before any hashing is queued.
pub const MAX_IN_FLIGHT_PER_CLIENT: usize = 4;
/// The same across all tenants: one address cannot multiply its share by naming many tenants.
pub const MAX_IN_FLIGHT_PER_CLIENT_ALL_TENANTS: usize = 8;

/// Counts attempts in flight per key; a [`Slot`] gives its place back when dropped.
#[derive(Debug, Default)]
pub struct InFlight {
    counts: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
}

pub struct Slot {
    counts: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
    key: String,
}

impl InFlight {
    /// A slot for `key`, or `None` when it already has `max` in flight.
    pub fn enter(&self, key: &str, max: usize) -> Option<Slot> {
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let n = c.entry(key.to_string()).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Slot { counts: self.counts.clone(), key: key.to_string() })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = c.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                c.remove(&self.key);
            }
        }
    }
}

impl Auth {
    pub fn new(limits: SessionLimits) -> Self {
        Self {
            hasher: Hasher::for_this_machine(),
            throttle: Throttle::default(),
            limits,
            anonymous: AnonymousEvents::default(),
            in_flight: InFlight::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("E-mail or password is wrong")]
    Invalid,
    #[error("too many attempts; wait {0} s")]
    Throttled(u64),
    /// Too much hashing is waiting (the queue or this organisation's lane is full).
    #[error("busy; try again in {0} s")]
    Busy(u64),
    #[error(transparent)]
    Internal(#[from] AuthError),
}

impl From<logbook::LogbookError> for SignInError {
    fn from(e: logbook::LogbookError) -> Self {
        SignInError::Internal(e.into())
    }
}

impl Auth {
    pub async fn sign_in(
        &self,
        tenant: &Tenant,
        clock: &dyn Clock,
        email: &str,
        password: &str,
        origin: &Origin,
    ) -> Result<(users::User, String), SignInError> {
        let user = self.authenticate(tenant, clock, email, password, origin).await?;
        let cookie = sessions::create(tenant, clock, &user.id, origin.ip, origin.user_agent.as_deref()).await?;
        Ok((user, cookie))
    }

    /// Checks e-mail and password (throttled, counted, logged) without starting a session: the
    /// web session is started by tower-sessions when the response goes out.
    pub async fn authenticate(
        &self,
        tenant: &Tenant,
        clock: &dyn Clock,
        email: &str,
        password: &str,
        origin: &Origin,
    ) -> Result<users::User, SignInError> {
        let now = clock.now_ms();
        let account_key = account_key(tenant, email);
        let ip_key = origin.ip.map(|ip| throttle::ip_key(tenant.slug().as_str(), ip));
        // Before anything else, so fire-and-forget attempts from one client cannot pile up work:
        // per address at this tenant, and per address across all tenants.
        let _slots = match origin.ip {
            Some(ip) => {
                let here = self.in_flight.enter(ip_key.as_deref().unwrap_or_default(), MAX_IN_FLIGHT_PER_CLIENT);
                let everywhere = here.as_ref().and_then(|_| {
                    self.in_flight.enter(&throttle::ip_key("*", ip), MAX_IN_FLIGHT_PER_CLIENT_ALL_TENANTS)
                });
                match (here, everywhere) {
                    (Some(a), Some(b)) => Some((a, b)),
                    _ => {
                        let event =
                            Event::new(Actor::System, Action::AuthThrottled, Outcome::Denied).origin(origin.clone());
                        self.record_anonymous(tenant, clock, &event).await?;
                        return Err(SignInError::Throttled(1));
                    }
                }
            }
            None => None,
        };
        let wait = [Some(&account_key), ip_key.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|k| self.throttle.check(k, now).err())
            .max();
        if let Some(wait) = wait {
            let event = Event::new(Actor::System, Action::AuthThrottled, Outcome::Denied).origin(origin.clone());
            self.record_anonymous(tenant, clock, &event).await?;
            return Err(SignInError::Throttled(wait));
        }
        // The account's count goes up before the hash, so parallel guesses at one account see
        // each other; a success clears it below. The IP's count goes up only on a failure: many
        // people behind one office address may sign in at the same moment.
        self.throttle.failure(&account_key, now);
        let user = users::by_email(tenant, email).await?;
        let hash = user.as_ref().filter(|u| u.status == users::Status::Active).and_then(|u| u.password_hash.as_deref());
        let verified = match self.verify_counted(tenant, &account_key, password, hash).await {
            Err(SignInError::Busy(wait)) => {
                let event = Event::new(Actor::System, Action::AuthSignInBusy, Outcome::Denied).origin(origin.clone());
                self.record_anonymous(tenant, clock, &event).await?;
                return Err(SignInError::Busy(wait));
            }
            other => other?,
        };
        let user = match user {
            Some(u) if verified.ok => u,
            known => {
                if let Some(k) = &ip_key {
                    self.throttle.failure(k, now);
                }
                let mut event =
                    Event::new(Actor::System, Action::AuthSignInFailed, Outcome::Failure).origin(origin.clone());
                if let Some(u) = &known {
                    event = event.target(TargetType::User, u.log_id());
                }
                self.record_anonymous(tenant, clock, &event).await?;
                return Err(SignInError::Invalid);
            }
        };
        self.throttle.success(&account_key);
        if verified.needs_rehash {
            let new_hash = self.hasher.hash_for(tenant.slug().as_str(), password).await.map_err(AuthError::from)?;
            users::upgrade_hash(tenant, &user, &new_hash).await?;
        }
        let event = Event::new(user.actor(), Action::AuthSignInSucceeded, Outcome::Success)
            .target(TargetType::User, user.log_id())
            .origin(origin.clone());
        logbook::record(tenant, clock, &event).await?;
        Ok(user)
    }

    /// Verifies in the tenant's hashing lane. When the lane is full nothing was checked, so the
    /// failure already counted for `key` is given back and the answer is "busy".
    async fn verify_counted(
        &self,
        tenant: &Tenant,
        key: &str,
        password: &str,
        phc: Option<&str>,
    ) -> Result<super::password::Verified, SignInError> {
        match self.hasher.verify_for(tenant.slug().as_str(), password, phc).await {
            Ok(v) => Ok(v),
            Err(HashError::Busy) => {
                self.throttle.forget_one(key);
                Err(SignInError::Busy(1))
            }
            Err(e) => Err(AuthError::from(e).into()),
        }
    }

    /// Logs an anonymous refusal (nobody is signed in): written now, or counted into a summary
    /// when the same source repeats it or the tenant's anonymous events are over their cap.
    pub async fn record_anonymous(
        &self,
        tenant: &Tenant,
        clock: &dyn Clock,
        event: &Event,
    ) -> Result<(), logbook::LogbookError> {
        if self.anonymous.admit(tenant.slug(), event, clock.now_ms()) == Admit::Write {
            logbook::record(tenant, clock, event).await?;
        }
        Ok(())
    }

    /// Writes the summaries whose window has closed (every one with `all`, at shutdown). A tenant
    /// that cannot be reached keeps nothing pending: its error is logged and the counts are
    /// reported as lost in the server log.
    pub async fn flush_anonymous(&self, tenancy: &Tenancy, clock: &dyn Clock, all: bool) -> usize {
        let mut written = 0;
        for (slug, event) in self.anonymous.take_due(clock.now_ms(), all) {
            let result = match tenancy.open_active(&slug).await {
                Ok(t) => logbook::record(&t, clock, &event).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match result {
                Ok(_) => written += 1,
                Err(e) => {
                    tracing::error!(tenant = %slug, repeats = event.repeats, error = %e, "could not write a logbook summary")
                }
            }
        }
        written
    }

    /// Checks the signed-in person's current password before a change, counted and throttled
    /// with the same key as sign-in: a stolen session guesses no faster than anyone else. A wrong
    /// password and a throttled attempt are logged.
    pub async fn check_current_password(
        &self,
        tenant: &Tenant,
        clock: &dyn Clock,
        user: &users::User,
        password: &str,
        origin: &Origin,
    ) -> Result<(), SignInError> {
        let now = clock.now_ms();
        let key = account_key(tenant, &user.email);
        let logged = |action, outcome| {
            Event::new(user.actor(), action, outcome).target(TargetType::User, user.log_id()).origin(origin.clone())
        };
        if let Err(wait) = self.throttle.check(&key, now) {
            logbook::record(tenant, clock, &logged(Action::AuthThrottled, Outcome::Denied)).await?;
            return Err(SignInError::Throttled(wait));
        }
        self.throttle.failure(&key, now);
        let verified = self.verify_counted(tenant, &key, password, user.password_hash.as_deref()).await?;
        if !verified.ok {
            logbook::record(tenant, clock, &logged(Action::AuthPasswordCheckFailed, Outcome::Failure)).await?;
            return Err(SignInError::Invalid);
        }
        self.throttle.success(&key);
        Ok(())
    }
}

/// One throttle key per account, shared by sign-in and password change.
fn account_key(tenant: &Tenant, email: &str) -> String {
    format!("{}/{}", tenant.slug(), email.trim().to_lowercase())
}
