//! Sign-in as one operation: throttle, verify (with the dummy hash for unknown accounts), start a
//! session, log the outcome. Unknown account, disabled account and wrong password give the same
//! answer in the same time.
use super::{password::Hasher, sessions, throttle::Throttle, users, AuthError, SessionLimits};
use crate::core::{
    clock::Clock,
    logbook::{self, Action, Actor, Event, Origin, Outcome, TargetType},
    tenancy::Tenant,
};

/// Process-wide authentication settings and state.
pub struct Auth {
    pub hasher: Hasher,
    pub throttle: Throttle,
    pub limits: SessionLimits,
}

impl Auth {
    pub fn new(limits: SessionLimits) -> Self {
        Self { hasher: Hasher::for_this_machine(), throttle: Throttle::default(), limits }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("E-mail or password is wrong")]
    Invalid,
    #[error("too many attempts; wait {0} s")]
    Throttled(u64),
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
        let now = clock.now_ms();
        let account_key = format!("{}/{}", tenant.slug(), email.trim().to_lowercase());
        let ip_key = origin.ip.map(|ip| format!("ip/{ip}"));
        let wait = [Some(&account_key), ip_key.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|k| self.throttle.check(k, now).err())
            .max();
        if let Some(wait) = wait {
            let event = Event::new(Actor::System, Action::AuthThrottled, Outcome::Denied).origin(origin.clone());
            logbook::record(tenant, clock, &event).await?;
            return Err(SignInError::Throttled(wait));
        }
        // The account's count goes up before the hash, so parallel guesses at one account see
        // each other; a success clears it below. The IP's count goes up only on a failure: many
        // people behind one office address may sign in at the same moment.
        self.throttle.failure(&account_key, now);
        let user = users::by_email(tenant, email).await?;
        let hash = user.as_ref().filter(|u| u.status == users::Status::Active).and_then(|u| u.password_hash.as_deref());
        let verified = self.hasher.verify(password, hash).await.map_err(AuthError::from)?;
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
                logbook::record(tenant, clock, &event).await?;
                return Err(SignInError::Invalid);
            }
        };
        self.throttle.success(&account_key);
        if verified.needs_rehash {
            let new_hash = self.hasher.hash(password).await.map_err(AuthError::from)?;
            users::upgrade_hash(tenant, &user, &new_hash).await?;
        }
        let cookie = sessions::create(tenant, clock, &user.id, origin.ip, origin.user_agent.as_deref()).await?;
        let event = Event::new(user.actor(), Action::AuthSignInSucceeded, Outcome::Success)
            .target(TargetType::User, user.log_id())
            .origin(origin.clone());
        logbook::record(tenant, clock, &event).await?;
        Ok((user, cookie))
    }
}
