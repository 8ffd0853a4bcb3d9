//! Tenancy on real databases: every test runs on SQLite files and on the local PostgreSQL,
//! each on fresh databases.
use app::on_both_backends;
use std::sync::Arc;

use app::{
    core::{
        clock::SystemClock,
        db::{migrations, quote_ident, Backend, Db, DbError, PoolLimits},
        logbook::Actor,
        organisation,
        tenancy::{provision::StorageTarget, ResolveError, TenancyError, TenantStatus},
        testkit::{admin, TestEnv},
    },
    model::slug::Slug,
};

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("slug")
}

on_both_backends!(
    tenants_see_only_their_own_data,
    duplicate_slug_creates_nothing,
    bad_display_name_creates_nothing,
    unreachable_postgres_leaves_no_half_registered_tenant,
    existing_storage_is_never_reused_or_removed,
    concurrent_first_requests_connect_once,
    open_pools_are_bounded,
    disabled_tenant_is_refused_until_enabled,
    migrate_reports_a_broken_tenant_and_migrates_the_rest,
    migrations_are_idempotent_and_edits_are_refused,
    restart_keeps_everything,
    the_frame_keeps_profiles_apart_and_forgets_a_change,
);

/// The frame's profile cache: one entry per organisation, a change made through the setter's
/// `forget` shows at once, one made behind its back (another process, the CLI) only after the
/// entry's few seconds.
async fn the_frame_keeps_profiles_apart_and_forgets_a_change(b: Backend) {
    use app::model::lang::Lang;
    let env = TestEnv::new(b).await;
    for (s, name) in [("acme", "Acme AB"), ("beta", "Beta AB")] {
        env.tenancy.create_tenant(&slug(s), name, env.target()).await.expect("create");
    }
    let acme = env.tenancy.open_active(&slug("acme")).await.expect("acme");
    let beta = env.tenancy.open_active(&slug("beta")).await.expect("beta");
    let cache = organisation::ProfileCache::default();
    let name = |p: Option<organisation::Profile>| p.expect("profile").name;
    assert_eq!(name(cache.get(&acme).await.expect("acme")), "Acme AB");
    assert_eq!(name(cache.get(&beta).await.expect("beta")), "Beta AB");
    organisation::set_settings(&acme, Actor::System, &SystemClock, Lang::En, "Europe/London").await.expect("set");
    let kept = cache.get(&acme).await.expect("acme").expect("profile");
    assert_eq!(kept.language, Lang::Sv, "read again at once: the entry is kept");
    cache.forget(&acme);
    let fresh = cache.get(&acme).await.expect("acme").expect("profile");
    assert_eq!((fresh.language, fresh.time_zone.as_str()), (Lang::En, "Europe/London"));
    assert_eq!(cache.get(&beta).await.expect("beta").expect("profile").language, Lang::Sv);
    env.cleanup().await;
}

/// Password hashes and sessions live in these files: only the server's user may read them, even
/// under the usual umask 022 (which the test process has).
#[cfg(unix)]
#[tokio::test]
async fn tenant_files_and_folders_are_private_to_the_server() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new(Backend::Sqlite).await;
    env.tenancy.create_tenant(&slug("acme"), "Acme AB", StorageTarget::Sqlite).await.expect("create");
    let t = env.tenancy.open_active(&slug("acme")).await.expect("open");
    organisation::rename(&t, Actor::System, &SystemClock, "Acme Group AB").await.expect("write");
    let mode = |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    let data = env.config.data_dir.clone();
    assert_eq!(mode(&data.join("tenants")), 0o700);
    let mut files = 0;
    for dir in [data.clone(), data.join("tenants")] {
        for entry in std::fs::read_dir(&dir).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                files += 1;
                assert_eq!(mode(&path), 0o600, "{} is readable by others", path.display());
            }
        }
    }
    assert!(files >= 4, "catalog.db, acme.db and their WAL files: {files}");
    env.cleanup().await;
}

