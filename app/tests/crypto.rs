//! Envelope encryption on real databases, both backends, fresh databases per test.
use std::ops::ControlFlow;

use app::on_both_backends;
use app::{
    core::{
        clock::SystemClock,
        crypto::{
            self, blind_index, key_uses, list_keys, open, rewrap, rotate, seal, CryptoError, Field, KeyPolicy,
            KeyState, Keyring, Sealed, Vault,
        },
        db::{Backend, Db},
        keys::MasterKey,
        logbook::{self, Actor, Filter, Ledger},
        tenancy::Tenant,
        testkit::TestEnv,
    },
    model::{personnummer::Personnummer, slug::Slug},
};

on_both_backends!(
    a_sealed_field_opens_only_where_it_was_sealed,
    rotate_and_rewrap_leave_every_field_readable_and_destroy_the_old_key,
    a_rewrap_stopped_halfway_resumes_where_it_was,
    keys_rotate_themselves_before_their_limit_across_processes,
    another_master_key_opens_nothing,
    blind_indexes_are_stable_per_tenant_and_differ_between_tenants,
    the_database_holds_no_plaintext,
    every_sealed_column_is_known_to_the_rewrap,
    a_master_rotation_rewraps_every_tenant_resumes_and_keeps_the_logbook,
);

const NOTES: Field = Field { table: "notes", column: "body", id_column: "id" };
const NOTES_TITLE: Field = Field { table: "notes", column: "title", id_column: "id" };

async fn setup(b: Backend) -> (TestEnv, Tenant) {
    let env = TestEnv::new(b).await;
    let tenant = tenant(&env, "acme").await;
    (env, tenant)
}

/// A tenant with a table of its own for sealed test values (the people register brings real ones).
async fn tenant(env: &TestEnv, name: &str) -> Tenant {
    let slug = Slug::parse(name).expect("slug");
    env.tenancy.create_tenant(&slug, "Acme AB", env.target()).await.expect("create");
    let tenant = env.tenancy.open_active(&slug).await.expect("open");
    let blob = if env.backend == Backend::Postgres { "BYTEA" } else { "BLOB" };
    sqlx::query(&format!("CREATE TABLE notes (id TEXT PRIMARY KEY, body {blob}, title {blob})"))
        .execute(tenant.db().pool())
        .await
        .expect("table");
    tenant
}

async fn store(t: &Tenant, id: &str, text: &str) -> Sealed<String> {
    let sealed = seal(t, &SystemClock, NOTES.at(id), &text.to_string()).await.expect("seal");
    sqlx::query("INSERT INTO notes (id, body) VALUES ($1, $2)")
        .bind(id)
        .bind(sealed.as_bytes().to_vec())
        .execute(t.db().pool())
        .await
        .expect("insert");
    sealed
}

async fn stored(t: &Tenant, id: &str) -> Sealed<String> {
    let (bytes,): (Vec<u8>,) =
        sqlx::query_as("SELECT body FROM notes WHERE id = $1").bind(id).fetch_one(t.db().pool()).await.expect("row");
    Sealed::from_stored(bytes)
}

async fn read(t: &Tenant, id: &str) -> Result<String, CryptoError> {
    open(t, NOTES.at(id), &stored(t, id).await).await
}

