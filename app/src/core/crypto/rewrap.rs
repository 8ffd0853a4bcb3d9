//! Re-encrypts fields sealed under older data keys with the current one, in batches. Each batch
//! commits together with where it got to (`rewrap_progress`), so a run killed at any moment
//! resumes at the last committed batch. Once no field names an old key any more, that key is
//! destroyed ([`super::keyring::retire`]).
use std::{collections::BTreeMap, ops::ControlFlow};

use super::{
    field::{key_version, open_bytes, seal_bytes},
    keyring::retire,
    CryptoError, Field, Vault,
};
use crate::core::{
    clock::Clock,
    logbook::{self, Action, Actor, Event, Outcome, TargetType},
};

/// Where a run is, after each batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewrapProgress {
    pub field: Field,
    /// Rows of this column looked at so far (across resumed runs).
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RewrapReport {
    /// The data key everything was moved to (`None`: the tenant has no data key yet).
    pub target_version: Option<u32>,
    /// Values re-encrypted by this run.
    pub rewrapped: u64,
    /// Values that could not be opened (left as they are, each logged); while there are any,
    /// no key is destroyed.
    pub unreadable: u64,
    /// Old keys destroyed because no field uses them any more.
    pub retired: Vec<u32>,
    /// Old keys no field uses, kept because they were replaced less than [`RETIRE_GRACE_MS`]
    /// ago (a server may still seal under one, or hold a sealed value not yet written); a later
    /// rewrap destroys them.
    pub kept: Vec<u32>,
    /// Stopped by the caller before the end; run again to go on.
    pub interrupted: bool,
}

