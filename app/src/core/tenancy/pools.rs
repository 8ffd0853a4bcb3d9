//! Open tenants: each one's connection pool and keys, opened on first use, shared, bounded.
//! Concurrent first requests to one tenant wait on the same open (a per-tenant once-cell); the
//! map lock is held only to find or insert that cell, never while connecting. Keeping the
//! [`Tenant`] (not only its pool) lets its keyring keep the data keys it has unwrapped and the
//! encryptions it has reserved, instead of doing both again on every request.
use std::{
    collections::HashMap,
    future::Future,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use tokio::sync::OnceCell;

use super::Tenant;
use crate::{core::db::PoolLimits, model::slug::Slug};

struct Slot {
    tenant: OnceCell<Tenant>,
    /// Milliseconds since `TenantPools::epoch` of the last use.
    last_used: AtomicU64,
}

pub struct TenantPools {
    slots: Mutex<HashMap<Slug, Arc<Slot>>>,
    max_open: usize,
    idle: Duration,
    limits: PoolLimits,
    epoch: Instant,
    connects: AtomicU64,
}

impl TenantPools {
    pub fn new(max_open: usize, idle: Duration, limits: PoolLimits) -> Self {
        Self {
            slots: Mutex::new(HashMap::new()),
            max_open: max_open.max(1),
            idle,
            limits,
            epoch: Instant::now(),
            connects: AtomicU64::new(0),
        }
    }

    fn now(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// The open tenant `slug`, or `open` it (called at most once at a time per tenant).
    pub async fn get<F, Fut, E>(&self, slug: &Slug, open: F) -> Result<Tenant, E>
    where
        F: FnOnce(PoolLimits) -> Fut,
        Fut: Future<Output = Result<Tenant, E>>,
    {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(slot) = slots.get(slug) {
                slot.clone()
            } else {
                if slots.len() >= self.max_open {
                    // Least recently used first. Dropping a pool from the map does not cut off a
                    // request that still holds it: the pool closes when its last handle goes.
                    if let Some(victim) =
                        slots.iter().min_by_key(|(_, s)| s.last_used.load(Ordering::Relaxed)).map(|(k, _)| k.clone())
                    {
                        slots.remove(&victim);
                    }
                }
                let slot = Arc::new(Slot { tenant: OnceCell::new(), last_used: AtomicU64::new(0) });
                slots.insert(slug.clone(), slot.clone());
                slot
            }
        };
        slot.last_used.store(self.now(), Ordering::Relaxed);
        let tenant = slot
            .tenant
            .get_or_try_init(|| async {
                self.connects.fetch_add(1, Ordering::Relaxed);
                open(self.limits).await
            })
            .await?;
        Ok(tenant.clone())
    }

    /// Drops pools unused for longer than the idle limit; returns how many.
    pub fn evict_idle(&self) -> usize {
        let cutoff = self.now().saturating_sub(self.idle.as_millis() as u64);
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let before = slots.len();
        slots.retain(|_, s| s.last_used.load(Ordering::Relaxed) >= cutoff);
        before - slots.len()
    }

    /// Forgets one tenant's pool (after disabling or deleting it).
    pub fn forget(&self, slug: &Slug) {
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).remove(slug);
    }

    pub fn open_count(&self) -> usize {
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// How many pools have been connected since start (a test and benchmark figure).
    pub fn connects(&self) -> u64 {
        self.connects.load(Ordering::Relaxed)
    }

    /// Closes every pool, for shutdown.
    pub async fn close_all(&self) {
        let slots: Vec<_> = self.slots.lock().unwrap_or_else(|p| p.into_inner()).drain().map(|(_, s)| s).collect();
        for s in slots {
            if let Some(tenant) = s.tenant.get() {
                tenant.db().close().await;
            }
        }
    }
}