async fn a_sealed_field_opens_only_where_it_was_sealed(b: Backend) {
    let (env, t) = setup(b).await;
    let text = "Anna vill gå ner i tid; lön 45 000 kr".to_string();
    let sealed = store(&t, "n1", &text).await;
    assert_eq!(read(&t, "n1").await.expect("open"), text);
    let again = seal(&t, &SystemClock, NOTES.at("n1"), &text).await.expect("seal");
    assert_ne!(again, sealed, "two seals of one text must differ (fresh nonce)");
    assert_eq!(sealed.key_version(), Some(1));
    assert!(!format!("{sealed:?}").contains("Anna"));

    // Every byte flipped, one at a time: never garbage, always a typed refusal.
    let bytes = sealed.as_bytes().to_vec();
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0x01;
        let e = open(&t, NOTES.at("n1"), &Sealed::<String>::from_stored(bad)).await.expect_err("flipped");
        assert!(e.is_unreadable(), "byte {i}: {e:?}");
    }
    let wrong = |e: Result<String, CryptoError>| matches!(e, Err(CryptoError::Tampered));
    assert!(wrong(open(&t, NOTES.at("n2"), &sealed).await), "another row");
    assert!(wrong(open(&t, NOTES_TITLE.at("n1"), &sealed).await), "another column");
    let other = Field { table: "talks", ..NOTES };
    assert!(wrong(open(&t, other.at("n1"), &sealed).await), "another table");
    let beta = tenant(&env, "beta").await;
    let e = open(&beta, NOTES.at("n1"), &sealed).await.expect_err("another tenant");
    assert!(matches!(e, CryptoError::UnknownKey(1)), "beta has no keys yet: {e:?}");
    store(&beta, "own", "beta's own").await;
    assert!(wrong(open(&beta, NOTES.at("n1"), &sealed).await), "another tenant, with a key v1 of its own");
    let mut unknown = bytes.clone();
    unknown[1..5].copy_from_slice(&99u32.to_be_bytes());
    let e = open(&t, NOTES.at("n1"), &Sealed::<String>::from_stored(unknown)).await;
    assert!(matches!(e, Err(CryptoError::UnknownKey(99))), "{e:?}");
    for junk in [vec![], vec![1u8; 10], vec![2u8; 64]] {
        let e = open(&t, NOTES.at("n1"), &Sealed::<String>::from_stored(junk)).await;
        assert!(matches!(e, Err(CryptoError::Malformed)), "{e:?}");
    }
    // Typed values: a personnummer goes in and comes out as one.
    let pnr = Personnummer::try_from("196408233234".to_string()).expect("pnr");
    let sealed_pnr = seal(&t, &SystemClock, NOTES_TITLE.at("n1"), &pnr).await.expect("seal");
    assert_eq!(open(&t, NOTES_TITLE.at("n1"), &sealed_pnr).await.expect("open"), pnr);
    // The refusal is recorded (ids only) when a feature reports it.
    crypto::record_unreadable(
        &t,
        &SystemClock,
        Actor::System,
        logbook::TargetType::Talk,
        logbook::Id::parse("n1").expect("id"),
    )
    .await
    .expect("record");
    let events = logbook::list(&t, &Filter::default()).await.expect("list");
    assert!(events.iter().any(|e| e.action == "crypto.field.unreadable" && e.target_id.as_deref() == Some("n1")));
    assert!(events.iter().any(|e| e.action == "keys.data_key.created"), "the first key's making is logged");
    beta.db().close().await;
    t.db().close().await;
    env.cleanup().await;
}