/// A failure after the database file exists (here SQLite cannot create its WAL file, as on a
/// full or broken disk): the file and the catalog row are both gone afterwards.
#[tokio::test]
async fn a_failure_halfway_leaves_neither_file_nor_catalog_row() {
    let env = TestEnv::new(Backend::Sqlite).await;
    let dir = env.dir.path().join("tenants");
    std::fs::create_dir_all(dir.join("acme.db-wal")).expect("block the WAL file");
    let err = env.tenancy.create_tenant(&slug("acme"), "Acme AB", env.target()).await.expect_err("must fail");
    assert!(matches!(err, TenancyError::Storage(_)), "{err}");
    assert!(!dir.join("acme.db").exists(), "the half-made database file was left behind");
    assert!(env.tenancy.catalog().get(&slug("acme")).await.expect("get").is_none());
    // Once the disk is fine again, the same tenant can be created.
    std::fs::remove_dir(dir.join("acme.db-wal")).expect("unblock");
    env.tenancy.create_tenant(&slug("acme"), "Acme AB", env.target()).await.expect("retry");
    env.cleanup().await;
}

async fn tenants_see_only_their_own_data(b: Backend) {
    let env = TestEnv::new(b).await;
    let t = &env.tenancy;
    t.create_tenant(&slug("acme"), "Acme AB", env.target()).await.expect("acme");
    t.create_tenant(&slug("beta"), "Beta AB", env.target()).await.expect("beta");
    let acme = t.open_active(&slug("acme")).await.expect("open acme");
    let beta = t.open_active(&slug("beta")).await.expect("open beta");
    assert_eq!(organisation::name(&acme).await.expect("read").as_deref(), Some("Acme AB"));
    assert_eq!(organisation::name(&beta).await.expect("read").as_deref(), Some("Beta AB"));
    organisation::rename(&acme, Actor::System, &SystemClock, "Acme Sverige AB").await.expect("write");
    assert_eq!(organisation::name(&acme).await.expect("read").as_deref(), Some("Acme Sverige AB"));
    assert_eq!(organisation::name(&beta).await.expect("read").as_deref(), Some("Beta AB"));
    // Physically separate databases.
    match b {
        Backend::Sqlite => {
            assert!(env.dir.path().join("tenants/acme.db").is_file());
            assert!(env.dir.path().join("tenants/beta.db").is_file());
        }
        Backend::Postgres => {
            let rec = t.catalog().get(&slug("acme")).await.expect("get").expect("row");
            assert!(rec.storage_url.ends_with(&format!("/{}acme", env.config.pg_db_prefix)));
            assert!(!rec.storage_url.contains("password"));
        }
    }
    env.cleanup().await;
}

async fn duplicate_slug_creates_nothing(b: Backend) {
    let env = TestEnv::new(b).await;
    let t = &env.tenancy;
    t.create_tenant(&slug("acme"), "Acme AB", env.target()).await.expect("first");
    let tenant = t.open_active(&slug("acme")).await.expect("open");
    organisation::rename(&tenant, Actor::System, &SystemClock, "Kept").await.expect("write");
    let err = t.create_tenant(&slug("acme"), "Other AB", env.target()).await.expect_err("duplicate");
    assert!(matches!(err, TenancyError::Duplicate(_)), "{err}");
    assert_eq!(t.catalog().list().await.expect("list").len(), 1);
    // The first tenant and its data are untouched.
    let rec = t.catalog().get(&slug("acme")).await.expect("get").expect("row");
    assert_eq!(rec.display_name, "Acme AB");
    assert_eq!(rec.status, TenantStatus::Active);
    assert_eq!(organisation::name(&tenant).await.expect("read").as_deref(), Some("Kept"));
    env.cleanup().await;
}

async fn bad_display_name_creates_nothing(b: Backend) {
    let env = TestEnv::new(b).await;
    for name in ["", "   ", "Acme\u{0}AB", &"x".repeat(201)] {
        let err = env.tenancy.create_tenant(&slug("acme"), name, env.target()).await.expect_err("bad");
        assert!(matches!(err, TenancyError::DisplayName), "{err}");
    }
    assert!(env.tenancy.catalog().list().await.expect("list").is_empty());
    assert!(!env.dir.path().join("tenants/acme.db").exists());
    env.cleanup().await;
}

