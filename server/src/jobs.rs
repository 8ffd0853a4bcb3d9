//! Background work inside the server.
use std::{sync::Arc, time::Duration};

use app::core::{auth::service::Auth, clock::SystemClock, logbook::Retention, tenancy::Tenancy};

/// Writes the logbook summaries of repeated anonymous refusals whose window has closed, every 5
/// seconds (so a summary is at most a few seconds past its minute). When `stop` turns true it
/// writes every pending summary and ends; a write in progress is never cut off (counts taken
/// out for writing would be lost).
pub fn spawn_anonymous_summaries(
    tenancy: Arc<Tenancy>,
    auth: Arc<Auth>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.changed() => break,
            }
            auth.flush_anonymous(&tenancy, &SystemClock, false).await;
        }
        auth.flush_anonymous(&tenancy, &SystemClock, true).await;
    })
}

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

/// Prunes every tenant's logbook past retention: a minute after start, then every 24 hours.
pub fn spawn_logbook_pruner(tenancy: Arc<Tenancy>, retention: Retention) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(60)).await;
        let mut tick = tokio::time::interval(Duration::from_secs(24 * 3600));
        loop {
            tick.tick().await;
            let results = tenancy.prune_logbooks(retention).await;
            let pruned: u64 = results.iter().filter_map(|(_, r)| r.as_ref().ok()).map(|r| r.pruned).sum();
            for (slug, r) in &results {
                if let Err(e) = r {
                    tracing::error!(tenant = %slug, error = %e, "logbook prune failed");
                }
            }
            tracing::info!(tenants = results.len(), pruned, retention_days = retention.as_days(), "logbook prune done");
        }
    })
}

/// Once a day (first five minutes after start): in every active organisation that has turned
/// automatic erasure on, erases whoever is past the retention period, each with a receipt
/// (`gdpr::retention::run`). Organisations with it off only see them listed.
pub fn spawn_retention(tenancy: Arc<Tenancy>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(300)).await;
        let mut tick = tokio::time::interval(Duration::from_secs(24 * 3600));
        loop {
            tick.tick().await;
            run_retention(&tenancy).await;
        }
    })
}

/// One pass of the retention job over every active organisation.
pub async fn run_retention(tenancy: &Tenancy) -> usize {
    use app::core::{gdpr::retention, tenancy::catalog::TenantStatus};
    let records = match tenancy.catalog().list().await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "retention: cannot list tenants");
            return 0;
        }
    };
    // UTC's date: a day either way does not matter against months of retention.
    let today = app::model::format::iso_date(app::core::clock::now_ms() / 1000);
    let mut total = 0;
    for r in records.into_iter().filter(|r| r.status == TenantStatus::Active) {
        let result = match tenancy.connect(&r).await {
            Ok(t) => retention::run(&t, tenancy.catalog(), &SystemClock, &today).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match result {
            Ok(0) => {}
            Ok(n) => {
                total += n;
                tracing::info!(tenant = %r.slug, erased = n, "retention: erased people past the period, with receipts");
            }
            Err(e) => tracing::error!(tenant = %r.slug, error = %e, "retention run failed"),
        }
    }
    total
}