async fn rotate_and_rewrap_leave_every_field_readable_and_destroy_the_old_key(b: Backend) {
    let (env, t) = setup(b).await;
    for i in 0..25 {
        store(&t, &format!("n{i:02}"), &format!("note {i}")).await;
    }
    let under_v1 = stored(&t, "n00").await;
    assert_eq!(rotate(&t, &SystemClock, Actor::System).await.expect("rotate"), 2);
    for i in 25..30 {
        store(&t, &format!("n{i:02}"), &format!("note {i}")).await;
    }
    assert_eq!(stored(&t, "n29").await.key_version(), Some(2), "new writes use the new key");
    assert_eq!(key_uses(&t, &[NOTES]).await.expect("uses").get(&1), Some(&25));
    let mut seen = Vec::new();
    let report = rewrap(&t, &after_grace(), &[NOTES], 7, Actor::System, |p| {
        seen.push(p.done);
        ControlFlow::Continue(())
    })
    .await
    .expect("rewrap");
    assert_eq!(report.rewrapped, 25);
    assert_eq!(report.retired, vec![1]);
    assert_eq!(seen, vec![7, 14, 21, 28, 30]);
    for i in 0..30 {
        assert_eq!(read(&t, &format!("n{i:02}")).await.expect("open"), format!("note {i}"));
    }
    let uses = key_uses(&t, &[NOTES]).await.expect("uses");
    assert_eq!(uses.into_iter().collect::<Vec<_>>(), vec![(2, 30)], "the old key is unused");
    let keys = list_keys(t.db()).await.expect("keys");
    let v1 = keys.iter().find(|k| k.purpose == "data" && k.version == 1).expect("v1");
    assert_eq!(v1.state, KeyState::Retired);
    // The old key is destroyed: a copy of a value from before cannot be opened any more.
    let e = open(&t, NOTES.at("n00"), &under_v1).await;
    assert!(matches!(e, Err(CryptoError::UnknownKey(1))), "{e:?}");
    let fresh = env.tenancy.open_active(t.slug()).await.expect("reopen");
    let (wrapped,): (Vec<u8>,) = sqlx::query_as("SELECT wrapped FROM data_keys WHERE purpose = 'data' AND version = 1")
        .fetch_one(fresh.db().pool())
        .await
        .expect("row");
    assert!(wrapped.is_empty(), "the retired key's wrapped bytes stay in the database");
    // A second run has nothing to do.
    let again =
        rewrap(&t, &SystemClock, &[NOTES], 7, Actor::System, |_| ControlFlow::Continue(())).await.expect("again");
    assert_eq!((again.rewrapped, again.retired.len()), (0, 0));
    let actions: Vec<String> =
        logbook::list(&t, &Filter::default()).await.expect("list").into_iter().map(|e| e.action).collect();
    for a in ["keys.data_key.rotated", "keys.data_key.retired", "keys.rewrap.finished"] {
        assert!(actions.iter().any(|x| x == a), "{a} not logged");
    }
    t.db().close().await;
    env.cleanup().await;
}

async fn a_rewrap_stopped_halfway_resumes_where_it_was(b: Backend) {
    let (env, t) = setup(b).await;
    for i in 0..30 {
        store(&t, &format!("n{i:02}"), &format!("note {i}")).await;
    }
    rotate(&t, &SystemClock, Actor::System).await.expect("rotate");
    let first = rewrap(&t, &SystemClock, &[NOTES], 10, Actor::System, |_| ControlFlow::Break(())).await.expect("first");
    assert!(first.interrupted);
    assert_eq!(first.rewrapped, 10);
    assert!(first.retired.is_empty(), "a key still in use was destroyed");
    assert_eq!(key_uses(&t, &[NOTES]).await.expect("uses").get(&1), Some(&20));
    // The next run goes on from row 10, not from the start.
    let mut seen = Vec::new();
    let second = rewrap(&t, &SystemClock, &[NOTES], 10, Actor::System, |p| {
        seen.push(p.done);
        ControlFlow::Continue(())
    })
    .await
    .expect("second");
    assert_eq!(seen, vec![20, 30]);
    assert_eq!(second.rewrapped, 20);
    assert_eq!((second.retired.clone(), second.kept.clone()), (vec![], vec![1]), "just replaced: kept for the grace");
    assert_eq!(key_uses(&t, &[NOTES]).await.expect("uses").get(&1), None);
    let later =
        rewrap(&t, &after_grace(), &[NOTES], 10, Actor::System, |_| ControlFlow::Continue(())).await.expect("later");
    assert_eq!((later.rewrapped, later.retired), (0, vec![1]), "after the grace it is destroyed");
    for i in 0..30 {
        assert_eq!(read(&t, &format!("n{i:02}")).await.expect("open"), format!("note {i}"));
    }
    // A rotation between the runs starts the column over, towards the newest key.
    rotate(&t, &SystemClock, Actor::System).await.expect("rotate");
    rewrap(&t, &SystemClock, &[NOTES], 10, Actor::System, |_| ControlFlow::Break(())).await.expect("third");
    rotate(&t, &SystemClock, Actor::System).await.expect("rotate");
    let last =
        rewrap(&t, &SystemClock, &[NOTES], 10, Actor::System, |_| ControlFlow::Continue(())).await.expect("last");
    assert_eq!(last.target_version, Some(4));
    assert_eq!(key_uses(&t, &[NOTES]).await.expect("uses").into_iter().collect::<Vec<_>>(), vec![(4, 30)]);
    t.db().close().await;
    env.cleanup().await;
}