async fn unreachable_postgres_leaves_no_half_registered_tenant(b: Backend) {
    let env = TestEnv::new(b).await;
    let target = StorageTarget::Postgres { cluster_url: "postgres://postgres@127.0.0.1:1/postgres".into() };
    let err = env.tenancy.create_tenant(&slug("acme"), "Acme AB", target).await.expect_err("unreachable");
    assert!(matches!(err, TenancyError::Storage(_)), "{err}");
    assert!(env.tenancy.catalog().get(&slug("acme")).await.expect("get").is_none());
    // The slug is free again once the cluster is reachable.
    env.tenancy.create_tenant(&slug("acme"), "Acme AB", env.target()).await.expect("retry");
    env.cleanup().await;
}

async fn existing_storage_is_never_reused_or_removed(b: Backend) {
    let env = TestEnv::new(b).await;
    match b {
        Backend::Sqlite => {
            let dir = env.dir.path().join("tenants");
            std::fs::create_dir_all(&dir).expect("dir");
            std::fs::write(dir.join("acme.db"), b"someone else's file").expect("write");
        }
        Backend::Postgres => {
            admin(&format!("CREATE DATABASE {}", quote_ident(&format!("{}acme", env.config.pg_db_prefix)))).await;
        }
    }
    let err = env.tenancy.create_tenant(&slug("acme"), "Acme AB", env.target()).await.expect_err("exists");
    assert!(matches!(err, TenancyError::StorageExists(..)), "{err}");
    assert!(env.tenancy.catalog().get(&slug("acme")).await.expect("get").is_none());
    match b {
        Backend::Sqlite => assert_eq!(
            std::fs::read(env.dir.path().join("tenants/acme.db")).expect("still there"),
            b"someone else's file"
        ),
        Backend::Postgres => {
            let db = Db::connect(&app::core::testkit::pg_url(), PoolLimits::default()).await.expect("pg");
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
                .bind(format!("{}acme", env.config.pg_db_prefix))
                .fetch_one(db.pool())
                .await
                .expect("count");
            assert_eq!(n, 1, "the pre-existing database was dropped");
            db.close().await;
        }
    }
    env.cleanup().await;
}

async fn concurrent_first_requests_connect_once(b: Backend) {
    let env = TestEnv::new(b).await;
    env.tenancy.create_tenant(&slug("acme"), "Acme AB", env.target()).await.expect("create");
    let before = env.tenancy.pools().connects();
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let t = Arc::clone(&env.tenancy);
            tokio::spawn(async move {
                let tenant = t.open_active(&slug("acme")).await.expect("open");
                organisation::name(&tenant).await.expect("read")
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.expect("join").as_deref(), Some("Acme AB"));
    }
    assert_eq!(env.tenancy.pools().connects() - before, 1);
    env.cleanup().await;
}

async fn open_pools_are_bounded(b: Backend) {
    let env = TestEnv::with(b, |c| c.max_open_tenants = 3).await;
    let names = ["t-one", "t-two", "t-three", "t-four", "t-five"];
    for n in names {
        env.tenancy.create_tenant(&slug(n), n, env.target()).await.expect("create");
    }
    for n in names {
        let tenant = env.tenancy.open_active(&slug(n)).await.expect("open");
        assert_eq!(organisation::name(&tenant).await.expect("read").as_deref(), Some(n));
        assert!(env.tenancy.pools().open_count() <= 3);
    }
    // An evicted tenant opens again on demand.
    let first = env.tenancy.open_active(&slug("t-one")).await.expect("reopen");
    assert_eq!(organisation::name(&first).await.expect("read").as_deref(), Some("t-one"));
    assert!(env.tenancy.pools().open_count() <= 3);
    env.cleanup().await;
}

