//! One database per customer. The catalog says which tenants exist and where their data lives;
//! [`Tenancy`] resolves a request's tenant and hands out a [`Tenant`], the only value tenant
//! queries accept, so no code path can query "some" tenant without naming it.
pub mod catalog;
pub mod host;
pub mod master;
pub mod pools;
pub mod provision;

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use crate::{
    core::{
        clock::{Clock, SystemClock},
        crypto::Keyring,
        db::{Db, DbError, PoolLimits},
        keys::MasterKey,
    },
    model::slug::Slug,
};
pub use catalog::{Catalog, TenantRecord, TenantStatus};
pub use host::Routing;
pub use pools::TenantPools;

/// A resolved tenant: its slug, its own database and its keys. Every tenant query and every
/// logbook append takes one, so none can run against "some" tenant.
#[derive(Clone)]
pub struct Tenant {
    slug: Slug,
    db: Db,
    keys: Arc<TenantKeys>,
}

struct TenantKeys {
    logbook: zeroize::Zeroizing<[u8; 32]>,
    handover: zeroize::Zeroizing<[u8; 32]>,
    /// The KEK and the data keys this process has unwrapped (envelope encryption).
    keyring: Keyring,
}

impl std::fmt::Debug for Tenant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tenant").field("slug", &self.slug).finish_non_exhaustive()
    }
}

/// The HKDF purpose of a tenant's logbook key, for tenants whose key has not been pinned.
pub const LOGBOOK_PURPOSE: &str = "samtal/logbook/v1";

impl Tenant {
    /// A tenant over its open database. Its logbook key is the one pinned in `data_keys` (wrapped
    /// under the KEK; a master-key rotation pins it, so the chain stays verifiable under the
    /// new master), or else derived from the master key as it always was.
    pub(crate) async fn open(slug: Slug, db: Db, master: &MasterKey) -> Result<Self, TenancyError> {
        let keyring = Keyring::new(slug.as_str(), master);
        let logbook = match keyring.pinned_logbook_key(&db).await.map_err(TenancyError::Keys)? {
            Some(key) => key,
            None => master.derive(LOGBOOK_PURPOSE, slug.as_str().as_bytes()),
        };
        // One-time links live for minutes: after a master rotation they are simply made anew.
        let handover = master.derive("samtal/link-handover/v1", slug.as_str().as_bytes());
        Ok(Self { slug, db, keys: Arc::new(TenantKeys { logbook, handover, keyring }) })
    }
    pub fn slug(&self) -> &Slug {
        &self.slug
    }
    pub fn db(&self) -> &Db {
        &self.db
    }
    /// Seals one-time links on their way to the admin's page (`auth::handover`).
    pub(crate) fn handover_key(&self) -> &[u8; 32] {
        &self.keys.handover
    }
}

impl crate::core::crypto::Vault for Tenant {
    fn keyring(&self) -> &Keyring {
        &self.keys.keyring
    }
}

