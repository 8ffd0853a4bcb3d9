//! The logbook: per tenant, in the tenant's own database, append-only, HMAC-chained under a key
//! derived from the master key, kept at least 90 days. It records who did what and when, never
//! the data itself: see [`event`] for what an event can hold.
pub mod anonymous;
pub mod chain;
pub mod event;

use serde::Serialize;
use sqlx::{Any, Transaction};

pub use event::{Action, Actor, Event, Id, Origin, Outcome, TargetType};

use crate::core::{
    clock::{Clock, DAY_MS},
    db::Db,
};

/// What the logbook needs of whoever owns one: the database it lives in and the key its chain is
/// MACed with. Tenancy's `Tenant` is one; the logbook knows nothing above this.
pub trait Ledger {
    fn db(&self) -> &Db;
    fn logbook_key(&self) -> &[u8; 32];
}

#[derive(Debug, thiserror::Error)]
pub enum LogbookError {
    #[error("logbook database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("retention must be at least 90 days (got {0})")]
    RetentionTooShort(u32),
}

/// An event as stored, with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredEvent {
    pub seq: i64,
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub outcome: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    /// 1, or how many repeated refusals a summary stands for.
    pub repeats: i64,
    #[serde(skip)]
    pub mac: Vec<u8>,
}

impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for StoredEvent {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        Ok(Self {
            seq: row.try_get("seq")?,
            at_ms: row.try_get("at_ms")?,
            actor: row.try_get("actor")?,
            action: row.try_get("action")?,
            target_type: row.try_get("target_type")?,
            target_id: row.try_get("target_id")?,
            outcome: row.try_get("outcome")?,
            ip: row.try_get("ip")?,
            user_agent: row.try_get("user_agent")?,
            request_id: row.try_get("request_id")?,
            repeats: row.try_get("repeats")?,
            mac: row.try_get("mac")?,
        })
    }
}

const COLUMNS: &str =
    "seq, at_ms, actor, action, target_type, target_id, outcome, ip, user_agent, request_id, repeats, mac";

/// Appends `event` inside the caller's transaction, so it commits or rolls back with the action
/// it records. Returns its sequence number.
pub async fn append(
    tx: &mut Transaction<'static, Any>,
    tenant: &impl Ledger,
    clock: &dyn Clock,
    event: &Event,
) -> Result<i64, LogbookError> {
    // Taking the head row first serialises appenders (a row lock on PostgreSQL, the write lock
    // on SQLite) before anything is read, so two writers can never chain onto the same event.
    let (seq, prev): (i64, Vec<u8>) =
        sqlx::query_as("UPDATE logbook_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, mac")
            .fetch_one(&mut **tx)
            .await?;
    let mut stored = StoredEvent {
        seq,
        at_ms: clock.now_ms(),
        actor: event.actor.encode(),
        action: event.action.as_str().to_string(),
        target_type: event.target.as_ref().map(|(t, _)| t.as_str().to_string()),
        target_id: event.target.as_ref().map(|(_, id)| id.as_str().to_string()),
        outcome: event.outcome.as_str().to_string(),
        ip: event.origin.ip.map(|ip| ip.to_string()),
        user_agent: event.origin.user_agent.clone(),
        request_id: event.origin.request_id.clone(),
        repeats: event.repeats.max(1),
        mac: Vec::new(),
    };
    stored.mac = chain::mac(tenant.logbook_key(), &prev, &stored, seq);
    sqlx::query(&format!("INSERT INTO logbook ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"))
        .bind(stored.seq)
        .bind(stored.at_ms)
        .bind(&stored.actor)
        .bind(&stored.action)
        .bind(&stored.target_type)
        .bind(&stored.target_id)
        .bind(&stored.outcome)
        .bind(&stored.ip)
        .bind(&stored.user_agent)
        .bind(&stored.request_id)
        .bind(stored.repeats)
        .bind(&stored.mac)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE logbook_head SET mac = $1 WHERE id = 1").bind(&stored.mac).execute(&mut **tx).await?;
    Ok(seq)
}

/// Appends an event on its own (for events that record no write, such as a read of sensitive
/// data: call it before returning the data, and fail if it fails).
pub async fn record(tenant: &impl Ledger, clock: &dyn Clock, event: &Event) -> Result<i64, LogbookError> {
    let mut tx = tenant.db().pool().begin().await?;
    let seq = append(&mut tx, tenant, clock, event).await?;
    tx.commit().await?;
    Ok(seq)
}

