//! Talks on real databases, both backends: a round rolled out to a unit, the status machine
//! from not started to locked, the mutual reveal, private notes, version conflicts under
//! concurrent saves, and that the database holds none of the texts.
use app::on_both_backends;
use app::{
    core::{
        auth::{users, Role},
        clock::SystemClock,
        db::Backend,
        logbook::{self, Actor, Filter, Origin},
        people::{self, access as people_access, employment, org, NewPerson},
        talks::{
            access::{self, Talk},
            moves::Move,
            rounds::{self, NewRound},
            talk::{self, By, Viewer},
            templates::{self, Edit},
            TalkError,
        },
        tenancy::Tenant,
        testkit::TestEnv,
    },
    model::{
        lang::Lang,
        personnummer::{synthesise, Day, Personnummer},
        slug::Slug,
        talks::{Answer, Note, Preparation, Side, Status},
    },
};

on_both_backends!(
    a_round_rolls_out_to_the_unit_and_below_with_todays_managers,
    a_talk_goes_from_not_started_to_locked_with_the_reveal_in_between,
    two_saves_over_one_version_give_one_conflict,
    asked_before_she_was_ready_her_preparation_closes_and_a_send_back_comment_does_not_sign,
    the_database_holds_none_of_the_texts,
);

const TODAY: &str = "2026-12-02";

struct Fx {
    env: TestEnv,
    t: Tenant,
    /// boss → mia → ola, mia → eva; sam (no manager) in a sub-unit; kim outside the unit.
    boss: String,
    mia: String,
    ola: String,
    round: String,
    unit: String,
    template: String,
    /// Each person's account.
    accounts: std::collections::HashMap<String, String>,
}

fn pnr(n: u16) -> Personnummer {
    Personnummer::parse(&synthesise(1970 + n, 4, 10 + n as u8, 300 + n), Day { year: 2026, month: 12, day: 2 })
        .expect("valid")
}

async fn fx(b: Backend) -> Fx {
    let env = TestEnv::new(b).await;
    let slug = Slug::parse("acme").expect("slug");
    env.tenancy.create_tenant(&slug, "Acme AB", env.target()).await.expect("create");
    let t = env.tenancy.open_active(&slug).await.expect("open");
    let c = SystemClock;
    let unit = org::create(&t, &c, Actor::System, Origin::default(), "Sälj", None).await.expect("unit");
    let sub = org::create(&t, &c, Actor::System, Origin::default(), "Sälj Nord", Some(&unit)).await.expect("sub");
    let other = org::create(&t, &c, Actor::System, Origin::default(), "Ekonomi", None).await.expect("other");
    let mut ids = Vec::new();
    for (i, (g, f)) in
        [("Bo", "Chef"), ("Mia", "Mellan"), ("Ola", "Nilsson"), ("Eva", "Ek"), ("Sam", "Åberg"), ("Kim", "Ekonom")]
            .iter()
            .enumerate()
    {
        let new = NewPerson {
            personnummer: pnr(i as u16 + 1),
            given_name: (*g).into(),
            family_name: (*f).into(),
            email: None,
            gender: None,
            employee_number: None,
        };
        ids.push(people::create(&t, &c, Actor::System, &new).await.expect("person"));
    }
    let job = |unit: &str, manager: Option<&String>, start: &str, end: Option<&str>| employment::EmploymentInput {
        unit_id: unit.to_string(),
        job_title: "Säljare".into(),
        manager_person_id: manager.cloned(),
        start_date: start.into(),
        end_date: end.map(String::from),
        rate_bp: 10_000,
        monthly_salary_ore: 4_000_000,
    };
    let add = |who: usize, input: employment::EmploymentInput| {
        let (t, id) = (&t, ids[who].clone());
        async move { employment::add(t, &SystemClock, Actor::System, Origin::default(), &id, &input).await.expect("employ") }
    };
    add(0, job(&unit, None, "2015-01-01", None)).await;
    add(1, job(&unit, Some(&ids[0]), "2018-01-01", None)).await;
    // Ola had Bo as manager until last year; today it is Mia.
    add(2, job(&unit, Some(&ids[0]), "2019-01-01", Some("2025-12-31"))).await;
    add(2, job(&sub, Some(&ids[1]), "2026-01-01", None)).await;
    add(3, job(&sub, Some(&ids[1]), "2020-01-01", None)).await;
    add(4, job(&sub, None, "2020-01-01", None)).await;
    add(5, job(&other, Some(&ids[0]), "2020-01-01", None)).await;
    templates::ensure_shipped(&t, &c, Lang::Sv).await.expect("shipped");
    let template = templates::list(&t).await.expect("list").into_iter().find(|r| r.shipped && r.title == "Lönesamtal");
    let template = template.expect("the salary template").id;
    let new = NewRound {
        title: "Lönesamtal 2026".into(),
        template_id: template.clone(),
        unit_id: unit.clone(),
        starts_on: "2026-11-01".into(),
        ends_on: "2026-12-31".into(),
    };
    let out = rounds::roll_out(&t, &c, Actor::System, Origin::default(), &new, TODAY).await.expect("roll out");
    assert_eq!((out.talks, out.without_manager), (3, 2), "Mia, Ola, Eva; Bo and Sam have no manager");
    let mut accounts = std::collections::HashMap::new();
    for (i, id) in ids.iter().enumerate() {
        let email = format!("p{i}@acme.example");
        let role = if i < 2 { Role::Manager } else { Role::Employee };
        let u = users::create(&t, &c, Actor::System, &email, &email, role).await.expect("account");
        people_access::link_account(&t, &c, Actor::System, &u.id, Some(id)).await.expect("link");
        accounts.insert(id.clone(), u.id);
    }
    let [boss, mia, ola, ..]: [String; 6] = ids.try_into().expect("six");
    Fx { env, t, boss, mia, ola, round: out.round_id, unit, template, accounts }
}