/// A clock past the grace an old key outlives its replacement by.
fn after_grace() -> app::core::clock::ManualClock {
    use app::core::clock::Clock;
    app::core::clock::ManualClock::at(SystemClock.now_ms() + crypto::RETIRE_GRACE_MS + 60_000)
}

/// Another process's view of the same tenant: its own keyring over the same database.
struct Process<'a> {
    tenant: &'a Tenant,
    keyring: Keyring,
}

impl Ledger for Process<'_> {
    fn db(&self) -> &Db {
        self.tenant.db()
    }
    fn logbook_key(&self) -> &[u8; 32] {
        Ledger::logbook_key(self.tenant)
    }
}

impl Vault for Process<'_> {
    fn keyring(&self) -> &Keyring {
        &self.keyring
    }
}

async fn keys_rotate_themselves_before_their_limit_across_processes(b: Backend) {
    let (env, t) = setup(b).await;
    let master = env.config.master_key.clone();
    let policy = KeyPolicy { reserve: 4, limit: 20, ..KeyPolicy::default() };
    let a = Process { tenant: &t, keyring: Keyring::new("acme", &master).with_policy(policy) };
    let b2 = Process { tenant: &t, keyring: Keyring::new("acme", &master).with_policy(policy) };
    let mut sealed = Vec::new();
    for i in 0..60 {
        let p = if i % 3 == 0 { &a } else { &b2 };
        let id = format!("n{i:02}");
        sealed.push((id.clone(), seal(p, &SystemClock, NOTES.at(&id), &format!("v{i}")).await.expect("seal")));
    }
    let keys = list_keys(t.db()).await.expect("keys");
    let data: Vec<_> = keys.iter().filter(|k| k.purpose == "data").collect();
    assert!(data.len() >= 3, "60 encryptions under a limit of 20 needed new keys: {data:?}");
    assert_eq!(data.iter().filter(|k| k.state == KeyState::Current).count(), 1);
    let counted: u64 = data.iter().map(|k| k.sealed_count).sum();
    assert!(counted >= 60, "the stored counts ({counted}) are below the real 60");
    for k in &data {
        assert!(k.sealed_count <= policy.limit + policy.reserve, "key {} went far past its limit", k.version);
    }
    let mut per_key = std::collections::BTreeMap::<u32, u64>::new();
    for (id, s) in &sealed {
        *per_key.entry(s.key_version().expect("v")).or_default() += 1;
        assert!(open(&t, NOTES.at(id), s).await.is_ok(), "every process reads every key");
    }
    for (v, n) in per_key {
        let k = data.iter().find(|k| k.version == v).expect("key");
        assert!(n <= k.sealed_count, "key {v}: {n} encryptions but {} counted", k.sealed_count);
    }
    t.db().close().await;
    env.cleanup().await;
}

async fn another_master_key_opens_nothing(b: Backend) {
    let (env, t) = setup(b).await;
    let sealed = store(&t, "n1", "hemligt").await;
    let stranger = MasterKey::random().expect("key");
    let other = Process { tenant: &t, keyring: Keyring::new("acme", &stranger) };
    let e = open(&other, NOTES.at("n1"), &sealed).await;
    assert!(matches!(e, Err(CryptoError::KeyUnwrap(1))), "{e:?}");
    assert!(!e.expect_err("err").is_unreadable(), "a wrong master key is a fault, not a bad value");
    assert_ne!(other.keyring.kek_id(), t.keyring().kek_id());
    let shown = format!("{:?}", t.keyring());
    assert!(shown.contains("acme") && !shown.contains("kek:"), "{shown}");
    t.db().close().await;
    env.cleanup().await;
}

