//! The logbook on real databases, both backends, fresh databases per test.
use app::on_both_backends;
use app::{
    core::{
        clock::{now_ms, ManualClock, SystemClock, DAY_MS},
        db::Backend,
        logbook::{self, Action, Actor, Event, Filter, Id, Outcome, Problem, Retention, TargetType},
        organisation::{self, OrganisationError},
        tenancy::Tenant,
        testkit::TestEnv,
    },
    model::slug::Slug,
};

on_both_backends!(
    appends_chain_and_verify,
    detects_a_modified_event,
    detects_a_deleted_event,
    detects_an_inserted_event,
    triggers_refuse_update_and_delete,
    retention_keeps_89_days_prunes_91_and_still_verifies,
    a_failed_event_write_rolls_back_the_action,
    a_checkpoint_without_a_logged_prune_is_caught,
    tenant_lifecycle_is_logged,
    the_daily_prune_covers_every_tenant,
);

async fn setup(b: Backend) -> (TestEnv, Tenant) {
    let env = TestEnv::new(b).await;
    let slug = Slug::parse("acme").expect("slug");
    env.tenancy.create_tenant(&slug, "Acme AB", env.target()).await.expect("create");
    let tenant = env.tenancy.open_active(&slug).await.expect("open");
    (env, tenant)
}

fn viewed(user: &str, talk: &str) -> Event {
    Event::new(Actor::User(Id::parse(user).expect("id")), Action::TalkNoteViewed, Outcome::Success)
        .target(TargetType::Talk, Id::parse(talk).expect("id"))
}

/// Appends events until the log holds `n` (creation already wrote one).
async fn fill(t: &Tenant, n: i64) {
    for i in 2..=n {
        logbook::record(t, &SystemClock, &viewed("u1", &format!("talk{i}"))).await.expect("append");
    }
}

/// Runs raw SQL with the append-only triggers off, as someone holding the database could.
async fn tamper(b: Backend, t: &Tenant, sql: &str) {
    let pool = t.db().pool();
    match b {
        Backend::Sqlite => {
            sqlx::raw_sql(&format!("DROP TRIGGER logbook_no_update; DROP TRIGGER logbook_no_delete; {sql}"))
                .execute(pool)
                .await
                .expect("tamper");
        }
        Backend::Postgres => {
            sqlx::raw_sql(&format!(
                "ALTER TABLE logbook DISABLE TRIGGER USER; {sql}; ALTER TABLE logbook ENABLE TRIGGER USER"
            ))
            .execute(pool)
            .await
            .expect("tamper");
        }
    }
}

async fn appends_chain_and_verify(b: Backend) {
    let (env, t) = setup(b).await;
    fill(&t, 20).await;
    let r = logbook::verify(&t).await.expect("verify");
    assert_eq!((r.checked, r.head_seq, r.problem), (20, 20, None));
    let views =
        logbook::list(&t, &Filter { action: Some(Action::TalkNoteViewed), ..Filter::default() }).await.expect("list");
    assert_eq!(views.len(), 19);
    assert_eq!(views[0].actor, "user:u1");
    assert_eq!(views[0].target_id.as_deref(), Some("talk2"));
    env.cleanup().await;
}

async fn detects_a_modified_event(b: Backend) {
    let (env, t) = setup(b).await;
    fill(&t, 6).await;
    tamper(b, &t, "UPDATE logbook SET actor = 'user:u2' WHERE seq = 3").await;
    assert_eq!(logbook::verify(&t).await.expect("verify").problem, Some(Problem::Modified { seq: 3 }));
    env.cleanup().await;
}

async fn detects_a_deleted_event(b: Backend) {
    let (env, t) = setup(b).await;
    fill(&t, 6).await;
    tamper(b, &t, "DELETE FROM logbook WHERE seq = 4").await;
    assert_eq!(logbook::verify(&t).await.expect("verify").problem, Some(Problem::Deleted { seq: 4 }));
    // Cutting the tail off is caught against the head too.
    let (env2, t2) = setup(b).await;
    fill(&t2, 6).await;
    tamper(b, &t2, "DELETE FROM logbook WHERE seq = 6").await;
    assert_eq!(logbook::verify(&t2).await.expect("verify").problem, Some(Problem::Deleted { seq: 6 }));
    env.cleanup().await;
    env2.cleanup().await;
}

