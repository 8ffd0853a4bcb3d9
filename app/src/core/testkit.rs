//! Fresh databases for tests, on both backends: a temporary data directory for SQLite, and for
//! PostgreSQL a catalog database plus a tenant-name prefix unique to the test, on the server at
//! `SAMTAL_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`). Used by this
//! crate's and the server's tests; nothing in the product calls it.
use std::{
    sync::{
        atomic::{AtomicU32, Ordering},
        Arc,
    },
    time::{SystemTime, UNIX_EPOCH},
};

use super::{
    db::{quote_ident, Backend, Db, PoolLimits},
    tenancy::{provision::StorageTarget, Tenancy, TenancyConfig},
};

pub fn pg_url() -> String {
    std::env::var("SAMTAL_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A name no other test (or test run) uses.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{prefix}{}_{}_{nanos:x}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

pub struct TestEnv {
    pub backend: Backend,
    pub dir: tempfile::TempDir,
    pub config: TenancyConfig,
    pub tenancy: Arc<Tenancy>,
}

impl TestEnv {
    /// A fresh catalog (and, on PostgreSQL, a fresh database prefix) for one test.
    pub async fn new(backend: Backend) -> Self {
        Self::with(backend, |_| {}).await
    }

    pub async fn with(backend: Backend, tweak: impl FnOnce(&mut TenancyConfig)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = Arc::new(super::keys::MasterKey::random().expect("random key"));
        let mut config = TenancyConfig::new(dir.path(), key);
        if backend == Backend::Postgres {
            let prefix = unique("samtal_t");
            let catalog = format!("{prefix}_catalog");
            admin(&format!("CREATE DATABASE {}", quote_ident(&catalog))).await;
            config.catalog_url = Some(on_db(&pg_url(), &catalog));
            config.pg_db_prefix = format!("{prefix}_");
        }
        tweak(&mut config);
        let tenancy = Tenancy::open(config.clone()).await.expect("open tenancy");
        Self { backend, dir, config, tenancy }
    }

    pub fn target(&self) -> StorageTarget {
        match self.backend {
            Backend::Sqlite => StorageTarget::Sqlite,
            Backend::Postgres => StorageTarget::Postgres { cluster_url: pg_url() },
        }
    }

    /// Drops this test's PostgreSQL databases. Call at the end of a test.
    pub async fn cleanup(self) {
        self.tenancy.pools().close_all().await;
        self.tenancy.catalog().db().close().await;
        if self.backend == Backend::Postgres {
            let db = Db::connect(&pg_url(), PoolLimits::default()).await.expect("pg");
            let names: Vec<String> =
                sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE starts_with(datname::text, $1)")
                    .bind(self.config.pg_db_prefix.trim_end_matches('_'))
                    .fetch_all(db.pool())
                    .await
                    .expect("list");
            for n in names {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(&n)))
                    .execute(db.pool())
                    .await;
            }
            db.close().await;
        }
    }
}

/// Runs one statement on the test cluster's maintenance database.
pub async fn admin(sql: &str) {
    let db = Db::connect(&pg_url(), PoolLimits { max_connections: 1, ..PoolLimits::default() })
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::query(sql).execute(db.pool()).await.expect(sql);
    db.close().await;
}

/// The same cluster URL pointing at another database.
pub fn on_db(cluster_url: &str, db: &str) -> String {
    let mut u = url::Url::parse(cluster_url).expect("url");
    u.set_path(&format!("/{db}"));
    u.to_string()
}

/// Runs an async test body `fn name(Backend)` once per backend, as `name::sqlite` and
/// `name::postgres`, each on a multi-threaded runtime.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::core::db::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::core::db::Backend::Postgres).await
            }
        }
    )*};
}
