//! One code path for both backends: sqlx's `Any` driver over SQLite or PostgreSQL, portable SQL
//! with `$1` placeholders in order, portable types (TEXT, BIGINT unix-ms, BLOB/BYTEA).
pub mod migrations;

use std::{path::Path, sync::Once, time::Duration};

use sqlx::{any::AnyPoolOptions, AnyPool, Executor};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Self, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported storage URL: use sqlite: or postgres://")]
    UnsupportedUrl,
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration {version} ({name}) was changed after it was applied")]
    MigrationChanged { version: i64, name: &'static str },
    #[error("the database has schema version {found}, newer than this program knows ({known})")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("migration {version} ({name}) failed: {source}")]
    MigrationFailed { version: i64, name: &'static str, source: sqlx::Error },
}

impl DbError {
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, DbError::Sqlx(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()))
    }
}

/// How many connections one database may hold, and for how long idle ones stay open.
#[derive(Debug, Clone, Copy)]
pub struct PoolLimits {
    pub max_connections: u32,
    pub idle_timeout: Duration,
    pub acquire_timeout: Duration,
}

impl Default for PoolLimits {
    fn default() -> Self {
        Self { max_connections: 4, idle_timeout: Duration::from_secs(60), acquire_timeout: Duration::from_secs(10) }
    }
}

/// A connection pool to one database (the catalog or one tenant's), with its backend.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

static DRIVERS: Once = Once::new();

/// SQLite URL for a file, created when missing only if asked.
pub fn sqlite_url(path: &Path, create: bool) -> String {
    let mode = if create { "rwc" } else { "rw" };
    format!("sqlite://{}?mode={mode}", path.display())
}

impl Db {
    pub async fn connect(url: &str, limits: PoolLimits) -> Result<Self, DbError> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let backend = Backend::of_url(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(limits.max_connections)
            .min_connections(0)
            .idle_timeout(Some(limits.idle_timeout))
            .acquire_timeout(limits.acquire_timeout)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; NORMAL sync is crash-safe in
                        // WAL mode (a power cut may lose the last commits, never corrupt).
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await;
        let pool = match pool {
            Ok(pool) => pool,
            // The pool hides why it could not connect behind a time-out; one direct attempt
            // tells the real cause (refused, unknown database, authentication).
            Err(sqlx::Error::PoolTimedOut) => {
                use sqlx::Connection;
                sqlx::AnyConnection::connect(url).await?;
                return Err(sqlx::Error::PoolTimedOut.into());
            }
            Err(e) => return Err(e.into()),
        };
        Ok(Self { pool, backend })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Doubles `"` so a validated name can be used as a quoted SQL identifier.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
