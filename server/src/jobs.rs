//! Background work inside the server.
use std::{sync::Arc, time::Duration};

use app::core::tenancy::Tenancy;

/// Closes tenant pools that have been idle past the limit, every 30 seconds.
pub fn spawn_pool_reaper(tenancy: Arc<Tenancy>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        loop {
            tick.tick().await;
            let closed = tenancy.pools().evict_idle();
            if closed > 0 {
                tracing::debug!(closed, open = tenancy.pools().open_count(), "closed idle tenant pools");
            }
        }
    })
}
