use serde::{Deserialize, Serialize};

/// What the server says about itself to anyone who asks: nothing about tenants or people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerStatus {
    pub version: String,
    /// Seconds since the Unix epoch, UTC; the UI formats it as ISO 8601.
    pub server_time_unix: i64,
    pub uptime_seconds: u64,
}
