//! GDPR erasure on real databases, both backends: what the chain holds, the erasure reaching
//! all of it in one transaction, the remnant, the signed receipt and the ledger's replay.
use app::on_both_backends;
use app::{
    core::{
        clock::SystemClock,
        crypto,
        db::Backend,
        gdpr::{self, ledger, GdprError, Receipt},
        logbook::{self, Action, Actor, Event, Filter, Id, Origin, Outcome, TargetType},
        people::{self, employment::EmploymentInput, org, NewPerson},
        talks::{ADDENDUM, PRIVATE, TEXT},
        tenancy::Tenant,
        testkit::TestEnv,
    },
    model::{
        personnummer::{Day, Personnummer},
        slug::Slug,
    },
};

on_both_backends!(
    an_erasure_reaches_everything_and_leaves_only_a_remnant_and_a_receipt,
    an_erasure_that_fails_halfway_changes_nothing,
    a_wrong_confirmation_erases_nothing,
    replaying_the_ledger_erases_again_whoever_a_restore_brought_back,
    an_export_holds_everything_about_the_person_and_nothing_about_anyone_else,
    people_past_the_retention_period_are_listed_and_with_automatic_erasure_erased,
);

const TODAY: Day = Day { year: 2026, month: 12, day: 4 };
const ANNA: &str = "19850623-4320";
const BO: &str = "19640823-3234";

async fn setup(b: Backend) -> (TestEnv, Tenant) {
    let env = TestEnv::new(b).await;
    let slug = Slug::parse("acme").expect("slug");
    env.tenancy.create_tenant(&slug, "Acme AB", env.target()).await.expect("create");
    let tenant = env.tenancy.open_active(&slug).await.expect("open");
    (env, tenant)
}

fn pnr(s: &str) -> Personnummer {
    Personnummer::parse(s, TODAY).expect("valid personnummer")
}

/// Anna (employee, two employments, an account with a session, link and password history, a
/// talk with texts, a private note and an addendum) reporting to Bo, who holds the talk.
struct Org {
    anna: String,
    bo: String,
    talk: String,
}

