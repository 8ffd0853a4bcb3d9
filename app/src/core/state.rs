use std::{
    sync::Arc,
    time::{Instant, SystemTime, UNIX_EPOCH},
};

use crate::{
    core::{
        auth::{service::Auth, SessionLimits},
        mail::Mailer,
        tenancy::Tenancy,
    },
    model::system::ServerStatus,
};

/// Process-wide state handed to server functions through Leptos context.
#[derive(Clone)]
pub struct AppState {
    started: Instant,
    pub tenancy: Arc<Tenancy>,
    pub auth: Arc<Auth>,
    /// Set when SMTP is configured: one-time links are then e-mailed too.
    pub mailer: Option<Arc<Mailer>>,
    /// The organisations' profiles every page's frame shows, kept a few seconds.
    pub profiles: Arc<crate::core::organisation::ProfileCache>,
}

impl AppState {
    pub fn new(tenancy: Arc<Tenancy>) -> Self {
        Self::with_auth(tenancy, Auth::new(SessionLimits::default()))
    }

    pub fn with_auth(tenancy: Arc<Tenancy>, auth: Auth) -> Self {
        Self { started: Instant::now(), tenancy, auth: Arc::new(auth), mailer: None, profiles: Arc::default() }
    }

    pub fn with_mailer(mut self, mailer: Mailer) -> Self {
        self.mailer = Some(Arc::new(mailer));
        self
    }

    pub fn status(&self) -> ServerStatus {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        ServerStatus {
            version: env!("CARGO_PKG_VERSION").to_string(),
            server_time_unix: now,
            uptime_seconds: self.started.elapsed().as_secs(),
        }
    }
}
