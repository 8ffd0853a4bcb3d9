use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::model::system::ServerStatus;

/// Process-wide state handed to server functions through Leptos context.
#[derive(Clone, Debug)]
pub struct AppState {
    started: Instant,
}

impl AppState {
    pub fn new() -> Self {
        Self { started: Instant::now() }
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

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