async fn org(t: &Tenant) -> Org {
    let c = SystemClock;
    let new = |n: &str, given: &str, family: &str| NewPerson {
        personnummer: pnr(n),
        given_name: given.into(),
        family_name: family.into(),
        email: Some(format!("{}@example.test", given.to_lowercase())),
        gender: None,
        employee_number: Some(format!("E-{given}")),
    };
    let bo = people::create(t, &c, Actor::System, &new(BO, "Bo", "Chefsson")).await.expect("bo");
    let anna = people::create(t, &c, Actor::System, &new(ANNA, "Anna", "Ekström")).await.expect("anna");
    let unit = org::create(t, &c, Actor::System, Origin::default(), "Sälj", None).await.expect("unit");
    let job = |manager: Option<&str>, start: &str, end: Option<&str>, salary: i64| EmploymentInput {
        unit_id: unit.clone(),
        job_title: "Säljare hos Bo".into(),
        manager_person_id: manager.map(str::to_string),
        start_date: start.into(),
        end_date: end.map(str::to_string),
        rate_bp: 8_000,
        monthly_salary_ore: salary,
    };
    for (who, j) in [
        (&anna, job(Some(&bo), "2019-03-15", Some("2022-12-31"), 3_900_000)),
        (&anna, job(Some(&bo), "2023-01-01", None, 4_450_000)),
        (&bo, job(None, "2010-01-01", None, 6_500_000)),
    ] {
        people::employment::add(t, &c, Actor::System, Origin::default(), who, &j).await.expect("employ");
    }
    let pool = t.db().pool();
    for (id, who, person) in [("acc-anna", "anna", &anna), ("acc-bo", "bo", &bo)] {
        sqlx::query(
            "INSERT INTO users (id, email, email_norm, display_name, role, status, person_id, created_at, updated_at) \
             VALUES ($1, $2, $2, $3, 'employee', 'active', $4, 0, 0)",
        )
        .bind(id)
        .bind(format!("{who}@example.test"))
        .bind(format!("{who} display"))
        .bind(person)
        .execute(pool)
        .await
        .expect("user");
    }
    for sql in [
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, ip, user_agent) VALUES ('s-anna', 'acc-anna', 0, 0, '192.0.2.7', 'Firefox')",
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) VALUES ('s-bo', 'acc-bo', 0, 0)",
        "INSERT INTO auth_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ('tok-anna', 'acc-anna', 'reset', 0, 1)",
        "INSERT INTO password_history (user_id, hash, created_at) VALUES ('acc-anna', 'argon-anna', 0)",
    ] {
        sqlx::query(sql).execute(pool).await.expect(sql);
    }
    let talk = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1".to_string();
    sqlx::query(
        "INSERT INTO talk_rounds (id, title, body, unit_id, starts_on, ends_on, created_at) \
         VALUES ('r0r0r0r0r0r0r0r0r0r0r0r0r0r0r0r0', 'Lönesamtal 2026', $2, $1, '2026-11-01', '2026-12-31', 0)",
    )
    .bind(&unit)
    .bind(r#"{"sections":[{"id":"s1","title":"Mål","questions":[{"id":"q1","text":"Vad vill du göra?","help":"","answered_by":"both"}]}]}"#)
    .execute(pool)
    .await
    .expect("round");
    sqlx::query(
        "INSERT INTO talks (id, round_id, person_id, manager_person_id, unit_id, status, version, created_at, updated_at) \
         VALUES ($1, 'r0r0r0r0r0r0r0r0r0r0r0r0r0r0r0r0', $2, $3, $4, 'started', 1, 0, 0)",
    )
    .bind(&talk)
    .bind(&anna)
    .bind(&bo)
    .bind(&unit)
    .execute(pool)
    .await
    .expect("talk");
    for (kind, text) in
        [("employee_prep", r#"{"q1":{"text":"ANNA-PREP leda projekt"}}"#), ("notes", "ANNA-NOTES kundansvar")]
    {
        let id = format!("{talk}-{kind}");
        let sealed = crypto::seal(t, &c, TEXT.at(&id), &text.to_string()).await.expect("seal");
        sqlx::query("INSERT INTO talk_texts (id, talk_id, kind, body_sealed, version, updated_at) VALUES ($1, $2, $3, $4, 1, 0)")
            .bind(&id)
            .bind(&talk)
            .bind(kind)
            .bind(sealed.as_bytes().to_vec())
            .execute(pool)
            .await
            .expect("text");
    }
    sqlx::query(
        "INSERT INTO talk_private_notes (id, talk_id, author_person_id, author_user_id, body_sealed, version, updated_at) \
         VALUES ('pn1', $1, $2, 'acc-bo', $3, 1, 0)",
    )
    .bind(&talk)
    .bind(&bo)
    .bind(crypto::seal(t, &c, PRIVATE.at("pn1"), &"BO-PRIVATE tankar".to_string()).await.expect("seal").as_bytes().to_vec())
    .execute(pool)
    .await
    .expect("private note");
    sqlx::query("INSERT INTO talk_addenda (id, talk_id, author_person_id, body_sealed, created_at) VALUES ('ad1', $1, $2, $3, 0)")
        .bind(&talk)
        .bind(&bo)
        .bind(crypto::seal(t, &c, ADDENDUM.at("ad1"), &"BO-ADDENDUM rättelse".to_string()).await.expect("seal").as_bytes().to_vec())
        .execute(pool)
        .await
        .expect("addendum");
    let viewed = Event::new(Actor::System, Action::PersonViewed, Outcome::Success)
        .target(TargetType::Person, Id::parse(&anna).expect("id"));
    logbook::record(t, &SystemClock, &viewed).await.expect("event");
    Org { anna, bo, talk }
}

async fn count(t: &Tenant, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(t.db().pool()).await.expect(sql);
    n
}

async fn tables_and_columns(b: Backend, t: &Tenant) -> Vec<(String, String)> {
    let sql = match b {
        Backend::Sqlite => {
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid"
        }
        Backend::Postgres => {
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
        }
    };
    sqlx::query_as(sql).fetch_all(t.db().pool()).await.expect("columns")
}

/// Every (table, column) outside the logbook where one of `needles` appears.
async fn rows_naming(b: Backend, t: &Tenant, needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (table, column) in tables_and_columns(b, t).await {
        if table.starts_with("logbook") {
            continue;
        }
        let cast = match b {
            Backend::Sqlite => format!("CAST(\"{column}\" AS TEXT)"),
            Backend::Postgres => format!("\"{column}\"::text"),
        };
        for needle in needles {
            let sql = format!("SELECT COUNT(*) FROM \"{table}\" WHERE {cast} LIKE '%' || $1 || '%'");
            let (n,): (i64,) = sqlx::query_as(&sql).bind(needle).fetch_one(t.db().pool()).await.expect("scan");
            if n > 0 {
                found.push(format!("{table}.{column} holds {needle:?}"));
            }
        }
    }
    found
}

async fn an_erasure_reaches_everything_and_leaves_only_a_remnant_and_a_receipt(b: Backend) {
    let (env, t) = setup(b).await;
    let o = org(&t).await;
    let index = people::pnr_index(&t, &SystemClock, &pnr(ANNA)).await.expect("index");
    let before = gdpr::holdings(&t, &o.anna).await.expect("holdings");
    assert_eq!(
        (before.employments, before.talks, before.talk_texts, before.private_notes, before.addenda),
        (2, 1, 2, 1, 1)
    );
    assert_eq!((before.accounts, before.sessions, before.sign_in_links, before.password_history), (1, 1, 1, 1));
    assert!(before.logbook_events >= 3, "created, employed twice, viewed: {}", before.logbook_events);
    let bo = gdpr::holdings(&t, &o.bo).await.expect("bo's holdings");
    assert_eq!((bo.talks_as_manager, bo.employments_managed, bo.addenda_written), (1, 2, 1));
    assert_eq!(bo.private_notes, 1, "the note Bo wrote on Anna's talk is his");

    let admin = Actor::User(Id::parse("acc-admin").expect("id"));
    let r = gdpr::erase(&t, env.tenancy.catalog(), &SystemClock, admin, Origin::default(), &o.anna, &pnr(ANNA))
        .await
        .expect("erase");
    // The receipt: signed, complete, nothing that names her but the blind index.
    assert_eq!(r.erased_by, "user:acc-admin");
    assert_eq!(r.personnummer_index, index);
    assert_eq!(r.erased.get("employments"), Some(&2));
    assert_eq!(r.erased.get("talk_texts"), Some(&2));
    assert_eq!(r.erased.get("sessions"), Some(&1));
    assert_eq!(r.kept.get("remnant_employments"), Some(&2));
    let json = r.to_json();
    for leak in ["Anna", "Ekström", "anna@", "19850623", "850623", "Säljare"] {
        assert!(!json.contains(leak), "the receipt holds {leak:?}: {json}");
    }
    assert_eq!(Receipt::verify(&t, "acme", &json).expect("genuine"), r);
    let forged = json.replace("\"talks\": 1", "\"talks\": 0");
    assert_ne!(forged, json);
    assert!(matches!(Receipt::verify(&t, "acme", &forged), Err(GdprError::NotAReceipt)));

    // Nothing anywhere names her: her id, account, talk, names, e-mail, number, index, session.
    let found = rows_naming(
        b,
        &t,
        &[
            &o.anna,
            "acc-anna",
            &o.talk,
            "Anna",
            "Ekström",
            "anna@",
            "E-Anna",
            "s-anna",
            "tok-anna",
            "192.0.2.7",
            &index,
        ],
    )
    .await;
    assert!(found.is_empty(), "{found:#?}");
    // What stays: Bo, his account, and the remnant, which holds no identifier.
    assert_eq!(count(&t, "SELECT COUNT(*) FROM persons").await, 1);
    assert_eq!(count(&t, "SELECT COUNT(*) FROM sessions").await, 1, "Bo's session stays");
    assert_eq!(count(&t, "SELECT COUNT(*) FROM talk_private_notes").await, 0, "it was on her talk");
    let remnant: Vec<(String, i64)> =
        sqlx::query_as("SELECT gender, birth_band FROM person_remnants").fetch_all(t.db().pool()).await.expect("r");
    assert_eq!(remnant, vec![("female".to_string(), 1980)]);
    let rows: Vec<(String, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT start_month, end_month, rate_bp, monthly_salary_ore FROM remnant_employments ORDER BY start_month",
    )
    .fetch_all(t.db().pool())
    .await
    .expect("remnant rows");
    assert_eq!(
        rows,
        vec![
            ("2019-03".to_string(), Some("2022-12".to_string()), 8_000, 3_900_000),
            ("2023-01".to_string(), None, 8_000, 4_450_000)
        ]
    );
    let remnant_columns: Vec<String> = tables_and_columns(b, &t)
        .await
        .into_iter()
        .filter(|(table, _)| table.starts_with("person_remnants") || table.starts_with("remnant_"))
        .map(|(_, c)| c)
        .collect();
    for c in &remnant_columns {
        assert!(!c.contains("person") && !c.contains("name") && !c.contains("pnr"), "the remnant has {c}");
    }
    // The ledger has it, by blind index; the logbook says it happened and stays intact.
    let slug = t.slug().as_str();
    let entries = ledger::by_index(env.tenancy.catalog(), slug, &index).await.expect("ledger");
    assert_eq!(entries.len(), 1);
    assert_eq!((entries[0].person_id.as_str(), entries[0].id.as_str()), (o.anna.as_str(), r.id.as_str()));
    let events = logbook::list(&t, &Filter::default()).await.expect("events");
    assert_eq!(events.iter().filter(|e| e.action == "person.erased").count(), 1);
    assert!(logbook::verify(&t).await.expect("verify").problem.is_none());
    assert!(matches!(gdpr::holdings(&t, &o.anna).await, Err(GdprError::NoSuchPerson)));
    // Erasing the manager too: the talk is gone with Anna, his addendum and note with it.
    gdpr::erase(&t, env.tenancy.catalog(), &SystemClock, Actor::System, Origin::default(), &o.bo, &pnr(BO))
        .await
        .expect("erase bo");
    assert_eq!(count(&t, "SELECT COUNT(*) FROM persons").await, 0);
    assert_eq!(count(&t, "SELECT COUNT(*) FROM person_remnants").await, 2);
    assert_eq!(ledger::list(env.tenancy.catalog(), slug).await.expect("list").len(), 2);
    t.db().close().await;
    env.cleanup().await;
}

async fn an_erasure_that_fails_halfway_changes_nothing(b: Backend) {
    let (env, t) = setup(b).await;
    let o = org(&t).await;
    let before = gdpr::holdings(&t, &o.anna).await.expect("holdings");
    let events_before = logbook::list(&t, &Filter::default()).await.expect("events").len();
    // The cascade reaches the talk's texts after the remnant is written and the event appended.
    let pool = t.db().pool();
    match b {
        Backend::Sqlite => {
            sqlx::query(
                "CREATE TRIGGER fail_halfway BEFORE DELETE ON talk_texts BEGIN SELECT RAISE(ABORT, 'injected'); END",
            )
            .execute(pool)
            .await
            .expect("trigger");
        }
        Backend::Postgres => {
            sqlx::query(
                "CREATE FUNCTION fail_halfway() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$",
            )
            .execute(pool)
            .await
            .expect("function");
            sqlx::query(
                "CREATE TRIGGER fail_halfway BEFORE DELETE ON talk_texts FOR EACH ROW EXECUTE FUNCTION fail_halfway()",
            )
            .execute(pool)
            .await
            .expect("trigger");
        }
    }
    let result =
        gdpr::erase(&t, env.tenancy.catalog(), &SystemClock, Actor::System, Origin::default(), &o.anna, &pnr(ANNA))
            .await;
    assert!(matches!(result, Err(GdprError::Db(_))), "{result:?}");
    assert_eq!(gdpr::holdings(&t, &o.anna).await.expect("still there"), before);
    assert_eq!(count(&t, "SELECT COUNT(*) FROM person_remnants").await, 0);
    assert_eq!(count(&t, "SELECT COUNT(*) FROM remnant_employments").await, 0);
    assert!(ledger::list(env.tenancy.catalog(), "acme").await.expect("ledger").is_empty());
    assert_eq!(logbook::list(&t, &Filter::default()).await.expect("events").len(), events_before);
    if b == Backend::Postgres {
        // A failure at COMMIT itself, after the ledger entry is written: the entry is taken back.
        sqlx::query("DROP TRIGGER fail_halfway ON talk_texts").execute(pool).await.expect("drop");
        sqlx::query(
            "CREATE CONSTRAINT TRIGGER fail_at_commit AFTER DELETE ON persons DEFERRABLE INITIALLY DEFERRED \
             FOR EACH ROW EXECUTE FUNCTION fail_halfway()",
        )
        .execute(pool)
        .await
        .expect("deferred trigger");
        let result =
            gdpr::erase(&t, env.tenancy.catalog(), &SystemClock, Actor::System, Origin::default(), &o.anna, &pnr(ANNA))
                .await;
        assert!(matches!(result, Err(GdprError::Db(_))), "{result:?}");
        assert_eq!(gdpr::holdings(&t, &o.anna).await.expect("still there").talks, before.talks);
        assert!(ledger::list(env.tenancy.catalog(), "acme").await.expect("ledger").is_empty(), "taken back");
    }
    t.db().close().await;
    env.cleanup().await;
}

async fn a_wrong_confirmation_erases_nothing(b: Backend) {
    let (env, t) = setup(b).await;
    let o = org(&t).await;
    let before = gdpr::holdings(&t, &o.anna).await.expect("holdings");
    // Bo's number for Anna's record.
    let result =
        gdpr::erase(&t, env.tenancy.catalog(), &SystemClock, Actor::System, Origin::default(), &o.anna, &pnr(BO)).await;
    assert!(matches!(result, Err(GdprError::ConfirmationMismatch)), "{result:?}");
    let events = logbook::list(&t, &Filter::default()).await.expect("events");
    assert_eq!(events.iter().filter(|e| e.action == "person.erased" && e.outcome == "failure").count(), 1, "logged");
    let result = gdpr::erase(
        &t,
        env.tenancy.catalog(),
        &SystemClock,
        Actor::System,
        Origin::default(),
        "ffffffffffffffffffffffffffffffff",
        &pnr(ANNA),
    )
    .await;
    assert!(matches!(result, Err(GdprError::NoSuchPerson)), "{result:?}");
    let after = gdpr::holdings(&t, &o.anna).await.expect("still there");
    assert_eq!(
        after,
        gdpr::Holdings { logbook_events: before.logbook_events + 1, ..before },
        "only the refusal's event"
    );
    assert!(ledger::list(env.tenancy.catalog(), "acme").await.expect("ledger").is_empty());
    t.db().close().await;
    env.cleanup().await;
}

/// A restore is simulated by putting the rows back as they were (on SQLite the file itself is
/// copied back by `server/tests/cli.rs`): the replay erases her again, once, and keeps a new
/// person registered later under the same number.
async fn replaying_the_ledger_erases_again_whoever_a_restore_brought_back(b: Backend) {
    let (env, t) = setup(b).await;
    let o = org(&t).await;
    let catalog = env.tenancy.catalog();
    assert_eq!(gdpr::replay(&t, catalog, &SystemClock).await.expect("replay").erased_again, Vec::<String>::new());
    let snapshot: (String, Vec<u8>, String, String, String, String, String) = sqlx::query_as(
        "SELECT id, pnr_sealed, pnr_index, given_name, family_name, name_key, gender FROM persons WHERE id = $1",
    )
    .bind(&o.anna)
    .fetch_one(t.db().pool())
    .await
    .expect("snapshot");
    gdpr::erase(&t, catalog, &SystemClock, Actor::System, Origin::default(), &o.anna, &pnr(ANNA)).await.expect("erase");
    // "Restore": her row is back, with an employment.
    sqlx::query(
        "INSERT INTO persons (id, pnr_sealed, pnr_index, given_name, family_name, name_key, gender, gender_source, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'personnummer', 0, 0)",
    )
    .bind(&snapshot.0)
    .bind(&snapshot.1)
    .bind(&snapshot.2)
    .bind(&snapshot.3)
    .bind(&snapshot.4)
    .bind(&snapshot.5)
    .bind(&snapshot.6)
    .execute(t.db().pool())
    .await
    .expect("restore");
    sqlx::query(
        "INSERT INTO employments (id, person_id, unit_id, job_title, start_date, rate_bp, monthly_salary_ore, created_at, \
         updated_at) VALUES ('e-back', $1, (SELECT id FROM org_units LIMIT 1), 'Säljare', '2023-01-01', 8000, 4450000, 0, 0)",
    )
    .bind(&snapshot.0)
    .execute(t.db().pool())
    .await
    .expect("restored employment");
    let remnant_rows = count(&t, "SELECT COUNT(*) FROM remnant_employments").await;
    let r = gdpr::replay(&t, catalog, &SystemClock).await.expect("replay");
    assert_eq!((r.recorded, r.erased_again), (1, vec![o.anna.clone()]));
    assert!(people::find_by_personnummer(&t, &SystemClock, &pnr(ANNA)).await.expect("find").is_none());
    assert_eq!(
        count(&t, "SELECT COUNT(*) FROM remnant_employments").await,
        remnant_rows + 1,
        "the replay keeps the remnant too"
    );
    assert_eq!(count(&t, "SELECT COUNT(*) FROM employments WHERE id = 'e-back'").await, 0);
    let again = gdpr::replay(&t, catalog, &SystemClock).await.expect("replay again");
    assert!(again.erased_again.is_empty(), "a second replay changes nothing");
    // Registered again later: a new person, whom no replay touches.
    let back = NewPerson {
        personnummer: pnr(ANNA),
        given_name: "Anna".into(),
        family_name: "Ekström".into(),
        email: None,
        gender: None,
        employee_number: None,
    };
    let new = people::create(&t, &SystemClock, Actor::System, &back).await.expect("rehired");
    assert_ne!(new, o.anna);
    assert!(gdpr::replay(&t, catalog, &SystemClock).await.expect("replay").erased_again.is_empty());
    assert!(people::find_by_personnummer(&t, &SystemClock, &pnr(ANNA)).await.expect("find").is_some());
    let events = logbook::list(&t, &Filter::default()).await.expect("events");
    assert_eq!(events.iter().filter(|e| e.action == "person.erasure.replayed").count(), 1);
    t.db().close().await;
    env.cleanup().await;
}

async fn an_export_holds_everything_about_the_person_and_nothing_about_anyone_else(b: Backend) {
    use app::core::gdpr::Requester;
    let (env, t) = setup(b).await;
    let o = org(&t).await;
    let admin = Actor::User(Id::parse("acc-admin").expect("id"));
    let e = gdpr::export(&t, &SystemClock, admin.clone(), Origin::default(), &o.anna, Requester::Admin)
        .await
        .expect("export");
    let json = e.to_json();
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["type"], "samtal.person-export");
    assert_eq!(v["person"]["personnummer"], "19850623-4320");
    assert_eq!(v["person"]["email"], "anna@example.test");
    assert_eq!(v["employments"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["accounts"][0]["email"], "anna@example.test");
    assert_eq!(v["sessions"][0]["ip"], "192.0.2.7");
    assert_eq!(v["talks"][0]["preparation"]["q1"]["text"], "ANNA-PREP leda projekt");
    assert_eq!(v["talks"][0]["notes"], "ANNA-NOTES kundansvar");
    assert_eq!(v["talks"][0]["addenda"][0]["text"], "BO-ADDENDUM rättelse");
    assert_eq!(v["talks"][0]["manager"], "Bo Chefsson");
    assert!(v["talks"][0]["manager_assessment"].is_null(), "not shown before both are done");
    let actions: Vec<&str> =
        v["logbook"]["events"].as_array().expect("events").iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"person.viewed") && actions.contains(&"person.created"), "{actions:?}");
    // Nothing about Bo beyond his name as her manager: not his number, e-mail, salary or note.
    for other in ["19640823", "640823", "bo@example.test", "6500000", "BO-PRIVATE", "s-bo", "acc-bo"] {
        assert!(!json.contains(other), "the export holds {other:?}");
    }
    // Logged before anything was read: the export, and the talk opened as hers.
    let events = logbook::list(&t, &Filter::default()).await.expect("events");
    assert_eq!(events.iter().filter(|e| e.action == "person.exported").count(), 1);
    assert_eq!(events.iter().filter(|e| e.action == "talk.viewed").count(), 1);
    // Bo's export: his private note only when he asks himself, never for an admin.
    let by_admin =
        gdpr::export(&t, &SystemClock, admin, Origin::default(), &o.bo, Requester::Admin).await.expect("export");
    assert_eq!((by_admin.private_notes.count, by_admin.private_notes.included), (1, false));
    assert!(!by_admin.to_json().contains("BO-PRIVATE"));
    assert_eq!(by_admin.talks_as_manager.len(), 1);
    assert_eq!(by_admin.talks_as_manager[0].employee, "Anna Ekström");
    assert!(!by_admin.to_json().contains("ANNA-NOTES"), "her talk's texts are in her export, not his");
    let own = Actor::User(Id::parse("acc-bo").expect("id"));
    let by_himself =
        gdpr::export(&t, &SystemClock, own, Origin::default(), &o.bo, Requester::Themselves { account: "acc-bo" })
            .await
            .expect("export");
    assert!(by_himself.private_notes.included);
    assert_eq!(by_himself.private_notes.notes[0].text, "BO-PRIVATE tankar");
    // Another account linked to Bo later (an admin's, say) opens none of the notes he wrote.
    let pool = t.db().pool();
    sqlx::query("UPDATE users SET person_id = NULL WHERE id = 'acc-bo'").execute(pool).await.expect("unlink");
    sqlx::query(
        "INSERT INTO users (id, email, email_norm, display_name, role, status, person_id, created_at, updated_at) \
         VALUES ('acc-later', 'later@example.test', 'later@example.test', 'L', 'admin', 'active', $1, 0, 0)",
    )
    .bind(&o.bo)
    .execute(pool)
    .await
    .expect("relink");
    let later = Actor::User(Id::parse("acc-later").expect("id"));
    let relinked =
        gdpr::export(&t, &SystemClock, later, Origin::default(), &o.bo, Requester::Themselves { account: "acc-later" })
            .await
            .expect("export");
    assert_eq!((relinked.private_notes.count, relinked.private_notes.notes.len()), (1, 0));
    assert!(!relinked.to_json().contains("BO-PRIVATE"), "a relinked account reads no earlier private note");
    let events = logbook::list(&t, &Filter::default()).await.expect("events");
    assert_eq!(events.iter().filter(|e| e.action == "talk.private_note.viewed").count(), 1);
    // One account's exports are bounded: each writes to the logbook.
    let busy = Actor::User(Id::parse("acc-busy").expect("id"));
    for _ in 0..gdpr::export::MAX_PER_HOUR {
        gdpr::export(&t, &SystemClock, busy.clone(), Origin::default(), &o.anna, Requester::Admin)
            .await
            .expect("export");
    }
    let refused = gdpr::export(&t, &SystemClock, busy, Origin::default(), &o.anna, Requester::Admin).await;
    assert!(matches!(refused, Err(GdprError::TooManyExports)), "{refused:?}");
    // A typed number confirms an admin's export, as it does an erasure.
    let (sys, none) = (Actor::System, Origin::default());
    gdpr::export::check_number(&t, &SystemClock, sys.clone(), none.clone(), &o.anna, &pnr(ANNA)).await.expect("hers");
    assert!(matches!(
        gdpr::export::check_number(&t, &SystemClock, sys, none, &o.anna, &pnr(BO)).await,
        Err(GdprError::ConfirmationMismatch)
    ));
    let events = logbook::list(&t, &Filter::default()).await.expect("events");
    assert_eq!(events.iter().filter(|e| e.action == "person.exported" && e.outcome == "failure").count(), 1);
    t.db().close().await;
    env.cleanup().await;
}

