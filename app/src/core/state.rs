use std::{
    sync::Arc,
    time::{Instant, SystemTime, UNIX_EPOCH},
};

use crate::{core::tenancy::Tenancy, model::system::ServerStatus};

/// Process-wide state handed to server functions through Leptos context.
#[derive(Clone)]
pub struct AppState {
    started: Instant,
    pub tenancy: Arc<Tenancy>,
}

impl AppState {
    pub fn new(tenancy: Arc<Tenancy>) -> Self {
        Self { started: Instant::now(), tenancy }
    }

    pub fn status(&self) -> ServerStatus {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        ServerStatus {
            version: env!("CARGO_PKG_VERSION").to_string(),
            server_time_unix: now,
            uptime_seconds: self.started.elapsed().as_secs(),
        }
    }
}