impl Fx {
    async fn talk_of(&self, person: &str) -> Talk {
        let (id,): (String,) = sqlx::query_as("SELECT id FROM talks WHERE person_id = $1 AND round_id = $2")
            .bind(person)
            .bind(&self.round)
            .fetch_one(self.t.db().pool())
            .await
            .expect("talk");
        access::load(&self.t, &id).await.expect("load")
    }
    async fn reload(&self, talk: &Talk) -> Talk {
        access::load(&self.t, &talk.id).await.expect("load")
    }
    async fn done(self) {
        self.t.db().close().await;
        self.env.cleanup().await;
    }
}

impl Fx {
    /// A request by `person`'s account.
    fn by(&self, person: &str) -> By {
        let user = self.accounts.get(person).cloned().unwrap_or_default();
        By { actor: Actor::System, origin: Origin::default(), person: person.to_string(), user }
    }
}

fn prep(talk: &Talk, side: Side, words: &str, rating: u8) -> Preparation {
    talk.body
        .questions()
        .filter(|q| q.answered_by.includes(side))
        .map(|q| (q.id.clone(), Answer { text: format!("{words} {}", q.id), rating: q.scale.as_ref().map(|_| rating) }))
        .collect()
}

async fn a_round_rolls_out_to_the_unit_and_below_with_todays_managers(b: Backend) {
    let f = fx(b).await;
    let ola = f.talk_of(&f.ola).await;
    assert_eq!(ola.manager_person_id.as_deref(), Some(f.mia.as_str()), "today's manager, not last year's");
    assert_eq!(ola.status, Status::NotStarted);
    let mia = f.talk_of(&f.mia).await;
    assert_eq!(mia.manager_person_id.as_deref(), Some(f.boss.as_str()));
    // The round's questions are fixed: a later edit of a copy or the template changes no talk.
    let copy = templates::create(&f.t, &SystemClock, Actor::System, Origin::default(), "Egen", Some(&f.template))
        .await
        .expect("copy");
    let first = ola.body.sections[0].id.clone();
    templates::edit(&f.t, &SystemClock, Actor::System, Origin::default(), &copy, &Edit::DeleteSection(first))
        .await
        .expect("edit the copy");
    let shipped =
        templates::edit(&f.t, &SystemClock, Actor::System, Origin::default(), &f.template, &Edit::Rename("X".into()))
            .await;
    assert!(matches!(shipped, Err(TalkError::ShippedTemplate)), "a ready template is copied, not edited");
    assert_eq!(f.reload(&ola).await.body, ola.body);
    // Progress per unit: statuses only.
    let view = rounds::view(&f.t, &f.round, TODAY).await.expect("view");
    let counts: Vec<(String, u32)> = view.units.iter().map(|u| (u.unit.clone(), u.not_started)).collect();
    assert_eq!(counts, vec![("Sälj".to_string(), 1), ("Sälj Nord".to_string(), 2)]);
    assert_eq!(view.talks.len(), 3);
    assert!(view.talks.iter().all(|r| !r.manager_changed));
    // Ola moves to Bo this month (his employment under Mia ends, a new one starts): the round
    // says so, and an admin hands his talk on.
    let (current, unit): (String, String) = sqlx::query_as(
        "SELECT id, unit_id FROM employments WHERE person_id = $1 AND manager_person_id = $2 AND end_date IS NULL",
    )
    .bind(&f.ola)
    .bind(&f.mia)
    .fetch_one(f.t.db().pool())
    .await
    .expect("Ola's employment under Mia");
    let job = |manager: &str, start: &str, end: Option<&str>| employment::EmploymentInput {
        unit_id: unit.clone(),
        job_title: "Säljare".into(),
        manager_person_id: Some(manager.to_string()),
        start_date: start.into(),
        end_date: end.map(String::from),
        rate_bp: 10_000,
        monthly_salary_ore: 4_000_000,
    };
    let (c, o) = (SystemClock, Origin::default);
    employment::change(&f.t, &c, Actor::System, o(), &current, &job(&f.mia, "2026-01-01", Some("2026-11-30")))
        .await
        .expect("end");
    employment::add(&f.t, &c, Actor::System, o(), &f.ola, &job(&f.boss, "2026-12-01", None)).await.expect("move");
    let view = rounds::view(&f.t, &f.round, TODAY).await.expect("view");
    let moved: Vec<&str> = view.talks.iter().filter(|r| r.manager_changed).map(|r| r.employee.as_str()).collect();
    assert_eq!(moved, vec!["Ola Nilsson"]);
    // Mia no longer reaches Ola: she does not stand as his talk's manager; Bo reads it, from above.
    let stand = |person: String| {
        let (t, id, f) = (&f.t, ola.id.clone(), &f);
        async move {
            let user = users::by_id(t, &f.accounts[&person]).await.expect("user").expect("account");
            let talk = access::load(t, &id).await.expect("load");
            access::party(t, &user, &talk, TODAY).await.expect("party").0
        }
    };
    let mia = stand(f.mia.clone()).await;
    assert!(!mia.manager && !mia.line, "{mia:?}");
    assert!(stand(f.boss.clone()).await.line);
    rounds::reassign(&f.t, &SystemClock, Actor::System, Origin::default(), &ola.id, TODAY).await.expect("reassign");
    let moved = f.reload(&ola).await;
    assert_eq!(moved.manager_person_id.as_deref(), Some(f.boss.as_str()));
    assert_eq!(moved.version, ola.version + 1, "an open page of the talk is out of date");
    assert!(stand(f.boss.clone()).await.manager);
    // A round needs real dates and a unit that exists; a refused one writes nothing.
    for (start, end, unit) in [
        ("2026-12-31", "2026-01-01", f.unit.as_str()),
        ("2026-02-30", "2026-03-01", f.unit.as_str()),
        ("2026-01-01", "2026-02-01", "0123456789abcdef0123456789abcdef"),
    ] {
        let new = NewRound {
            title: "R".into(),
            template_id: f.template.clone(),
            unit_id: unit.into(),
            starts_on: start.into(),
            ends_on: end.into(),
        };
        assert!(rounds::roll_out(&f.t, &SystemClock, Actor::System, Origin::default(), &new, TODAY).await.is_err());
    }
    // The same form sent twice makes one round.
    let again = NewRound {
        title: "Lönesamtal 2026".into(),
        template_id: f.template.clone(),
        unit_id: f.unit.clone(),
        starts_on: "2026-11-01".into(),
        ends_on: "2026-12-31".into(),
    };
    let twice = rounds::roll_out(&f.t, &SystemClock, Actor::System, Origin::default(), &again, TODAY).await;
    assert!(matches!(twice, Err(TalkError::DuplicateRound)), "{twice:?}");
    assert_eq!(rounds::list(&f.t).await.expect("list").len(), 1);
    f.done().await;
}