async fn blind_indexes_are_stable_per_tenant_and_differ_between_tenants(b: Backend) {
    let (env, t) = setup(b).await;
    let beta = tenant(&env, "beta").await;
    let (x, y) = tokio::join!(
        blind_index(&t, &SystemClock, "personnummer", "196408233234"),
        blind_index(&t, &SystemClock, "personnummer", "196408233234")
    );
    let x = x.expect("index");
    assert_eq!(x, y.expect("index"), "two first uses made two index keys");
    assert_eq!(x.len(), 64);
    assert!(!x.contains("196408233234"));
    // A fresh open (not the pooled tenant) unwraps the index key from the database again.
    env.tenancy.pools().forget(t.slug());
    let reopened = env.tenancy.open_active(t.slug()).await.expect("reopen");
    assert_eq!(blind_index(&reopened, &SystemClock, "personnummer", "196408233234").await.expect("index"), x);
    assert_ne!(blind_index(&t, &SystemClock, "personnummer", "196408233242").await.expect("index"), x);
    assert_ne!(blind_index(&t, &SystemClock, "email", "196408233234").await.expect("index"), x);
    assert_ne!(blind_index(&beta, &SystemClock, "personnummer", "196408233234").await.expect("index"), x);
    let keys = list_keys(t.db()).await.expect("keys");
    assert_eq!(keys.iter().filter(|k| k.purpose == "index").count(), 1);
    beta.db().close().await;
    t.db().close().await;
    env.cleanup().await;
}

async fn the_database_holds_no_plaintext(b: Backend) {
    let (env, t) = setup(b).await;
    let marker = "MARKER-7f3a9c-hemlig-anteckning";
    for i in 0..20 {
        store(&t, &format!("n{i:02}"), &format!("{marker} {i}")).await;
    }
    let bytes = match b {
        Backend::Sqlite => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(t.db().pool()).await.expect("checkpoint");
            let mut all = Vec::new();
            for entry in std::fs::read_dir(env.config.tenants_dir()).expect("dir") {
                all.extend(std::fs::read(entry.expect("entry").path()).expect("read"));
            }
            all
        }
        Backend::Postgres => {
            let name = format!("{}acme", env.config.pg_db_prefix);
            let url = app::core::testkit::on_db(&app::core::testkit::pg_url(), &name);
            let out = std::process::Command::new("pg_dump").arg("--dbname").arg(&url).output().expect("pg_dump runs");
            assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
            out.stdout
        }
    };
    assert!(bytes.len() > 1000, "nothing was read");
    assert!(bytes.windows(b"notes".len()).any(|w| w == b"notes"), "the scan does not see the table at all");
    assert!(!bytes.windows(marker.len()).any(|w| w == marker.as_bytes()), "plaintext in the database");
    t.db().close().await;
    env.cleanup().await;
}

async fn every_sealed_column_is_known_to_the_rewrap(b: Backend) {
    let (env, t) = setup(b).await;
    let columns: Vec<(String, String)> = match b {
        Backend::Sqlite => sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'",
        ),
        Backend::Postgres => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = 'public'",
        ),
    }
    .fetch_all(t.db().pool())
    .await
    .expect("schema");
    assert!(columns.iter().any(|(t, c)| t == "data_keys" && c == "wrapped"), "the schema walk sees nothing");
    for (table, column) in columns {
        if column.ends_with("_sealed") {
            assert!(
                crypto::FIELDS.iter().any(|f| f.table == table && f.column == column),
                "{table}.{column} holds sealed values but is not in crypto::FIELDS, so no rewrap reaches it"
            );
        }
    }
    t.db().close().await;
    env.cleanup().await;
}