async fn detects_an_inserted_event(b: Backend) {
    let (env, t) = setup(b).await;
    fill(&t, 6).await;
    // Slipped in at position 3, the later events renumbered to make room.
    tamper(
        b,
        &t,
        "UPDATE logbook SET seq = seq + 1000 WHERE seq >= 3; UPDATE logbook SET seq = seq - 999 WHERE seq > 1000; \
         INSERT INTO logbook (seq, at_ms, actor, action, outcome, mac) \
         SELECT 3, at_ms, 'user:u9', 'talk.note.viewed', 'success', mac FROM logbook WHERE seq = 2",
    )
    .await;
    assert_eq!(logbook::verify(&t).await.expect("verify").problem, Some(Problem::Inserted { seq: 3 }));
    // Appended past the head without the key.
    let (env2, t2) = setup(b).await;
    fill(&t2, 4).await;
    tamper(
        b,
        &t2,
        "INSERT INTO logbook (seq, at_ms, actor, action, outcome, mac) \
         SELECT 5, at_ms, actor, action, outcome, mac FROM logbook WHERE seq = 4",
    )
    .await;
    assert_eq!(logbook::verify(&t2).await.expect("verify").problem, Some(Problem::Inserted { seq: 5 }));
    env.cleanup().await;
    env2.cleanup().await;
}

