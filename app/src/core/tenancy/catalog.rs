//! The catalog: slug, display name, storage URL, status, timestamps. Never tenant data.
use serde::Serialize;

use super::{TenancyConfig, TenancyError};
use crate::{
    core::{
        clock::now_ms,
        db::{migrations, sqlite_url, Db, PoolLimits},
    },
    model::slug::Slug,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TenantStatus {
    /// Being created; not served. A row left in this state means creation was interrupted.
    Provisioning,
    Active,
    Disabled,
}

impl TenantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TenantStatus::Provisioning => "provisioning",
            TenantStatus::Active => "active",
            TenantStatus::Disabled => "disabled",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        match s {
            "provisioning" => Some(TenantStatus::Provisioning),
            "active" => Some(TenantStatus::Active),
            "disabled" => Some(TenantStatus::Disabled),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TenantRecord {
    pub slug: Slug,
    pub display_name: String,
    /// `sqlite:tenants/<slug>.db` (relative to the data directory) or a PostgreSQL URL without
    /// a password (that comes from `PGPASSWORD` or `~/.pgpass`, never from the catalog).
    pub storage_url: String,
    pub status: TenantStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

pub const SQLITE_PREFIX: &str = "sqlite:";

impl TenantRecord {
    pub fn connect_url(&self, config: &TenancyConfig) -> String {
        match self.storage_url.strip_prefix(SQLITE_PREFIX) {
            Some(rel) => sqlite_url(&config.data_dir.join(rel), false),
            None => self.storage_url.clone(),
        }
    }
}

type Row = (String, String, String, String, i64, i64);

fn record(row: Row) -> Option<TenantRecord> {
    let (slug, display_name, storage_url, status, created_at, updated_at) = row;
    Some(TenantRecord {
        slug: Slug::parse(&slug).ok()?,
        display_name,
        storage_url,
        status: TenantStatus::parse(&status)?,
        created_at,
        updated_at,
    })
}

const COLUMNS: &str = "slug, display_name, storage_url, status, created_at, updated_at";

pub struct Catalog {
    db: Db,
}

impl Catalog {
    pub async fn open(config: &TenancyConfig) -> Result<Self, TenancyError> {
        let url = match &config.catalog_url {
            Some(url) => url.clone(),
            None => {
                crate::core::files::private_dir(&config.data_dir)?;
                let path = config.data_dir.join("catalog.db");
                crate::core::files::private_file(&path, false)?;
                sqlite_url(&path, true)
            }
        };
        let limits = PoolLimits { max_connections: 4, ..PoolLimits::default() };
        let db = Db::connect(&url, limits).await.map_err(TenancyError::Catalog)?;
        migrations::run(&db, migrations::CATALOG).await.map_err(TenancyError::Catalog)?;
        Ok(Self { db })
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub async fn get(&self, slug: &Slug) -> Result<Option<TenantRecord>, TenancyError> {
        let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM tenants WHERE slug = $1"))
            .bind(slug.as_str())
            .fetch_optional(self.db.pool())
            .await
            .map_err(|e| TenancyError::Catalog(e.into()))?;
        Ok(row.and_then(record))
    }

    pub async fn list(&self) -> Result<Vec<TenantRecord>, TenancyError> {
        let rows: Vec<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM tenants ORDER BY slug"))
            .fetch_all(self.db.pool())
            .await
            .map_err(|e| TenancyError::Catalog(e.into()))?;
        Ok(rows.into_iter().filter_map(record).collect())
    }

    /// Registers a tenant as `provisioning`; the unique slug makes a duplicate fail here,
    /// before any storage is touched.
    pub async fn insert_provisioning(
        &self,
        slug: &Slug,
        display_name: &str,
        storage_url: &str,
    ) -> Result<TenantRecord, TenancyError> {
        let now = now_ms();
        let res = sqlx::query(
            "INSERT INTO tenants (slug, display_name, storage_url, status, created_at, updated_at) \
             VALUES ($1, $2, $3, 'provisioning', $4, $5)",
        )
        .bind(slug.as_str())
        .bind(display_name)
        .bind(storage_url)
        .bind(now)
        .bind(now)
        .execute(self.db.pool())
        .await;
        match res {
            Ok(_) => Ok(TenantRecord {
                slug: slug.clone(),
                display_name: display_name.to_string(),
                storage_url: storage_url.to_string(),
                status: TenantStatus::Provisioning,
                created_at: now,
                updated_at: now,
            }),
            Err(e) => {
                let e = crate::core::db::DbError::from(e);
                if e.is_unique_violation() {
                    Err(TenancyError::Duplicate(slug.clone()))
                } else {
                    Err(TenancyError::Catalog(e))
                }
            }
        }
    }

    /// Returns false when no such tenant exists.
    pub async fn set_status(&self, slug: &Slug, status: TenantStatus) -> Result<bool, TenancyError> {
        let done = sqlx::query("UPDATE tenants SET status = $1, updated_at = $2 WHERE slug = $3")
            .bind(status.as_str())
            .bind(now_ms())
            .bind(slug.as_str())
            .execute(self.db.pool())
            .await
            .map_err(|e| TenancyError::Catalog(e.into()))?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn delete(&self, slug: &Slug) -> Result<(), TenancyError> {
        sqlx::query("DELETE FROM tenants WHERE slug = $1")
            .bind(slug.as_str())
            .execute(self.db.pool())
            .await
            .map_err(|e| TenancyError::Catalog(e.into()))?;
        Ok(())
    }
}