/// How long events are kept: at least 90 days, by law of this product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention(u32);

impl Retention {
    pub const MIN_DAYS: u32 = 90;
    pub fn days(days: u32) -> Result<Self, LogbookError> {
        if days < Self::MIN_DAYS {
            Err(LogbookError::RetentionTooShort(days))
        } else {
            Ok(Self(days))
        }
    }
    pub fn as_days(self) -> u32 {
        self.0
    }
}

impl Default for Retention {
    fn default() -> Self {
        Self(Self::MIN_DAYS)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PruneReport {
    pub pruned: u64,
    /// The last pruned sequence number, now the checkpoint.
    pub through_seq: Option<i64>,
}

/// Deletes events older than the retention, keeping a checkpoint (seq, mac) of the last one so
/// the rest still verifies, and logs the prune itself, all in one transaction.
pub async fn prune(tenant: &impl Ledger, clock: &dyn Clock, retention: Retention) -> Result<PruneReport, LogbookError> {
    let cutoff = clock.now_ms() - i64::from(retention.as_days()) * DAY_MS;
    let mut tx = tenant.db().pool().begin().await?;
    // The longest prefix of the chain that is entirely past retention: the chain stays
    // contiguous even if a clock once stepped back.
    let last: Option<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT seq, mac FROM logbook WHERE seq = COALESCE(\
           (SELECT MIN(seq) FROM logbook WHERE at_ms >= $1) - 1, (SELECT MAX(seq) FROM logbook))",
    )
    .bind(cutoff)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((through, mac)) = last else {
        return Ok(PruneReport { pruned: 0, through_seq: None });
    };
    let event = Event::new(Actor::System, Action::LogbookPruned, Outcome::Success)
        .target(TargetType::Logbook, Id::from_seq(through));
    append(&mut tx, tenant, clock, &event).await?;
    open_prune_gate(&mut tx, tenant, true).await?;
    let pruned = sqlx::query("DELETE FROM logbook WHERE seq <= $1").bind(through).execute(&mut *tx).await?;
    open_prune_gate(&mut tx, tenant, false).await?;
    sqlx::query(
        "INSERT INTO logbook_checkpoint (id, seq, mac) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, mac = excluded.mac",
    )
    .bind(through)
    .bind(&mac)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(PruneReport { pruned: pruned.rows_affected(), through_seq: Some(through) })
}

/// The triggers refuse DELETE unless this transaction opened the gate (and even then only for
/// events past the 90-day minimum).
async fn open_prune_gate(
    tx: &mut Transaction<'static, Any>,
    tenant: &impl Ledger,
    open: bool,
) -> Result<(), sqlx::Error> {
    match tenant.db().backend() {
        crate::core::db::Backend::Sqlite => {
            sqlx::query("UPDATE logbook_gate SET open = $1 WHERE id = 1")
                .bind(i64::from(open))
                .execute(&mut **tx)
                .await?;
        }
        crate::core::db::Backend::Postgres => {
            sqlx::query(if open {
                "SELECT set_config('samtal.logbook_prune', 'on', true)"
            } else {
                "SELECT set_config('samtal.logbook_prune', 'off', true)"
            })
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// What `verify` found wrong first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Problem {
    /// The event's content was changed after it was written.
    Modified { seq: i64 },
    /// An event that was never appended sits in the chain here.
    Inserted { seq: i64 },
    /// The event with this sequence number is gone.
    Deleted { seq: i64 },
    /// The chain is broken here in a way that is not one clean edit.
    Broken { seq: i64 },
    /// A checkpoint exists that no logged prune accounts for.
    UnattestedCheckpoint { seq: i64 },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Modified { seq } => write!(f, "event {seq} was modified"),
            Problem::Inserted { seq } => write!(f, "event {seq} was inserted"),
            Problem::Deleted { seq } => write!(f, "event {seq} was deleted"),
            Problem::Broken { seq } => write!(f, "the chain is broken at event {seq}"),
            Problem::UnattestedCheckpoint { seq } => {
                write!(f, "events up to {seq} are gone with no logged prune")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub checked: u64,
    pub from_seq: i64,
    pub head_seq: i64,
    pub problem: Option<Problem>,
}

/// Walks the chain from the checkpoint to the head and names the first problem. Events are read
/// as a stream, one at a time (memory does not grow with the logbook).
pub async fn verify(tenant: &impl Ledger) -> Result<VerifyReport, LogbookError> {
    use futures::TryStreamExt as _;
    let pool = tenant.db().pool();
    let key = tenant.logbook_key();
    let (cp_seq, cp_mac): (i64, Vec<u8>) = sqlx::query_as("SELECT seq, mac FROM logbook_checkpoint WHERE id = 1")
        .fetch_optional(pool)
        .await?
        .unwrap_or((0, chain::GENESIS.to_vec()));
    let (head_seq, head_mac): (i64, Vec<u8>) =
        sqlx::query_as("SELECT seq, mac FROM logbook_head WHERE id = 1").fetch_one(pool).await?;
    let mut report = VerifyReport { checked: 0, from_seq: cp_seq + 1, head_seq, problem: None };
    let mut prev = cp_mac;
    let mut expected = cp_seq + 1;
    let mut attested = false;
    // An event that does not verify is judged by the one after it.
    let mut failing: Option<StoredEvent> = None;
    let sql = format!("SELECT {COLUMNS} FROM logbook ORDER BY seq");
    let mut events = sqlx::query_as::<_, StoredEvent>(&sql).fetch(pool);
    while let Some(e) = events.try_next().await? {
        if let Some(bad) = failing.take() {
            report.problem = Some(classify(key, &prev, &bad, Some(&e), head_seq));
            return Ok(report);
        }
        if e.seq > expected {
            report.problem = Some(Problem::Deleted { seq: expected });
            return Ok(report);
        }
        if !chain::verifies(key, &prev, &e, e.seq) {
            failing = Some(e);
            continue;
        }
        attested |= e.action == Action::LogbookPruned.as_str() && e.target_id.as_deref() == Some(&cp_seq.to_string());
        prev = e.mac;
        expected = e.seq + 1;
        report.checked += 1;
    }
    if let Some(bad) = failing {
        report.problem = Some(classify(key, &prev, &bad, None, head_seq));
    } else if expected <= head_seq {
        report.problem = Some(Problem::Deleted { seq: expected });
    } else if prev != head_mac && head_seq > 0 {
        report.problem = Some(Problem::Broken { seq: head_seq });
    } else if cp_seq > 0 && !attested {
        report.problem = Some(Problem::UnattestedCheckpoint { seq: cp_seq });
    }
    Ok(report)
}

/// What kind of edit explains an event `e` that does not chain onto `prev`, given the event after
/// it (if any).
fn classify(key: &[u8; 32], prev: &[u8], e: &StoredEvent, next: Option<&StoredEvent>, head_seq: i64) -> Problem {
    if e.seq > head_seq {
        Problem::Inserted { seq: e.seq }
    } else if next.is_some_and(|n| chain::verifies(key, &e.mac, n, n.seq)) {
        Problem::Modified { seq: e.seq }
    } else if next.is_some_and(|n| chain::verifies(key, prev, n, n.seq - 1)) {
        // The following event checks out at the number this one took: this one was slipped in
        // and the rest renumbered.
        Problem::Inserted { seq: e.seq }
    } else if chain::verifies(key, prev, e, e.seq + 1) {
        Problem::Deleted { seq: e.seq }
    } else if next.is_none() && e.seq == head_seq {
        Problem::Modified { seq: e.seq }
    } else {
        Problem::Broken { seq: e.seq }
    }
}

/// Which events to read.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub action: Option<Action>,
    pub actor: Option<String>,
    pub after_seq: Option<i64>,
    pub limit: Option<i64>,
    /// Rows to pass over first (paging); only with `limit`.
    pub offset: Option<i64>,
    /// Newest first (with `limit`: the last N).
    pub newest_first: bool,
}

/// Events in sequence order matching `filter`.
pub async fn list(tenant: &impl Ledger, filter: &Filter) -> Result<Vec<StoredEvent>, LogbookError> {
    let mut out = Vec::new();
    for_each(tenant, filter, |e| {
        out.push(e);
        Ok::<_, LogbookError>(())
    })
    .await?;
    Ok(out)
}

/// Hands every event matching `filter` to `f` as it is read, one at a time, so memory stays flat
/// whatever the logbook's size (exports). Stops at the first error `f` returns.
pub async fn for_each<E: From<LogbookError>>(
    tenant: &impl Ledger,
    filter: &Filter,
    mut f: impl FnMut(StoredEvent) -> Result<(), E>,
) -> Result<(), E> {
    use futures::TryStreamExt as _;
    let mut sql = format!("SELECT {COLUMNS} FROM logbook WHERE 1 = 1");
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    if filter.from_ms.is_some() {
        sql += &format!(" AND at_ms >= {}", next());
    }
    if filter.to_ms.is_some() {
        sql += &format!(" AND at_ms < {}", next());
    }
    if filter.action.is_some() {
        sql += &format!(" AND action = {}", next());
    }
    if filter.actor.is_some() {
        sql += &format!(" AND actor = {}", next());
    }
    if filter.after_seq.is_some() {
        sql += &format!(" AND seq > {}", next());
    }
    sql += if filter.newest_first { " ORDER BY seq DESC" } else { " ORDER BY seq" };
    if filter.limit.is_some() {
        sql += &format!(" LIMIT {}", next());
        if filter.offset.is_some() {
            sql += &format!(" OFFSET {}", next());
        }
    }
    let mut q = sqlx::query_as::<_, StoredEvent>(&sql);
    if let Some(v) = filter.from_ms {
        q = q.bind(v);
    }
    if let Some(v) = filter.to_ms {
        q = q.bind(v);
    }
    if let Some(v) = filter.action {
        q = q.bind(v.as_str());
    }
    if let Some(v) = &filter.actor {
        q = q.bind(v.clone());
    }
    if let Some(v) = filter.after_seq {
        q = q.bind(v);
    }
    if let Some(v) = filter.limit {
        q = q.bind(v);
        if let Some(o) = filter.offset {
            q = q.bind(o);
        }
    }
    let mut rows = q.fetch(tenant.db().pool());
    while let Some(e) = rows.try_next().await.map_err(LogbookError::from)? {
        f(e)?;
    }
    Ok(())
}

/// One CSV field: always quoted (RFC 4180), and defused against spreadsheet formulas as a
/// spreadsheet will split it. Swedish Excel splits on `;`, others on `,`, a paste on tabs or line
/// breaks; any of these may start a new cell, so wherever a cell could begin — the field's start
/// or right after a separator, past any spaces — a leading `=`, `+`, `-`, `@`, tab or CR gets a
/// `'` in front, which spreadsheets read as "this is text".
fn csv_field(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut cell_start = true;
    for c in s.chars() {
        if cell_start && matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r') {
            out.push('\'');
        }
        if c == '"' {
            out.push('"');
        }
        out.push(c);
        cell_start = matches!(c, ',' | ';' | '\t' | '\n' | '\r') || (cell_start && matches!(c, ' ' | '"'));
    }
    out.push('"');
    out
}

pub const CSV_HEADER: &str =
    r#""seq","time_utc","actor","action","target_type","target_id","outcome","ip","user_agent","request_id","repeats""#;

pub fn csv_row(e: &StoredEvent) -> String {
    let time = crate::model::format::iso_datetime_utc(e.at_ms.div_euclid(1000));
    [
        e.seq.to_string(),
        time,
        e.actor.clone(),
        e.action.clone(),
        e.target_type.clone().unwrap_or_default(),
        e.target_id.clone().unwrap_or_default(),
        e.outcome.clone(),
        e.ip.clone().unwrap_or_default(),
        e.user_agent.clone().unwrap_or_default(),
        e.request_id.clone().unwrap_or_default(),
        e.repeats.to_string(),
    ]
    .iter()
    .map(|f| csv_field(f))
    .collect::<Vec<_>>()
    .join(",")
}

#[cfg(test)]
mod csv_tests {
    use super::csv_field;

    #[test]
    fn every_field_is_quoted_and_every_cell_a_spreadsheet_sees_is_defused() {
        assert_eq!(csv_field("plain"), r#""plain""#);
        assert_eq!(csv_field("=1+1"), r#""'=1+1""#);
        assert_eq!(csv_field("x;=1+1"), r#""x;'=1+1""#, "Swedish Excel splits on ;");
        assert_eq!(csv_field("x,+cmd"), r#""x,'+cmd""#);
        assert_eq!(csv_field("a; @SUM(A1)"), r#""a; '@SUM(A1)""#, "spaces before the formula");
        assert_eq!(csv_field("say \"hi\"; -2"), r#""say ""hi""; '-2""#);
        assert_eq!(csv_field("Mozilla/5.0 (X11; Linux x86_64)"), r#""Mozilla/5.0 (X11; Linux x86_64)""#);
        assert_eq!(csv_field("2001:db8::1"), r#""2001:db8::1""#);
        assert_eq!(csv_field(""), r#""""#);
        // A quote a spreadsheet strips does not hide the formula behind it.
        assert_eq!(csv_field("x;\"=HYPERLINK(1)"), r#""x;""'=HYPERLINK(1)""#);
    }
}