async fn a_talk_goes_from_not_started_to_locked_with_the_reveal_in_between(b: Backend) {
    let f = fx(b).await;
    let (c, t) = (SystemClock, &f.t);
    let (ola, mia, boss) = (f.by(&f.ola), f.by(&f.mia), f.by(&f.boss));
    let talk = f.talk_of(&f.ola).await;

    // The employee prepares; the manager sees nothing of it until she marks it ready.
    let v = talk::save_preparation(
        t,
        &c,
        &ola,
        &talk,
        Side::Employee,
        0,
        prep(&talk, Side::Employee, "OLA-SJÄLV", 3),
        false,
    )
    .await
    .expect("save");
    assert_eq!(v, 1);
    let talk = f.reload(&talk).await;
    assert_eq!(talk.status, Status::Started, "the first text starts the talk");
    let seen = talk::view(t, &c, &mia, &talk, Viewer::Manager).await.expect("view");
    assert_eq!(seen.employee_prep, None, "not ready: the manager sees nothing");
    let wrong = talk::save_preparation(t, &c, &ola, &talk, Side::Employee, 0, Preparation::new(), false).await;
    assert!(matches!(wrong, Err(TalkError::Conflict { current: 1 })), "{wrong:?}");
    talk::mark_ready(t, &c, &ola, &talk, Side::Employee).await.expect("ready");
    let talk = f.reload(&talk).await;
    let again = talk::save_preparation(t, &c, &ola, &talk, Side::Employee, 1, Preparation::new(), false).await;
    assert!(matches!(again, Err(TalkError::IllegalMove)), "a ready preparation holds still: {again:?}");
    let seen = talk::view(t, &c, &mia, &talk, Viewer::Manager).await.expect("view");
    let words = seen.employee_prep.expect("ready: her words").0;
    assert!(words.values().all(|a| a.rating.is_none()), "but not her self-rating");
    assert!(words.values().any(|a| a.text.starts_with("OLA-SJÄLV")));
    // The manager's assessment: hidden from the employee until both are done.
    talk::save_preparation(t, &c, &mia, &talk, Side::Manager, 0, prep(&talk, Side::Manager, "MIA-BEDÖMER", 2), false)
        .await
        .expect("manager saves");
    let seen = talk::view(t, &c, &ola, &talk, Viewer::Employee).await.expect("view");
    assert_eq!(seen.manager_prep, None);
    // Asking for an OK needs the manager's own preparation ready.
    let early = talk::make_move(t, &c, &mia, &talk, Move::AskForOk, talk.version, None).await;
    assert!(matches!(early, Err(TalkError::ManagerNotReady)), "{early:?}");
    talk::mark_ready(t, &c, &mia, &talk, Side::Manager).await.expect("ready");
    let talk = f.reload(&talk).await;
    let seen = talk::view(t, &c, &ola, &talk, Viewer::Employee).await.expect("view");
    assert!(seen.manager_prep.expect("both done").0.values().any(|a| a.rating == Some(2)));
    let seen = talk::view(t, &c, &mia, &talk, Viewer::Manager).await.expect("view");
    assert!(seen.employee_prep.expect("both done").0.values().any(|a| a.rating == Some(3)));
    // Notes, private notes; the private one is the author's alone.
    talk::save_note(t, &c, &mia, &talk, Note::Notes, 0, "GEMENSAM-ANTECKNING").await.expect("notes");
    talk::save_note(t, &c, &mia, &talk, Note::Actions, 0, "ÅTGÄRD-KURS").await.expect("actions");
    talk::save_note(t, &c, &mia, &talk, Note::Private, 0, "PRIVAT-MIA").await.expect("private");
    let for_ola = talk::view(t, &c, &ola, &talk, Viewer::Employee).await.expect("view");
    let for_boss = talk::view(t, &c, &boss, &talk, Viewer::Line).await.expect("view");
    let for_mia = talk::view(t, &c, &mia, &talk, Viewer::Manager).await.expect("view");
    for v in [&for_ola, &for_boss, &for_mia] {
        assert!(!format!("{v:?}").contains("PRIVAT-MIA"), "a private note in a talk's view");
    }
    assert_eq!(talk::private_note(t, &c, &mia, &talk).await.expect("private").text, "PRIVAT-MIA");
    // Another account linked to Mia's person later does not open her note.
    let other = By { user: f.accounts[&f.boss].clone(), ..f.by(&f.mia) };
    assert_eq!(talk::private_note(t, &c, &other, &talk).await.expect("private").text, "");
    assert_eq!(for_ola.notes.text, "GEMENSAM-ANTECKNING");
    // Illegal moves change nothing.
    for m in [Move::SignOff, Move::Withdraw, Move::SendBack, Move::Start] {
        let r = talk::make_move(t, &c, &ola, &talk, m, talk.version, Some("x")).await;
        assert!(matches!(r, Err(TalkError::IllegalMove)), "{m:?} from started: {r:?}");
    }
    let stale = talk::make_move(t, &c, &mia, &talk, Move::AskForOk, talk.version - 1, None).await;
    assert!(matches!(stale, Err(TalkError::Conflict { .. })), "an old page moves nothing: {stale:?}");
    assert_eq!(f.reload(&talk).await.status, Status::Started);
    talk::make_move(t, &c, &mia, &talk, Move::AskForOk, talk.version, None).await.expect("ask");
    let talk = f.reload(&talk).await;
    assert_eq!(talk.status, Status::Waiting);
    let held = talk::save_note(t, &c, &mia, &talk, Note::Notes, 1, "changed while waiting").await;
    assert!(matches!(held, Err(TalkError::IllegalMove)), "the text being confirmed holds still");
    let back = talk::make_move(t, &c, &ola, &talk, Move::SendBack, talk.version, Some("  ")).await;
    assert!(matches!(back, Err(TalkError::InvalidAnswer)), "sending back needs a comment");
    talk::make_move(t, &c, &ola, &talk, Move::SignOff, talk.version, Some("KOMMENTAR-OK")).await.expect("sign");
    let talk = f.reload(&talk).await;
    assert_eq!(talk.status, Status::Completed);
    assert!(talk.signed_at.is_some());
    // Locked: nothing changes; addenda only.
    assert!(matches!(talk::save_note(t, &c, &mia, &talk, Note::Notes, 1, "x").await, Err(TalkError::Locked)));
    assert!(matches!(talk::save_note(t, &c, &mia, &talk, Note::Private, 1, "x").await, Err(TalkError::Locked)));
    assert!(matches!(
        talk::save_preparation(t, &c, &mia, &talk, Side::Manager, 1, Preparation::new(), false).await,
        Err(TalkError::Locked)
    ));
    assert!(matches!(talk::schedule(t, &c, &mia, &talk, Some((1_800_000_000, 60))).await, Err(TalkError::Locked)));
    for m in Move::ALL {
        let r = talk::make_move(t, &c, &mia, &talk, m, talk.version, None).await;
        assert!(matches!(r, Err(TalkError::Locked)), "{m:?}: {r:?}");
    }
    talk::add_addendum(t, &c, &mia, &talk, "TILLÄGG-RÄTTELSE").await.expect("addendum");
    let seen = talk::view(t, &c, &ola, &talk, Viewer::Employee).await.expect("view");
    assert!(!seen.altered, "as signed");
    assert_eq!(seen.addenda.len(), 1);
    assert_eq!(seen.addenda[0].author.as_deref(), Some("Mia Mellan"));
    assert_eq!(seen.comment.as_deref(), Some("KOMMENTAR-OK"));
    assert_eq!(seen.notes.text, "GEMENSAM-ANTECKNING", "the signed notes are as signed");
    // Every view was logged; the private note's reads on their own.
    let events = logbook::list(t, &Filter::default()).await.expect("log");
    let count =
        |a: &str| events.iter().filter(|e| e.action == a && e.target_id.as_deref() == Some(talk.id.as_str())).count();
    assert_eq!(count("talk.viewed"), 9);
    assert_eq!(count("talk.private_note.viewed"), 2, "each open of the private notes, on its own");
    assert_eq!(count("talk.signed_off"), 1);
    assert!(events.iter().all(|e| !format!("{e:?}").contains("GEMENSAM")), "no text in the logbook");
    f.done().await;
}

