//! Creating tenants, and migrating all of them. Creation either finishes (catalog row active,
//! database migrated) or leaves nothing: no catalog row, no database file, no PostgreSQL database.
use std::time::Instant;

use futures::{stream, StreamExt};

use super::{catalog::SQLITE_PREFIX, Tenancy, TenancyError, TenantRecord, TenantStatus};
use crate::{
    core::{
        db::{migrations, quote_ident, sqlite_url, Db, DbError, PoolLimits},
        logbook::{self, Action, Actor, Event, Id, Outcome, TargetType},
        organisation,
        tenancy::Tenant,
    },
    model::slug::Slug,
};

#[derive(Debug, Clone)]
pub enum StorageTarget {
    /// `<data_dir>/tenants/<slug>.db`
    Sqlite,
    /// A database `<prefix><slug>` created on this cluster (URL of any database on it, used
    /// to run CREATE DATABASE).
    Postgres { cluster_url: String },
}

pub fn validate_display_name(name: &str) -> Result<String, TenancyError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(TenancyError::DisplayName);
    }
    Ok(name.to_string())
}

fn one_connection() -> PoolLimits {
    PoolLimits { max_connections: 1, acquire_timeout: std::time::Duration::from_secs(5), ..PoolLimits::default() }
}

/// The tenant database URL on a cluster, without any password.
fn tenant_pg_url(cluster_url: &str, db_name: &str) -> Result<String, TenancyError> {
    let mut url = url::Url::parse(cluster_url).map_err(|_| TenancyError::Storage(DbError::UnsupportedUrl))?;
    if !matches!(url.scheme(), "postgres" | "postgresql") {
        return Err(TenancyError::Storage(DbError::UnsupportedUrl));
    }
    let _ = url.set_password(None);
    url.set_path(&format!("/{db_name}"));
    Ok(url.to_string())
}

enum Made {
    Nothing,
    SqliteFile(std::path::PathBuf),
    PgDatabase { cluster_url: String, name: String },
}

impl Tenancy {
    pub async fn create_tenant(
        &self,
        slug: &Slug,
        display_name: &str,
        target: StorageTarget,
    ) -> Result<TenantRecord, TenancyError> {
        let display_name = validate_display_name(display_name)?;
        let storage_url = match &target {
            StorageTarget::Sqlite => format!("{SQLITE_PREFIX}tenants/{slug}.db"),
            StorageTarget::Postgres { cluster_url } => {
                tenant_pg_url(cluster_url, &format!("{}{slug}", self.config.pg_db_prefix))?
            }
        };
        let record = self.catalog.insert_provisioning(slug, &display_name, &storage_url).await?;
        let mut made = Made::Nothing;
        match self.provision(&record, &target, &mut made).await {
            Ok(()) => {
                self.catalog.set_status(slug, TenantStatus::Active).await?;
                self.forget(slug);
                Ok(TenantRecord { status: TenantStatus::Active, ..record })
            }
            Err(e) => {
                tracing::warn!(tenant = %slug, error = %e, "tenant creation failed; rolling back");
                self.undo(&made).await;
                if let Err(undo) = self.catalog.delete(slug).await {
                    tracing::error!(tenant = %slug, error = %undo, "could not remove catalog row");
                }
                Err(e)
            }
        }
    }