async fn people_past_the_retention_period_are_listed_and_with_automatic_erasure_erased(b: Backend) {
    use app::core::gdpr::retention::{self, Settings};
    let (env, t) = setup(b).await;
    let c = SystemClock;
    let unit = org::create(&t, &c, Actor::System, Origin::default(), "Sälj", None).await.expect("unit");
    let mut ids = Vec::new();
    // (number, employments as (start, end))
    type Jobs = &'static [(&'static str, Option<&'static str>)];
    let people: [(u16, Jobs); 6] = [
        (1970, &[("2015-01-01", Some("2020-06-30"))]),
        (1980, &[("2016-01-01", Some("2026-01-31"))]),
        (1990, &[("2018-01-01", None)]),
        (1960, &[("2010-01-01", Some("2019-12-31")), ("2025-01-01", None)]),
        (1975, &[("2012-01-01", Some("2019-03-31"))]),
        // Coming back next month: kept.
        (1965, &[("2010-01-01", Some("2019-06-30")), ("2027-01-01", None)]),
    ];
    for (i, (year, jobs)) in people.iter().enumerate() {
        let new = NewPerson {
            personnummer: pnr(&app::model::personnummer::synthesise(*year, 5, 17, 410 + i as u16)),
            given_name: format!("P{i}"),
            family_name: "Test".into(),
            email: None,
            gender: None,
            employee_number: None,
        };
        let id = people::create(&t, &c, Actor::System, &new).await.expect("person");
        for (start, end) in jobs.iter() {
            let job = EmploymentInput {
                unit_id: unit.clone(),
                job_title: "Säljare".into(),
                manager_person_id: None,
                start_date: start.to_string(),
                end_date: end.map(str::to_string),
                rate_bp: 10_000,
                monthly_salary_ore: 4_000_000,
            };
            people::employment::add(&t, &c, Actor::System, Origin::default(), &id, &job).await.expect("job");
        }
        ids.push(id);
    }
    // The last one's account is an active admin's.
    sqlx::query(
        "INSERT INTO users (id, email, email_norm, display_name, role, status, person_id, created_at, updated_at) \
         VALUES ('acc-admin', 'a@example.test', 'a@example.test', 'A', 'admin', 'active', $1, 0, 0)",
    )
    .bind(&ids[4])
    .execute(t.db().pool())
    .await
    .expect("admin");
    let today = "2026-12-04";
    assert_eq!(retention::settings(&t).await.expect("settings"), Settings { months: 24, auto_erase: false });
    let due = retention::due(&t, today).await.expect("due");
    let names: Vec<(&str, &str, bool)> = due.iter().map(|d| (d.name.as_str(), d.ended.as_str(), d.admin)).collect();
    assert_eq!(names, vec![("P4 Test", "2019-03-31", true), ("P0 Test", "2020-06-30", false)]);
    assert_eq!(retention::run(&t, env.tenancy.catalog(), &c, today).await.expect("run"), 0, "off: listed only");
    assert!(ledger::list(env.tenancy.catalog(), "acme").await.expect("ledger").is_empty());
    for months in [0, 121] {
        let refused = retention::set(&t, &c, Actor::System, Settings { months, auto_erase: true }).await;
        assert!(matches!(refused, Err(GdprError::RetentionMonths)), "{months}: {refused:?}");
    }
    retention::set(&t, &c, Actor::System, Settings { months: 24, auto_erase: true }).await.expect("set");
    assert_eq!(retention::run(&t, env.tenancy.catalog(), &c, today).await.expect("run"), 1, "the admin is kept");
    let entries = ledger::list(env.tenancy.catalog(), "acme").await.expect("ledger");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].person_id, ids[0]);
    let r = Receipt::verify(&t, "acme", &entries[0].receipt).expect("genuine");
    assert_eq!((r.reason.as_str(), r.erased_by.as_str()), ("retention", "system"));
    for id in &ids[1..] {
        assert!(gdpr::holdings(&t, id).await.is_ok(), "{id} is kept");
    }
    // A shorter period reaches the one who left in January.
    retention::set(&t, &c, Actor::System, Settings { months: 6, auto_erase: true }).await.expect("set");
    assert_eq!(retention::run(&t, env.tenancy.catalog(), &c, today).await.expect("run"), 1);
    assert!(matches!(gdpr::holdings(&t, &ids[1]).await, Err(GdprError::NoSuchPerson)));
    assert_eq!(retention::run(&t, env.tenancy.catalog(), &c, today).await.expect("run"), 0, "nothing left to do");
    t.db().close().await;
    env.cleanup().await;
}