async fn asked_before_she_was_ready_her_preparation_closes_and_a_send_back_comment_does_not_sign(b: Backend) {
    let f = fx(b).await;
    let (c, t) = (SystemClock, &f.t);
    let (ola, mia) = (f.by(&f.ola), f.by(&f.mia));
    let talk = f.talk_of(&f.ola).await;
    talk::save_preparation(t, &c, &ola, &talk, Side::Employee, 0, prep(&talk, Side::Employee, "UTKAST", 1), false)
        .await
        .expect("her draft");
    talk::save_preparation(t, &c, &mia, &talk, Side::Manager, 0, prep(&talk, Side::Manager, "CHEF", 4), true)
        .await
        .expect("his, ready");
    let talk = f.reload(&talk).await;
    talk::make_move(t, &c, &mia, &talk, Move::AskForOk, talk.version, None).await.expect("ask");
    let talk = f.reload(&talk).await;
    assert!(talk.employee_closed_at.is_some() && talk.employee_ready_at.is_none());
    let seen = talk::view(t, &c, &ola, &talk, Viewer::Employee).await.expect("view");
    assert!(seen.manager_prep.is_some(), "asked to confirm, she sees his assessment");
    let seen = talk::view(t, &c, &mia, &talk, Viewer::Manager).await.expect("view");
    assert_eq!(seen.employee_prep, None, "her unready draft stays hers");
    talk::make_move(t, &c, &ola, &talk, Move::SendBack, talk.version, Some("SKICKA-TILLBAKA")).await.expect("back");
    let talk = f.reload(&talk).await;
    assert_eq!(talk.status, Status::Started);
    // Back in Started, she cannot now rate herself after his ratings.
    let late =
        talk::save_preparation(t, &c, &ola, &talk, Side::Employee, 1, prep(&talk, Side::Employee, "x", 4), true).await;
    assert!(matches!(late, Err(TalkError::IllegalMove)), "{late:?}");
    assert!(matches!(talk::mark_ready(t, &c, &ola, &talk, Side::Employee).await, Err(TalkError::IllegalMove)));
    let seen = talk::view(t, &c, &mia, &talk, Viewer::Manager).await.expect("view");
    assert_eq!(seen.comment.as_deref(), Some("SKICKA-TILLBAKA"), "the manager reads what to change");
    talk::make_move(t, &c, &mia, &talk, Move::AskForOk, talk.version, None).await.expect("ask again");
    let talk = f.reload(&talk).await;
    talk::make_move(t, &c, &ola, &talk, Move::SignOff, talk.version, None).await.expect("sign");
    let seen = talk::view(t, &c, &ola, &talk, Viewer::Employee).await.expect("view");
    assert_eq!(seen.comment, None, "the send-back comment is not the signed talk's comment");
    f.done().await;
}