async fn triggers_refuse_update_and_delete(b: Backend) {
    let (env, t) = setup(b).await;
    fill(&t, 3).await;
    let pool = t.db().pool();
    for sql in [
        "UPDATE logbook SET actor = 'system' WHERE seq = 2",
        "DELETE FROM logbook WHERE seq = 2",
        "DELETE FROM logbook",
    ] {
        let err = sqlx::query(sql).execute(pool).await.expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    if b == Backend::Postgres {
        let err = sqlx::query("TRUNCATE logbook").execute(pool).await.expect_err("truncate");
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    // Even with the prune gate open, recent events cannot be deleted.
    let mut tx = pool.begin().await.expect("tx");
    let open_gate = match b {
        Backend::Sqlite => "UPDATE logbook_gate SET open = 1",
        Backend::Postgres => "SELECT set_config('samtal.logbook_prune', 'on', true)",
    };
    sqlx::query(open_gate).execute(&mut *tx).await.expect("open the gate");
    let err = sqlx::query("DELETE FROM logbook WHERE seq = 2").execute(&mut *tx).await.expect_err("recent delete");
    tx.rollback().await.expect("rollback");
    assert!(err.to_string().contains("90 days"), "{err}");
    let r = logbook::verify(&t).await.expect("verify");
    assert_eq!((r.checked, r.problem), (3, None));
    env.cleanup().await;
}

async fn retention_keeps_89_days_prunes_91_and_still_verifies(b: Backend) {
    let now = now_ms();
    let clock = std::sync::Arc::new(ManualClock::at(now - 91 * DAY_MS));
    let env = TestEnv::with(b, |c| c.clock = clock.clone()).await;
    let slug = Slug::parse("acme").expect("slug");
    env.tenancy.create_tenant(&slug, "Acme AB", env.target()).await.expect("create");
    let t = env.tenancy.open_active(&slug).await.expect("open");
    logbook::record(&t, clock.as_ref(), &viewed("u1", "old")).await.expect("old");
    clock.set(now - 89 * DAY_MS);
    logbook::record(&t, clock.as_ref(), &viewed("u1", "recent")).await.expect("recent");
    clock.set(now);
    logbook::record(&t, clock.as_ref(), &viewed("u1", "today")).await.expect("today");
    assert!(Retention::days(89).is_err());
    let report = logbook::prune(&t, clock.as_ref(), Retention::days(90).expect("90")).await.expect("prune");
    assert_eq!((report.pruned, report.through_seq), (2, Some(2)));
    let left = logbook::list(&t, &Filter::default()).await.expect("list");
    let targets: Vec<_> = left.iter().filter_map(|e| e.target_id.as_deref()).collect();
    assert!(!targets.contains(&"old") && !targets.contains(&"acme"), "{targets:?}");
    assert!(targets.contains(&"recent") && targets.contains(&"today"), "{targets:?}");
    let pruned = left.iter().find(|e| e.action == "logbook.pruned").expect("the prune is logged");
    assert_eq!(pruned.target_id.as_deref(), Some("2"));
    let r = logbook::verify(&t).await.expect("verify");
    assert_eq!(r.problem, None);
    assert_eq!(r.from_seq, 3);
    // A second prune has nothing to do and logs nothing.
    let again = logbook::prune(&t, clock.as_ref(), Retention::default()).await.expect("prune");
    assert_eq!(again.pruned, 0);
    assert_eq!(logbook::list(&t, &Filter::default()).await.expect("list").len(), left.len());
    env.cleanup().await;
}

async fn a_failed_event_write_rolls_back_the_action(b: Backend) {
    let (env, t) = setup(b).await;
    let pool = t.db().pool();
    match b {
        Backend::Sqlite => sqlx::raw_sql("CREATE TRIGGER broken BEFORE INSERT ON logbook BEGIN SELECT RAISE(ABORT, 'disk full'); END;")
            .execute(pool).await.expect("trigger"),
        Backend::Postgres => sqlx::raw_sql("CREATE FUNCTION broken() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END; $$; \
             CREATE TRIGGER broken BEFORE INSERT ON logbook FOR EACH ROW EXECUTE FUNCTION broken();")
            .execute(pool).await.expect("trigger"),
    };
    let err = organisation::rename(&t, Actor::System, &SystemClock, "Renamed AB").await.expect_err("must fail");
    assert!(matches!(err, OrganisationError::Logbook(_)), "{err}");
    assert_eq!(organisation::name(&t).await.expect("read").as_deref(), Some("Acme AB"));
    let head: i64 = sqlx::query_scalar("SELECT seq FROM logbook_head").fetch_one(pool).await.expect("head");
    assert_eq!(head, 1, "the head moved although nothing was appended");
    env.cleanup().await;
}

async fn a_checkpoint_without_a_logged_prune_is_caught(b: Backend) {
    let (env, t) = setup(b).await;
    fill(&t, 5).await;
    // Someone deletes the first two events and forges a checkpoint from the stored MAC.
    tamper(
        b,
        &t,
        "INSERT INTO logbook_checkpoint (id, seq, mac) SELECT 1, seq, mac FROM logbook WHERE seq = 2; \
                   DELETE FROM logbook WHERE seq <= 2",
    )
    .await;
    assert_eq!(logbook::verify(&t).await.expect("verify").problem, Some(Problem::UnattestedCheckpoint { seq: 2 }));
    env.cleanup().await;
}

async fn tenant_lifecycle_is_logged(b: Backend) {
    let (env, t) = setup(b).await;
    let slug = t.slug().clone();
    env.tenancy.set_enabled(&slug, false).await.expect("disable");
    env.tenancy.set_enabled(&slug, true).await.expect("enable");
    let events = logbook::list(&t, &Filter::default()).await.expect("list");
    let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["tenant.created", "tenant.disabled", "tenant.enabled"]);
    assert!(events.iter().all(|e| e.actor == "system" && e.target_id.as_deref() == Some("acme")));
    assert_eq!(logbook::verify(&t).await.expect("verify").problem, None);
    env.cleanup().await;
}

/// No event field may carry personal content: the API has no free-text input, and every value
/// that is text is validated. (A compile-time proof sits in `event.rs` as a doctest.)
#[test]
fn personal_content_cannot_get_in() {
    assert!(Id::parse("Anna Svensson").is_err());
    assert!(Id::parse("196408233234").is_err());
    assert!(Id::parse("anna@example.se").is_err());
    let all = Action::ALL.iter().map(|a| a.as_str()).collect::<Vec<_>>();
    assert!(all.iter().all(|a| a.bytes().all(|c| c.is_ascii_lowercase() || c == b'.' || c == b'_')));
}

async fn the_daily_prune_covers_every_tenant(b: Backend) {
    let now = now_ms();
    let clock = std::sync::Arc::new(ManualClock::at(now - 100 * DAY_MS));
    let env = TestEnv::with(b, |c| c.clock = clock.clone()).await;
    for s in ["acme", "beta"] {
        env.tenancy.create_tenant(&Slug::parse(s).expect("slug"), s, env.target()).await.expect("create");
    }
    clock.set(now);
    let results = env.tenancy.prune_logbooks(Retention::default()).await;
    assert_eq!(results.len(), 2);
    for (slug, res) in results {
        let report = res.expect("pruned");
        assert_eq!(report.pruned, 1, "{slug}");
        let t = env.tenancy.open_active(&slug).await.expect("open");
        assert_eq!(logbook::verify(&t).await.expect("verify").problem, None);
    }
    env.cleanup().await;
}