impl crate::core::logbook::Ledger for Tenant {
    fn db(&self) -> &Db {
        &self.db
    }
    fn logbook_key(&self) -> &[u8; 32] {
        &self.keys.logbook
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TenancyError {
    #[error("invalid tenant name: {0}")]
    Slug(#[from] crate::model::slug::SlugError),
    #[error("a tenant named {0} already exists")]
    Duplicate(Slug),
    #[error("no tenant named {0}")]
    NotFound(Slug),
    #[error("the display name must be 1 to 200 characters without control characters")]
    DisplayName,
    #[error("storage for {0} already exists ({1}); refusing to reuse it")]
    StorageExists(Slug, String),
    #[error("the catalog database is unavailable: {0}")]
    Catalog(#[source] DbError),
    #[error("the tenant database is unavailable: {0}")]
    Storage(#[source] DbError),
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),
    #[error("the logbook could not be written: {0}")]
    Logbook(#[from] crate::core::logbook::LogbookError),
    #[error("the organisation's keys cannot be opened: {0}")]
    Keys(#[source] crate::core::crypto::CryptoError),
}

/// Why a request got no tenant. Each maps to its own status and page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("the request has no Host header")]
    MissingHost,
    #[error("the Host header is malformed")]
    MalformedHost,
    #[error("no organisation at this address")]
    UnknownTenant,
    #[error("this organisation's account is disabled")]
    Disabled,
    #[error("this organisation's database is unavailable")]
    Unavailable,
}

#[derive(Debug, Clone)]
pub struct TenancyConfig {
    pub data_dir: PathBuf,
    /// The master key, from which each tenant's logbook key (and later data keys) derive.
    pub master_key: Arc<MasterKey>,
    /// Time for the events tenancy logs (tests move it).
    pub clock: Arc<dyn Clock>,
    /// PostgreSQL URL of the catalog; `None` keeps it in `<data_dir>/catalog.db`.
    pub catalog_url: Option<String>,
    /// Prefix of tenant database names on PostgreSQL (`samtal_<slug>`).
    pub pg_db_prefix: String,
    pub routing: Routing,
    pub tenant_limits: PoolLimits,
    /// Most tenant pools open at once; the least recently used is closed beyond it.
    pub max_open_tenants: usize,
    /// A tenant pool unused this long is closed.
    pub tenant_idle: Duration,
    /// How long a catalog lookup is trusted before it is read again (disable takes this long).
    pub catalog_cache_ttl: Duration,
}

impl TenancyConfig {
    pub fn new(data_dir: impl Into<PathBuf>, master_key: Arc<MasterKey>) -> Self {
        Self {
            data_dir: data_dir.into(),
            master_key,
            clock: Arc::new(SystemClock),
            catalog_url: None,
            pg_db_prefix: "samtal_".into(),
            routing: Routing::Subdomain { base_domain: "localhost".into() },
            tenant_limits: PoolLimits::default(),
            max_open_tenants: 100,
            tenant_idle: Duration::from_secs(300),
            catalog_cache_ttl: Duration::from_secs(2),
        }
    }

    pub fn tenants_dir(&self) -> PathBuf {
        self.data_dir.join("tenants")
    }
}

/// The tenancy service the server and the CLI share.
pub struct Tenancy {
    config: TenancyConfig,
    catalog: Catalog,
    pools: TenantPools,
    lookups: Mutex<HashMap<Slug, (Instant, Option<TenantRecord>)>>,
}

impl Tenancy {
    pub async fn open(config: TenancyConfig) -> Result<Arc<Self>, TenancyError> {
        let catalog = Catalog::open(&config).await?;
        let pools = TenantPools::new(config.max_open_tenants, config.tenant_idle, config.tenant_limits);
        Ok(Arc::new(Self { config, catalog, pools, lookups: Mutex::new(HashMap::new()) }))
    }

    pub fn config(&self) -> &TenancyConfig {
        &self.config
    }
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }
    pub fn pools(&self) -> &TenantPools {
        &self.pools
    }

    /// The tenant a request is for, from its Host header.
    pub async fn resolve(&self, host: Option<&str>) -> Result<Tenant, ResolveError> {
        let slug = self.config.routing.slug_for(host)?;
        self.open_active(&slug).await
    }

    /// An active tenant by slug (CLI, jobs), with the same checks as a request.
    pub async fn open_active(&self, slug: &Slug) -> Result<Tenant, ResolveError> {
        let record = self.lookup(slug).await?.ok_or(ResolveError::UnknownTenant)?;
        match record.status {
            TenantStatus::Active => {}
            TenantStatus::Disabled => return Err(ResolveError::Disabled),
            TenantStatus::Provisioning => return Err(ResolveError::UnknownTenant),
        }
        self.connect(&record).await.map_err(|e| {
            tracing::error!(tenant = %slug, error = %e, "tenant database unavailable");
            ResolveError::Unavailable
        })
    }

    /// A tenant regardless of status (administration), opened once and then shared.
    pub async fn connect(&self, record: &TenantRecord) -> Result<Tenant, TenancyError> {
        let url = record.connect_url(&self.config);
        self.pools
            .get(&record.slug, |limits| async move {
                let db = Db::connect(&url, limits).await.map_err(TenancyError::Storage)?;
                Tenant::open(record.slug.clone(), db, &self.config.master_key).await
            })
            .await
    }

    async fn lookup(&self, slug: &Slug) -> Result<Option<TenantRecord>, ResolveError> {
        let ttl = self.config.catalog_cache_ttl;
        if let Ok(cache) = self.lookups.lock() {
            if let Some((at, rec)) = cache.get(slug) {
                if at.elapsed() < ttl {
                    return Ok(rec.clone());
                }
            }
        }
        let rec = self.catalog.get(slug).await.map_err(|e| {
            tracing::error!(error = %e, "catalog lookup failed");
            ResolveError::Unavailable
        })?;
        if let Ok(mut cache) = self.lookups.lock() {
            // Bounded: a scan of random subdomains must not grow memory without limit.
            if cache.len() >= 10_000 {
                cache.clear();
            }
            cache.insert(slug.clone(), (Instant::now(), rec.clone()));
        }
        Ok(rec)
    }

    /// Forgets cached catalog answers, e.g. after this process changed a tenant's status.
    pub fn forget(&self, slug: &Slug) {
        if let Ok(mut cache) = self.lookups.lock() {
            cache.remove(slug);
        }
    }
}