async fn a_master_rotation_rewraps_every_tenant_resumes_and_keeps_the_logbook(b: Backend) {
    let (env, acme) = setup(b).await;
    let beta = tenant(&env, "beta").await;
    store(&acme, "n1", "hemligt a").await;
    rotate(&acme, &SystemClock, Actor::System).await.expect("rotate");
    store(&acme, "n2", "efter rotationen").await;
    store(&beta, "n1", "hemligt b").await;
    let index = blind_index(&acme, &SystemClock, "personnummer", "196408233234").await.expect("index");
    let old_master = env.config.master_key.clone();
    let new_hex = "5a17".repeat(16);
    let new_master = MasterKey::from_hex(&new_hex).expect("key");
    let new_kek = Keyring::new("beta", &new_master).kek_id().to_string();

    // beta's key row claims an unknown KEK: beta fails and keeps everything; acme goes through.
    sqlx::query("UPDATE data_keys SET kek_id = 'ffffffffffffffff' WHERE purpose = 'data'")
        .execute(beta.db().pool())
        .await
        .expect("spoil");
    let first = env.tenancy.rotate_master(&new_master, 2, |_, _| {}).await.expect("rotate master");
    assert_eq!(first.rewrapped.len(), 1, "{first:?}");
    assert_eq!(first.rewrapped[0].0.as_str(), "acme");
    assert_eq!(first.rewrapped[0].1, 4, "data v1, data v2, the index key and the pinned logbook key");
    assert_eq!(first.failed.len(), 1);
    assert_eq!(first.failed[0].0.as_str(), "beta");
    let (untouched,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM data_keys WHERE kek_id = $1")
        .bind(&new_kek)
        .fetch_one(beta.db().pool())
        .await
        .expect("count");
    assert_eq!(untouched, 0, "a failed tenant is left wholly under the old master");

    // Put beta right and run again: acme is done already, beta moves.
    sqlx::query("UPDATE data_keys SET kek_id = $1 WHERE purpose = 'data'")
        .bind(Keyring::new("beta", &old_master).kek_id())
        .execute(beta.db().pool())
        .await
        .expect("repair");
    let second = env.tenancy.rotate_master(&new_master, 2, |_, _| {}).await.expect("rotate master");
    assert_eq!(second.already_done, 1, "{second:?}");
    assert_eq!(second.rewrapped.len(), 1);
    assert_eq!(second.rewrapped[0].0.as_str(), "beta");
    assert!(second.failed.is_empty());
    let third = env.tenancy.rotate_master(&new_master, 2, |_, _| {}).await.expect("rotate master");
    assert_eq!((third.already_done, third.rewrapped.len()), (2, 0), "a finished rotation is idempotent");

    // A server started with the new master reads everything, and the logbook chain still holds.
    let mut config = env.config.clone();
    config.master_key = std::sync::Arc::new(MasterKey::from_hex(&new_hex).expect("key"));
    let after = app::core::tenancy::Tenancy::open(config).await.expect("tenancy");
    let acme2 = after.open_active(acme.slug()).await.expect("acme");
    let beta2 = after.open_active(beta.slug()).await.expect("beta");
    assert_eq!(read(&acme2, "n1").await.expect("n1"), "hemligt a");
    assert_eq!(read(&acme2, "n2").await.expect("n2"), "efter rotationen");
    assert_eq!(read(&beta2, "n1").await.expect("beta n1"), "hemligt b");
    assert_eq!(blind_index(&acme2, &SystemClock, "personnummer", "196408233234").await.expect("index"), index);
    store(&acme2, "n3", "under the new master").await;
    for t in [&acme2, &beta2] {
        let report = logbook::verify(t).await.expect("verify");
        assert_eq!(report.problem, None, "the chain verifies under the new master");
        let events = logbook::list(t, &Filter::default()).await.expect("list");
        assert!(events.iter().any(|e| e.action == "keys.master.rotated"));
    }
    // The old master opens nothing any more.
    let stale = Process { tenant: &acme2, keyring: Keyring::new("acme", &old_master) };
    let e = open(&stale, NOTES.at("n1"), &stored(&acme2, "n1").await).await;
    assert!(matches!(e, Err(CryptoError::KeyUnwrap(_))), "{e:?}");
    after.pools().close_all().await;
    after.catalog().db().close().await;
    env.cleanup().await;
}