async fn two_saves_over_one_version_give_one_conflict(b: Backend) {
    let f = fx(b).await;
    let talk = f.talk_of(&f.ola).await;
    let mia = f.by(&f.mia);
    let v = talk::save_note(&f.t, &SystemClock, &mia, &talk, Note::Notes, 0, "first").await.expect("first");
    for round in 0..5 {
        let (a, b) = tokio::join!(
            talk::save_note(&f.t, &SystemClock, &mia, &talk, Note::Notes, v + round, "tab A"),
            talk::save_note(&f.t, &SystemClock, &mia, &talk, Note::Notes, v + round, "tab B"),
        );
        let oks = [&a, &b].iter().filter(|r| r.is_ok()).count();
        let conflicts = [&a, &b].iter().filter(|r| matches!(r, Err(TalkError::Conflict { .. }))).count();
        assert_eq!((oks, conflicts), (1, 1), "round {round}: {a:?} {b:?}");
    }
    let seen = talk::view(&f.t, &SystemClock, &mia, &talk, Viewer::Manager).await.expect("view");
    assert_eq!(seen.notes.version, v + 5);
    assert!(["tab A", "tab B"].contains(&seen.notes.text.as_str()));
    f.done().await;
}

async fn the_database_holds_none_of_the_texts(b: Backend) {
    let f = fx(b).await;
    let (c, t) = (SystemClock, &f.t);
    let talk = f.talk_of(&f.ola).await;
    let (ola, mia) = (f.by(&f.ola), f.by(&f.mia));
    let m = |kind: &str| format!("MARKER-{kind}-5c1e");
    let mut p = prep(&talk, Side::Employee, &m("svar"), 1);
    p.values_mut().for_each(|a| a.text = m("svar"));
    talk::save_preparation(t, &c, &ola, &talk, Side::Employee, 0, p, false).await.expect("prep");
    talk::mark_ready(t, &c, &ola, &talk, Side::Employee).await.expect("ready");
    let mut p = prep(&talk, Side::Manager, &m("chefsvar"), 1);
    p.values_mut().for_each(|a| a.text = m("chefsvar"));
    talk::save_preparation(t, &c, &mia, &talk, Side::Manager, 0, p, false).await.expect("prep");
    talk::mark_ready(t, &c, &mia, &talk, Side::Manager).await.expect("ready");
    talk::save_note(t, &c, &mia, &talk, Note::Notes, 0, "ÄLDRE-ANTECKNING").await.expect("older notes");
    let (older,): (Vec<u8>,) = sqlx::query_as("SELECT body_sealed FROM talk_texts WHERE kind = 'notes'")
        .fetch_one(t.db().pool())
        .await
        .expect("older");
    let older_notes = app::core::crypto::Sealed::<String>::from_stored(older);
    talk::save_note(t, &c, &mia, &talk, Note::Notes, 1, &m("anteckning")).await.expect("notes");
    talk::save_note(t, &c, &mia, &talk, Note::Actions, 0, &m("atgard")).await.expect("actions");
    talk::save_note(t, &c, &mia, &talk, Note::Private, 0, &m("privat")).await.expect("private");
    let talk = f.reload(&talk).await;
    talk::make_move(t, &c, &mia, &talk, Move::AskForOk, talk.version, None).await.expect("ask");
    let talk = f.reload(&talk).await;
    talk::make_move(t, &c, &ola, &talk, Move::SignOff, talk.version, Some(&m("kommentar"))).await.expect("sign");
    talk::add_addendum(t, &c, &ola, &talk, &m("tillagg")).await.expect("addendum");
    let talk = f.reload(&talk).await;
    assert!(!talk::view(t, &c, &ola, &talk, Viewer::Employee).await.expect("view").altered);
    // A routine key rotation and rewrap re-encrypts every text: nothing reads as altered.
    app::core::crypto::rotate(t, &c, Actor::System).await.expect("rotate");
    let report = app::core::crypto::rewrap(t, &c, app::core::crypto::FIELDS, 100, Actor::System, |_| {
        std::ops::ControlFlow::Continue(())
    })
    .await
    .expect("rewrap");
    assert!(report.rewrapped > 0, "{report:?}");
    assert!(!talk::view(t, &c, &ola, &talk, Viewer::Employee).await.expect("view").altered, "after a rewrap");
    // Whoever administers the database puts back an older, valid ciphertext of the notes (say,
    // from a backup): it opens, but the talk says it no longer matches what was signed.
    sqlx::query("UPDATE talk_texts SET body_sealed = $1 WHERE kind = 'notes'")
        .bind(older_notes.as_bytes())
        .execute(t.db().pool())
        .await
        .expect("restore an old ciphertext");
    let seen = talk::view(t, &c, &ola, &talk, Viewer::Employee).await.expect("view");
    assert_eq!(seen.notes.text, "ÄLDRE-ANTECKNING");
    assert!(seen.altered, "an old ciphertext after sign-off is noticed");
    // Each text opens where it was sealed, and nowhere else: moved to another row, it is refused.
    let rows: Vec<(String, Vec<u8>)> = sqlx::query_as("SELECT id, body_sealed FROM talk_texts WHERE kind = 'notes'")
        .fetch_all(t.db().pool())
        .await
        .expect("rows");
    let moved: Result<String, _> = app::core::crypto::open(
        t,
        app::core::talks::TEXT.at(&rows[0].0.replace("-notes", "-actions")),
        &app::core::crypto::Sealed::from_stored(rows[0].1.clone()),
    )
    .await;
    assert!(moved.is_err(), "a note opened as another kind");
    let bytes = match b {
        Backend::Sqlite => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(t.db().pool()).await.expect("checkpoint");
            let mut all = Vec::new();
            for entry in std::fs::read_dir(f.env.config.tenants_dir()).expect("dir") {
                all.extend(std::fs::read(entry.expect("entry").path()).expect("read"));
            }
            all
        }
        Backend::Postgres => {
            let name = format!("{}acme", f.env.config.pg_db_prefix);
            let url = app::core::testkit::on_db(&app::core::testkit::pg_url(), &name);
            let out = std::process::Command::new("pg_dump").arg("--dbname").arg(&url).output().expect("pg_dump runs");
            assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
            out.stdout
        }
    };
    assert!(bytes.windows(b"Nilsson".len()).any(|w| w == b"Nilsson"), "the scan does not see the rows at all");
    for kind in ["svar", "chefsvar", "anteckning", "atgard", "privat", "kommentar", "tillagg"] {
        let marker = m(kind);
        assert!(!bytes.windows(marker.len()).any(|w| w == marker.as_bytes()), "{marker} is in the database");
    }
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM talk_texts").fetch_one(t.db().pool()).await.expect("n");
    assert_eq!(n, 5, "two preparations, notes, actions, comment");
    f.done().await;
}