async fn disabled_tenant_is_refused_until_enabled(b: Backend) {
    let env = TestEnv::with(b, |c| c.catalog_cache_ttl = std::time::Duration::ZERO).await;
    let t = &env.tenancy;
    t.create_tenant(&slug("acme"), "Acme AB", env.target()).await.expect("create");
    t.set_enabled(&slug("acme"), false).await.expect("disable");
    assert_eq!(t.open_active(&slug("acme")).await.err(), Some(ResolveError::Disabled));
    t.set_enabled(&slug("acme"), true).await.expect("enable");
    assert!(t.open_active(&slug("acme")).await.is_ok());
    assert_eq!(t.open_active(&slug("nobody")).await.err(), Some(ResolveError::UnknownTenant));
    assert!(matches!(t.set_enabled(&slug("nobody"), false).await, Err(TenancyError::NotFound(_))));
    env.cleanup().await;
}

async fn migrate_reports_a_broken_tenant_and_migrates_the_rest(b: Backend) {
    let env = TestEnv::new(b).await;
    let t = &env.tenancy;
    for n in ["alpha", "broken", "gamma"] {
        t.create_tenant(&slug(n), n, env.target()).await.expect("create");
    }
    // New tenants are already migrated: the first run is a no-op.
    let report = t.migrate_all(4, |_, _| {}).await.expect("migrate");
    assert_eq!((report.up_to_date, report.migrated.len(), report.failed.len()), (3, 0, 0));
    match b {
        Backend::Sqlite => {
            std::fs::write(
                env.dir.path().join("tenants/broken.db"),
                b"not a database at all, padded to look like one".repeat(100),
            )
            .expect("break");
        }
        Backend::Postgres => {
            t.pools().close_all().await;
            admin(&format!(
                "DROP DATABASE {} WITH (FORCE)",
                quote_ident(&format!("{}broken", env.config.pg_db_prefix))
            ))
            .await;
        }
    }
    let seen = std::sync::Mutex::new(Vec::new());
    let report = t.migrate_all(2, |done, total| seen.lock().expect("lock").push((done, total))).await.expect("migrate");
    assert_eq!(report.up_to_date, 2);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].0, slug("broken"));
    assert_eq!(seen.lock().expect("lock").last(), Some(&(3, 3)));
    env.cleanup().await;
}

async fn migrations_are_idempotent_and_edits_are_refused(b: Backend) {
    let env = TestEnv::new(b).await;
    env.tenancy.create_tenant(&slug("acme"), "Acme AB", env.target()).await.expect("create");
    let tenant = env.tenancy.open_active(&slug("acme")).await.expect("open");
    let db = tenant.db();
    assert_eq!(migrations::run(db, migrations::TENANT).await.expect("again"), migrations::Outcome::UpToDate);
    sqlx::query("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
        .execute(db.pool())
        .await
        .expect("tamper");
    assert!(matches!(migrations::run(db, migrations::TENANT).await, Err(DbError::MigrationChanged { version: 1, .. })));
    sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (999, 'future', 'x', 0)")
        .execute(db.pool())
        .await
        .expect("future");
    assert!(matches!(migrations::run(db, migrations::TENANT).await, Err(DbError::SchemaTooNew { found: 999, .. })));
    env.cleanup().await;
}

async fn restart_keeps_everything(b: Backend) {
    let env = TestEnv::new(b).await;
    env.tenancy.create_tenant(&slug("acme"), "Acme AB", env.target()).await.expect("create");
    env.tenancy.create_tenant(&slug("beta"), "Beta AB", env.target()).await.expect("create");
    env.tenancy.set_enabled(&slug("beta"), false).await.expect("disable");
    let acme = env.tenancy.open_active(&slug("acme")).await.expect("open");
    organisation::rename(&acme, Actor::System, &SystemClock, "Acme Renamed AB").await.expect("write");
    env.tenancy.pools().close_all().await;
    env.tenancy.catalog().db().close().await;

    let again = app::core::tenancy::Tenancy::open(env.config.clone()).await.expect("reopen");
    let list = again.catalog().list().await.expect("list");
    assert_eq!(
        list.iter().map(|r| (r.slug.as_str(), r.status)).collect::<Vec<_>>(),
        vec![("acme", TenantStatus::Active), ("beta", TenantStatus::Disabled)]
    );
    let acme = again.open_active(&slug("acme")).await.expect("open");
    assert_eq!(organisation::name(&acme).await.expect("read").as_deref(), Some("Acme Renamed AB"));
    again.pools().close_all().await;
    env.cleanup().await;
}