/// Moves every value in `fields` to the current data key, `batch` rows per transaction, calling
/// `progress` after each batch (returning `Break` stops the run cleanly, as a kill would, only
/// sooner).
pub async fn rewrap(
    vault: &impl Vault,
    clock: &dyn Clock,
    fields: &[Field],
    batch: u32,
    actor: Actor,
    mut progress: impl FnMut(&RewrapProgress) -> ControlFlow<()>,
) -> Result<RewrapReport, CryptoError> {
    let db = vault.db();
    let mut report = RewrapReport::default();
    let current: Option<(i64,)> =
        sqlx::query_as("SELECT version FROM data_keys WHERE purpose = 'data' AND state = 'current'")
            .fetch_optional(db.pool())
            .await?;
    let Some((target,)) = current else {
        return Ok(report);
    };
    let target = u32::try_from(target).map_err(|_| CryptoError::Malformed)?;
    report.target_version = Some(target);
    let batch = i64::from(batch.max(1));
    for field in fields {
        let (table, column, id) = (field.table, field.column, field.id_column);
        let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table} WHERE {column} IS NOT NULL"))
            .fetch_one(db.pool())
            .await?;
        let saved: Option<(i64, String, i64)> = sqlx::query_as(
            "SELECT target_version, last_id, done FROM rewrap_progress WHERE table_name = $1 AND column_name = $2",
        )
        .bind(table)
        .bind(column)
        .fetch_optional(db.pool())
        .await?;
        // A run towards an older target is of no use: everything before its cursor may name
        // the key that was current then. Start that column again.
        let (mut cursor, mut done) = match saved {
            Some((t, last, done)) if t == i64::from(target) => (last, u64::try_from(done).unwrap_or(0)),
            _ => (String::new(), 0),
        };
        loop {
            let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(&format!(
                "SELECT {id}, {column} FROM {table} WHERE {id} > $1 AND {column} IS NOT NULL ORDER BY {id} LIMIT $2"
            ))
            .bind(&cursor)
            .bind(batch)
            .fetch_all(db.pool())
            .await?;
            let Some((last, _)) = rows.last() else { break };
            let last = last.clone();
            // Decrypt and seal before the transaction: sealing may reserve encryptions in a
            // transaction of its own, which on SQLite would wait for this one's write lock.
            let mut fresh = Vec::new();
            for (row, bytes) in &rows {
                if key_version(bytes) == Some(target) {
                    continue;
                }
                let at = field.at(row);
                let plain = match open_bytes(vault, at, bytes).await {
                    Ok(plain) => plain,
                    Err(e) if e.is_unreadable() => {
                        report.unreadable += 1;
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                let (version, key) = vault.keyring().for_sealing(vault, clock).await?;
                fresh.push((row, bytes, seal_bytes(vault.keyring().slug(), at, version, &key, &plain)?));
            }
            let mut tx = db.pool().begin().await?;
            for (row, bytes, sealed) in fresh {
                // Only if nobody wrote the value since it was read (a new write is current).
                let changed =
                    sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE {id} = $2 AND {column} = $3"))
                        .bind(sealed)
                        .bind(row)
                        .bind(bytes)
                        .execute(&mut *tx)
                        .await?;
                report.rewrapped += changed.rows_affected();
            }
            done += rows.len() as u64;
            sqlx::query("DELETE FROM rewrap_progress WHERE table_name = $1 AND column_name = $2")
                .bind(table)
                .bind(column)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO rewrap_progress (table_name, column_name, target_version, last_id, done) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(table)
            .bind(column)
            .bind(i64::from(target))
            .bind(&last)
            .bind(i64::try_from(done).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            cursor = last;
            let total = u64::try_from(total).unwrap_or(0).max(done);
            if progress(&RewrapProgress { field: *field, done, total }).is_break() {
                report.interrupted = true;
                let event = Event::new(actor.clone(), Action::RewrapInterrupted, Outcome::Failure);
                logbook::record(vault, clock, &event).await?;
                return Ok(report);
            }
        }
        sqlx::query("DELETE FROM rewrap_progress WHERE table_name = $1 AND column_name = $2")
            .bind(table)
            .bind(column)
            .execute(db.pool())
            .await?;
    }
    // Destroy old keys only when a fresh count finds no value naming them, and only once the key
    // that replaced them is older than the grace: until then a server that has not yet seen the
    // rotation (it looks again every few seconds) may seal under the old key, and a long
    // transaction (an import) may hold values sealed under it that are not written yet.
    let uses = key_uses(vault, fields).await?;
    if report.unreadable == 0 {
        let old: Vec<(i64,)> = sqlx::query_as("SELECT version FROM data_keys WHERE purpose = 'data' AND state = 'old'")
            .fetch_all(db.pool())
            .await?;
        for (version,) in old {
            let (replaced_at,): (Option<i64>,) =
                sqlx::query_as("SELECT MIN(created_at) FROM data_keys WHERE purpose = 'data' AND version > $1")
                    .bind(version)
                    .fetch_one(db.pool())
                    .await?;
            let version = u32::try_from(version).map_err(|_| CryptoError::Malformed)?;
            if uses.contains_key(&version) {
                continue;
            }
            if replaced_at.is_none_or(|at| clock.now_ms() - at < RETIRE_GRACE_MS) {
                report.kept.push(version);
                continue;
            }
            retire(vault, clock, version, actor.clone()).await?;
            report.retired.push(version);
        }
    }
    if report.unreadable > 0 {
        let n = i64::try_from(report.unreadable).unwrap_or(i64::MAX);
        let event = Event::new(actor.clone(), Action::FieldUnreadable, Outcome::Failure).repeats(n);
        logbook::record(vault, clock, &event).await?;
    }
    let outcome = if report.unreadable == 0 { Outcome::Success } else { Outcome::Failure };
    let event = Event::new(actor, Action::FieldsRewrapped, outcome)
        .target(TargetType::DataKey, logbook::Id::from_seq(target.into()));
    logbook::record(vault, clock, &event).await?;
    Ok(report)
}

/// How long an old key outlives its replacement at least, before a rewrap may destroy it: far
/// above the keyring's recheck (10 s) and the longest transaction that seals (a 10,000-row
/// import, seconds).
pub const RETIRE_GRACE_MS: i64 = 15 * 60 * 1000;

/// How many stored values name each data key, over `fields` (reading only each value's header,
/// so a large sealed value costs no more than a small one).
/// Enough leading bytes of a sealed value for `key_version` (which also checks the length).
const HEADER_AND_MORE: usize = 64;

pub async fn key_uses(vault: &impl Vault, fields: &[Field]) -> Result<BTreeMap<u32, u64>, CryptoError> {
    let mut uses = BTreeMap::new();
    for field in fields {
        let (table, column, id) = (field.table, field.column, field.id_column);
        let mut cursor = String::new();
        loop {
            let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(&format!(
                "SELECT {id}, SUBSTR({column}, 1, {HEADER_AND_MORE}) FROM {table} \
                 WHERE {id} > $1 AND {column} IS NOT NULL ORDER BY {id} LIMIT 1000"
            ))
            .bind(&cursor)
            .fetch_all(vault.db().pool())
            .await?;
            let Some((last, _)) = rows.last() else { break };
            cursor = last.clone();
            for (_, bytes) in rows {
                if let Some(v) = key_version(&bytes) {
                    *uses.entry(v).or_insert(0) += 1;
                }
            }
        }
    }
    Ok(uses)
}
