//! Embedded migrations and the runner. "Nothing to apply" costs one small read, so `samtal
//! migrate` over a thousand up-to-date tenants takes seconds.
use sha2::{Digest, Sha256};

use super::{Backend, Db, DbError};
use crate::core::clock::now_ms;

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

impl Migration {
    fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }
}

/// `migration!(set, version, file)` uses `migrations/<set>/<file>.sql` on both backends;
/// `migration!(set, version, file, per_backend)` uses `<set>/sqlite/…` and `<set>/postgres/…`
/// where the DDL must differ.
macro_rules! migration {
    ($set:literal, $version:literal, $file:literal) => {
        Migration {
            version: $version,
            name: $file,
            sqlite: include_str!(concat!("../../../../migrations/", $set, "/", $file, ".sql")),
            postgres: include_str!(concat!("../../../../migrations/", $set, "/", $file, ".sql")),
        }
    };
    ($set:literal, $version:literal, $file:literal, per_backend) => {
        Migration {
            version: $version,
            name: $file,
            sqlite: include_str!(concat!("../../../../migrations/", $set, "/sqlite/", $file, ".sql")),
            postgres: include_str!(concat!("../../../../migrations/", $set, "/postgres/", $file, ".sql")),
        }
    };
}

pub static CATALOG: &[Migration] =
    &[migration!("catalog", 1, "0001_tenants"), migration!("catalog", 2, "0002_erasure_ledger")];
pub static TENANT: &[Migration] = &[
    migration!("tenant", 1, "0001_organisation"),
    migration!("tenant", 2, "0002_logbook", per_backend),
    migration!("tenant", 3, "0003_auth"),
    migration!("tenant", 4, "0004_password_policy"),
    migration!("tenant", 5, "0005_logbook_repeats"),
    migration!("tenant", 6, "0006_time_zone"),
    migration!("tenant", 7, "0007_language"),
    migration!("tenant", 8, "0008_data_keys", per_backend),
    migration!("tenant", 9, "0009_people", per_backend),
    migration!("tenant", 10, "0010_talks", per_backend),
    migration!("tenant", 11, "0011_erasure", per_backend),
    migration!("tenant", 12, "0012_retention"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    UpToDate,
    Applied(Vec<i64>),
}

fn checksum(sql: &str) -> String {
    Sha256::digest(sql.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)";

async fn applied(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as::<_, (i64, String)>("SELECT version, checksum FROM schema_migrations ORDER BY version")
        .fetch_all(db.pool())
        .await
}

/// Whether every migration of `set` is applied (what readiness asks; applies nothing).
pub async fn is_current(db: &Db, set: &'static [Migration]) -> Result<bool, DbError> {
    let done = applied(db).await?;
    Ok(set.iter().all(|m| done.iter().any(|(v, _)| *v == m.version)))
}

pub async fn run(db: &Db, set: &'static [Migration]) -> Result<Outcome, DbError> {
    let done = match applied(db).await {
        Ok(rows) => rows,
        Err(_) => {
            sqlx::query(CREATE_TABLE).execute(db.pool()).await?;
            applied(db).await?
        }
    };
    let known = set.last().map_or(0, |m| m.version);
    if let Some(&(found, _)) = done.last() {
        if found > known {
            return Err(DbError::SchemaTooNew { found, known });
        }
    }
    for (version, sum) in &done {
        if let Some(m) = set.iter().find(|m| m.version == *version) {
            if checksum(m.sql(db.backend())) != *sum {
                return Err(DbError::MigrationChanged { version: m.version, name: m.name });
            }
        }
    }
    let mut applied_now = Vec::new();
    for m in set.iter().filter(|m| !done.iter().any(|(v, _)| *v == m.version)) {
        let sql = m.sql(db.backend());
        let fail = |source| DbError::MigrationFailed { version: m.version, name: m.name, source };
        let mut tx = db.pool().begin().await?;
        if db.backend() == Backend::Postgres {
            // Two processes migrating one database at once: the second waits, then skips.
            sqlx::query("SELECT pg_advisory_xact_lock(7275797409)").execute(&mut *tx).await?;
        }
        let already: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_optional(&mut *tx)
            .await?;
        if already.is_some() {
            continue;
        }
        sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(fail)?;
        sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(checksum(sql))
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        applied_now.push(m.version);
    }
    Ok(if applied_now.is_empty() { Outcome::UpToDate } else { Outcome::Applied(applied_now) })
}