    async fn provision(
        &self,
        record: &TenantRecord,
        target: &StorageTarget,
        made: &mut Made,
    ) -> Result<(), TenancyError> {
        let url = match target {
            StorageTarget::Sqlite => {
                let dir = self.config.tenants_dir();
                crate::core::files::private_dir(&dir)?;
                let path = dir.join(format!("{}.db", record.slug));
                // Made here, 0600, before SQLite opens it; an existing file is someone's data.
                match crate::core::files::private_file(&path, true) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        return Err(TenancyError::StorageExists(record.slug.clone(), path.display().to_string()));
                    }
                    Err(e) => return Err(e.into()),
                }
                *made = Made::SqliteFile(path.clone());
                sqlite_url(&path, true)
            }
            StorageTarget::Postgres { cluster_url } => {
                let name = format!("{}{}", self.config.pg_db_prefix, record.slug);
                let admin = Db::connect(cluster_url, one_connection()).await.map_err(TenancyError::Storage)?;
                let created =
                    sqlx::query(&format!("CREATE DATABASE {}", quote_ident(&name))).execute(admin.pool()).await;
                admin.close().await;
                match created {
                    Ok(_) => {}
                    Err(e) if e.as_database_error().and_then(|d| d.code()).as_deref() == Some("42P04") => {
                        return Err(TenancyError::StorageExists(record.slug.clone(), name));
                    }
                    Err(e) => return Err(TenancyError::Storage(e.into())),
                }
                *made = Made::PgDatabase { cluster_url: cluster_url.clone(), name };
                record.storage_url.clone()
            }
        };
        let db = Db::connect(&url, one_connection()).await.map_err(TenancyError::Storage)?;
        let result = async {
            migrations::run(&db, migrations::TENANT).await.map_err(TenancyError::Storage)?;
            let tenant = Tenant::open(record.slug.clone(), db.clone(), &self.config.master_key).await?;
            let mut tx = db.pool().begin().await.map_err(|e| TenancyError::Storage(e.into()))?;
            organisation::set_name_in(&mut tx, &record.display_name).await.map_err(TenancyError::Storage)?;
            let event = Event::new(Actor::System, Action::TenantCreated, Outcome::Success)
                .target(TargetType::Tenant, tenant_id(&record.slug));
            logbook::append(&mut tx, &tenant, self.config.clock.as_ref(), &event).await?;
            tx.commit().await.map_err(|e| TenancyError::Storage(e.into()))
        }
        .await;
        db.close().await;
        result
    }

    async fn undo(&self, made: &Made) {
        match made {
            Made::Nothing => {}
            Made::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let p = format!("{}{suffix}", path.display());
                    if let Err(e) = std::fs::remove_file(&p) {
                        if e.kind() != std::io::ErrorKind::NotFound {
                            tracing::error!(file = %p, error = %e, "could not remove tenant file");
                        }
                    }
                }
            }
            Made::PgDatabase { cluster_url, name } => {
                let dropped = async {
                    let admin = Db::connect(cluster_url, one_connection()).await?;
                    let r = sqlx::query(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(name)))
                        .execute(admin.pool())
                        .await;
                    admin.close().await;
                    r.map_err(DbError::from)
                }
                .await;
                if let Err(e) = dropped {
                    tracing::error!(database = %name, error = %e, "could not drop tenant database");
                }
            }
        }
    }

    pub async fn set_enabled(&self, slug: &Slug, enabled: bool) -> Result<(), TenancyError> {
        let record = self.catalog.get(slug).await?.ok_or_else(|| TenancyError::NotFound(slug.clone()))?;
        if record.status == TenantStatus::Provisioning {
            return Err(TenancyError::NotFound(slug.clone()));
        }
        let status = if enabled { TenantStatus::Active } else { TenantStatus::Disabled };
        // Logged in the tenant's own logbook first: if that fails, the status stays as it was.
        let tenant = self.connect(&record).await?;
        let action = if enabled { Action::TenantEnabled } else { Action::TenantDisabled };
        let event = Event::new(Actor::System, action, Outcome::Success).target(TargetType::Tenant, tenant_id(slug));
        logbook::record(&tenant, self.config.clock.as_ref(), &event).await?;
        self.catalog.set_status(slug, status).await?;
        self.forget(slug);
        if !enabled {
            self.pools.forget(slug);
        }
        Ok(())
    }

    /// Runs `work` on every registered tenant's database (its own short-lived connection, not
    /// the pools), `concurrency` at a time, calling `progress(done, total)` as each ends. A tenant
    /// that fails is in the results with its error; the others go on.
    pub(crate) async fn on_each_tenant<T, E, F, Fut>(
        &self,
        concurrency: usize,
        progress: impl Fn(usize, usize),
        connect_failed: fn(DbError) -> E,
        work: F,
    ) -> Result<Vec<(Slug, Result<T, E>)>, TenancyError>
    where
        F: Fn(Db, Slug) -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        let records: Vec<_> =
            self.catalog.list().await?.into_iter().filter(|r| r.status != TenantStatus::Provisioning).collect();
        let total = records.len();
        let work = &work;
        let mut results = stream::iter(records)
            .map(|r| async move {
                let res = match Db::connect(&r.connect_url(&self.config), one_connection()).await {
                    Ok(db) => {
                        let out = work(db.clone(), r.slug.clone()).await;
                        db.close().await;
                        out
                    }
                    Err(e) => Err(connect_failed(e)),
                };
                (r.slug, res)
            })
            .buffer_unordered(concurrency.max(1));
        let mut out = Vec::with_capacity(total);
        while let Some(done) = results.next().await {
            out.push(done);
            progress(out.len(), total);
        }
        Ok(out)
    }

    /// Migrates every registered tenant, `concurrency` at a time. One failing tenant is
    /// reported and does not stop the others.
    pub async fn migrate_all(
        &self,
        concurrency: usize,
        progress: impl Fn(usize, usize),
    ) -> Result<MigrateReport, TenancyError> {
        let started = Instant::now();
        let mut report = MigrateReport::default();
        let results = self
            .on_each_tenant(
                concurrency,
                progress,
                |e| e,
                |db, _| async move { migrations::run(&db, migrations::TENANT).await },
            )
            .await?;
        for (slug, res) in results {
            match res {
                Ok(migrations::Outcome::UpToDate) => report.up_to_date += 1,
                Ok(migrations::Outcome::Applied(v)) => report.migrated.push((slug, v)),
                Err(e) => report.failed.push((slug, e.to_string())),
            }
        }
        report.failed.sort();
        report.migrated.sort();
        report.elapsed = started.elapsed();
        Ok(report)
    }
}

impl Tenancy {
    /// The retention prune for every tenant's logbook (the server runs it daily). A tenant that
    /// fails is reported and the others go on.
    pub async fn prune_logbooks(
        &self,
        retention: logbook::Retention,
    ) -> Vec<(Slug, Result<logbook::PruneReport, String>)> {
        let records = match self.catalog.list().await {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "logbook prune: cannot list tenants");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for r in records.into_iter().filter(|r| r.status != TenantStatus::Provisioning) {
            let res = match self.connect(&r).await {
                Ok(t) => logbook::prune(&t, self.config.clock.as_ref(), retention).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            out.push((r.slug, res));
        }
        out
    }
}

/// Slugs are lowercase letters, digits and '-': always a valid logbook id.
fn tenant_id(slug: &Slug) -> Id {
    Id::parse(slug.as_str()).unwrap_or_else(|_| Id::from_seq(0))
}

#[derive(Debug, Default)]
pub struct MigrateReport {
    pub up_to_date: usize,
    pub migrated: Vec<(Slug, Vec<i64>)>,
    pub failed: Vec<(Slug, String)>,
    pub elapsed: std::time::Duration,
}
