//! Master-key rotation: every tenant's data keys (and its logbook key) are rewrapped from the
//! KEK of the master key in use to the KEK of a new one. Fields are not touched — the same data
//! keys open them — so the work is a few rows per tenant, whatever the data.
//!
//! Each tenant moves in one transaction, so a stop leaves it wholly under the old master or
//! wholly under the new; `kek_id` on every key row tells a re-run what is left.
use std::time::Instant;

use zeroize::Zeroizing;

use super::{Tenancy, TenancyError, LOGBOOK_PURPOSE};
use crate::{
    core::{
        crypto::{rewrap_kek, KekRewrap, Keyring},
        db::Db,
        keys::MasterKey,
        logbook::{self, Action, Actor, Event, Ledger, Outcome},
    },
    model::slug::Slug,
};

/// A tenant's logbook under a key given by value (the pooled `Tenant` still holds the old one).
struct PinnedLedger<'a> {
    db: &'a Db,
    key: Zeroizing<[u8; 32]>,
}

impl Ledger for PinnedLedger<'_> {
    fn db(&self) -> &Db {
        self.db
    }
    fn logbook_key(&self) -> &[u8; 32] {
        &self.key
    }
}

#[derive(Debug, Default)]
pub struct MasterReport {
    pub rewrapped: Vec<(Slug, usize)>,
    pub already_done: usize,
    pub failed: Vec<(Slug, String)>,
    pub elapsed: std::time::Duration,
}

impl Tenancy {
    /// Rewraps every tenant's keys for `new`, `concurrency` tenants at a time. A tenant that
    /// fails is reported and keeps its old wrapping; the others go on. Run it with the servers
    /// stopped (a running server could make a data key under the old master meanwhile; a re-run
    /// would move it too), then give the servers the new key file.
    pub async fn rotate_master(
        &self,
        new: &MasterKey,
        concurrency: usize,
        progress: impl Fn(usize, usize),
    ) -> Result<MasterReport, TenancyError> {
        let started = Instant::now();
        let mut report = MasterReport::default();
        let results = self
            .on_each_tenant(concurrency, progress, TenancyError::Storage, |db, slug| async move {
                self.rotate_one(&db, &slug, new).await
            })
            .await?;
        for (slug, res) in results {
            match res {
                Ok(KekRewrap::AlreadyDone) => report.already_done += 1,
                Ok(KekRewrap::Rewrapped(n)) => report.rewrapped.push((slug, n)),
                Err(e) => report.failed.push((slug, e.to_string())),
            }
        }
        report.rewrapped.sort();
        report.failed.sort();
        report.elapsed = started.elapsed();
        Ok(report)
    }

    async fn rotate_one(&self, db: &Db, slug: &Slug, new: &MasterKey) -> Result<KekRewrap, TenancyError> {
        let old_master = &self.config.master_key;
        let old = Keyring::new(slug.as_str(), old_master);
        let fresh = Keyring::new(slug.as_str(), new);
        let derived = old_master.derive(LOGBOOK_PURPOSE, slug.as_str().as_bytes());
        let mut tx = db.pool().begin().await.map_err(|e| TenancyError::Storage(e.into()))?;
        let (outcome, logbook_key) = rewrap_kek(&mut tx, &old, &fresh, &derived).await.map_err(TenancyError::Keys)?;
        if outcome != KekRewrap::AlreadyDone {
            let ledger = PinnedLedger { db, key: logbook_key };
            let event = Event::new(Actor::System, Action::MasterKeyRotated, Outcome::Success);
            logbook::append(&mut tx, &ledger, self.config.clock.as_ref(), &event).await?;
        }
        tx.commit().await.map_err(|e| TenancyError::Storage(e.into()))?;
        // This process's open tenants hold the old keys.
        self.pools.forget(slug);
        self.forget(slug);
        Ok(outcome)
    }
}
