//! The people register's reads and writes on real databases, both backends: who reaches whom,
//! the list, the org-unit tree, employments and the CSV import.
use app::on_both_backends;
use app::{
    core::{
        auth::{guard::Reach, users::User, Role},
        clock::{Clock, SystemClock},
        db::Backend,
        logbook::{self, Actor, Filter, Origin},
        people::{
            self,
            access::{self, Lens},
            employment::{self, EmploymentInput},
            import::{self, FileProblem, Mapping, RowAction, RowProblem, Target},
            org,
            register::{self, ListQuery, SortBy, PAGE_SIZE},
            NewPerson, PeopleError,
        },
        tenancy::Tenant,
        testkit::TestEnv,
    },
    model::{
        personnummer::{synthesise, Day, Personnummer, PersonnummerError},
        slug::Slug,
    },
};

on_both_backends!(
    a_manager_reaches_their_line_and_an_employee_only_themselves,
    the_list_pages_sorts_and_searches_by_name,
    the_unit_tree_refuses_cycles_and_keeps_what_is_used,
    employments_are_checked_and_a_manager_cannot_close_a_circle,
    a_file_with_bad_rows_imports_nothing_and_says_why,
    a_reimport_updates_the_same_people_and_never_duplicates,
    the_demo_organisation_has_thirty_people_in_units_with_managers,
    two_edits_at_once_cannot_close_a_circle_of_managers,
);

const TODAY: &str = "2026-12-02";

async fn setup(b: Backend) -> (TestEnv, Tenant) {
    let env = TestEnv::new(b).await;
    let slug = Slug::parse("acme").expect("slug");
    env.tenancy.create_tenant(&slug, "Acme AB", env.target()).await.expect("create");
    let tenant = env.tenancy.open_active(&slug).await.expect("open");
    (env, tenant)
}

fn pnr(n: u16) -> Personnummer {
    let today = Day::from_unix(SystemClock.now_ms() / 1000);
    Personnummer::parse(&synthesise(1960 + n % 40, 1 + (n % 12) as u8, 1 + (n % 28) as u8, n), today).expect("valid")
}

async fn add_person(t: &Tenant, n: u16, given: &str, family: &str) -> String {
    let new = NewPerson {
        personnummer: pnr(n),
        given_name: given.into(),
        family_name: family.into(),
        email: None,
        gender: None,
        employee_number: Some(format!("E{n:04}")),
    };
    people::create(t, &SystemClock, Actor::System, &new).await.expect("create")
}

fn job(unit: &str, manager: Option<&str>) -> EmploymentInput {
    EmploymentInput {
        unit_id: unit.into(),
        job_title: "Säljare".into(),
        manager_person_id: manager.map(str::to_string),
        start_date: "2020-01-01".into(),
        end_date: None,
        rate_bp: 10_000,
        monthly_salary_ore: 4_500_000,
    }
}

async fn employ(t: &Tenant, person: &str, unit: &str, manager: Option<&str>) -> String {
    employment::add(t, &SystemClock, Actor::System, Origin::default(), person, &job(unit, manager))
        .await
        .expect("employ")
}

async fn account(t: &Tenant, id: &str, role: Role, person: Option<&str>) -> User {
    sqlx::query(
        "INSERT INTO users (id, email, email_norm, display_name, role, status, person_id, created_at, updated_at) \
         VALUES ($1, $2, $2, 'X', $3, 'active', $4, 0, 0)",
    )
    .bind(id)
    .bind(format!("{id}@example.test"))
    .bind(role.as_str())
    .bind(person)
    .execute(t.db().pool())
    .await
    .expect("user");
    app::core::auth::users::by_id(t, id).await.expect("read").expect("user")
}

/// Boss → Mia → (Ola, Pia); Boss → Kim; Sam elsewhere.
struct Org {
    unit: String,
    boss: String,
    mia: String,
    ola: String,
    pia: String,
    kim: String,
    sam: String,
}

async fn org(t: &Tenant) -> Org {
    let unit = org::create(t, &SystemClock, Actor::System, Origin::default(), "Sälj", None).await.expect("unit");
    let boss = add_person(t, 1, "Bo", "Chef").await;
    let mia = add_person(t, 2, "Mia", "Mellan").await;
    let ola = add_person(t, 3, "Ola", "Nilsson").await;
    let pia = add_person(t, 4, "Pia", "Persson").await;
    let kim = add_person(t, 5, "Kim", "Karlsson").await;
    let sam = add_person(t, 6, "Sam", "Åberg").await;
    employ(t, &boss, &unit, None).await;
    employ(t, &mia, &unit, Some(&boss)).await;
    employ(t, &ola, &unit, Some(&mia)).await;
    employ(t, &pia, &unit, Some(&mia)).await;
    employ(t, &kim, &unit, Some(&boss)).await;
    employ(t, &sam, &unit, None).await;
    Org { unit, boss, mia, ola, pia, kim, sam }
}

async fn a_manager_reaches_their_line_and_an_employee_only_themselves(b: Backend) {
    let (env, t) = setup(b).await;
    let o = org(&t).await;
    let admin = account(&t, "acc-admin", Role::Admin, None).await;
    let mia = account(&t, "acc-mia", Role::Manager, Some(&o.mia)).await;
    let boss = account(&t, "acc-boss", Role::Manager, Some(&o.boss)).await;
    let ola = account(&t, "acc-ola", Role::Employee, Some(&o.ola)).await;
    let loose = account(&t, "acc-loose", Role::Manager, None).await;
    assert_eq!(access::reach(&t, &admin, TODAY).await.expect("reach"), Reach::Everyone);
    let Reach::Only(line) = access::reach(&t, &mia, TODAY).await.expect("reach") else {
        panic!("a manager has a line")
    };
    assert_eq!(line, [&o.mia, &o.ola, &o.pia].into_iter().cloned().collect());
    let Reach::Only(all) = access::reach(&t, &boss, TODAY).await.expect("reach") else { panic!() };
    assert_eq!(all.len(), 5, "direct and indirect reports: {all:?}");
    assert!(!all.contains(&o.sam));
    assert_eq!(
        access::reach(&t, &ola, TODAY).await.expect("reach"),
        Reach::Only([o.ola.clone()].into_iter().collect())
    );
    assert_eq!(access::reach(&t, &loose, TODAY).await.expect("reach"), Reach::Only(Default::default()));
    // The list is cut the same way.
    let q = ListQuery { page: 1, ..ListQuery::default() };
    let names = |p: register::Page<register::PersonRow>| p.rows.into_iter().map(|r| r.given_name).collect::<Vec<_>>();
    let mia_list = register::list(&t, &access::lens(&t, &mia).await.expect("lens"), &q, TODAY).await.expect("list");
    assert_eq!(names(mia_list), ["Mia", "Ola", "Pia"]);
    let ola_list = register::list(&t, &Lens::Myself(o.ola.clone()), &q, TODAY).await.expect("list");
    assert_eq!(names(ola_list), ["Ola"]);
    assert_eq!(register::list(&t, &Lens::Nobody, &q, TODAY).await.expect("list").total, 0);
    // An ended employment no longer puts someone in the line.
    let pia_job = register::get(&t, &o.pia).await.expect("pia").employments[0].id.clone();
    let ended = EmploymentInput { end_date: Some("2021-01-01".into()), ..job(&o.unit, Some(&o.mia)) };
    employment::change(&t, &SystemClock, Actor::System, Origin::default(), &pia_job, &ended).await.expect("end");
    let Reach::Only(line) = access::reach(&t, &mia, TODAY).await.expect("reach") else { panic!() };
    assert!(!line.contains(&o.pia), "Pia's employment under Mia has ended");
    // A transfer that starts next year gives the new manager nothing yet.
    let future = EmploymentInput { start_date: "2099-01-01".into(), ..job(&o.unit, Some(&o.mia)) };
    employment::add(&t, &SystemClock, Actor::System, Origin::default(), &o.sam, &future).await.expect("future");
    let Reach::Only(line) = access::reach(&t, &mia, TODAY).await.expect("reach") else { panic!() };
    assert!(!line.contains(&o.sam), "a future employment counts only from its start");
    let _ = (o.kim, o.unit);
    env.cleanup().await;
}

async fn the_list_pages_sorts_and_searches_by_name(b: Backend) {
    let (env, t) = setup(b).await;
    let unit = org::create(&t, &SystemClock, Actor::System, Origin::default(), "Ekonomi", None).await.expect("unit");
    for i in 0..(PAGE_SIZE as u16 + 7) {
        let id = add_person(&t, 100 + i, &format!("Förnamn{i:03}"), &format!("Efternamn{:03}", 200 - i)).await;
        if i % 2 == 0 {
            employ(&t, &id, &unit, None).await;
        }
    }
    let o = add_person(&t, 900, "Östen", "Ödmark").await;
    let all = |page| ListQuery { page, ..ListQuery::default() };
    let first = register::list(&t, &Lens::Everyone, &all(1), TODAY).await.expect("list");
    assert_eq!(first.total, u64::from(PAGE_SIZE) + 8);
    assert_eq!((first.page, first.pages, first.rows.len()), (1, 2, PAGE_SIZE as usize));
    assert!(first.rows.windows(2).all(|w| w[0].family_name.to_lowercase() <= w[1].family_name.to_lowercase()));
    let second = register::list(&t, &Lens::Everyone, &all(2), TODAY).await.expect("list");
    assert_eq!(second.rows.len(), 8);
    assert_eq!(second.rows.last().map(|r| r.id.as_str()), Some(o.as_str()), "Ö sorts last in name_key");
    let beyond = register::list(&t, &Lens::Everyone, &all(99), TODAY).await.expect("list");
    assert_eq!(beyond.page, 2, "a page past the end shows the last");
    let search = |name: &str| ListQuery { name: name.into(), page: 1, sort: SortBy::Name };
    let found = register::list(&t, &Lens::Everyone, &search("ÖSTEN ödm"), TODAY).await.expect("search");
    assert_eq!(found.rows.len(), 1, "case-insensitive, every word must match");
    for wild in ["%", "_", "\\"] {
        assert_eq!(register::list(&t, &Lens::Everyone, &search(wild), TODAY).await.expect("search").total, 0, "{wild}");
    }
    let by_unit = ListQuery { sort: SortBy::Unit, page: 1, ..ListQuery::default() };
    let rows = register::list(&t, &Lens::Everyone, &by_unit, TODAY).await.expect("list").rows;
    assert_eq!(rows[0].unit.as_deref(), Some("Ekonomi"), "people with a unit come first");
    assert_eq!(rows[0].job_title.as_deref(), Some("Säljare"));
    env.cleanup().await;
}

async fn the_unit_tree_refuses_cycles_and_keeps_what_is_used(b: Backend) {
    let (env, t) = setup(b).await;
    let c = SystemClock;
    let o = Origin::default();
    let top = org::create(&t, &c, Actor::System, o.clone(), "Bolaget", None).await.expect("top");
    let sales = org::create(&t, &c, Actor::System, o.clone(), "Sälj", Some(&top)).await.expect("sales");
    let north = org::create(&t, &c, Actor::System, o.clone(), "Nord", Some(&sales)).await.expect("north");
    let tree = org::tree(&t, TODAY).await.expect("tree");
    assert_eq!(
        tree.iter().map(|(d, u)| (*d, u.name.as_str())).collect::<Vec<_>>(),
        [(0, "Bolaget"), (1, "Sälj"), (2, "Nord")]
    );
    for (unit, parent) in [(&top, &north), (&sales, &sales), (&sales, &north)] {
        let e = org::change(&t, &c, Actor::System, o.clone(), unit, "X", Some(parent)).await;
        assert!(matches!(e, Err(PeopleError::UnitCycle)), "{e:?}");
    }
    org::change(&t, &c, Actor::System, o.clone(), &north, "Norr", Some(&top)).await.expect("move");
    let tree = org::tree(&t, TODAY).await.expect("tree");
    assert_eq!(
        tree.iter().map(|(d, u)| (*d, u.name.as_str())).collect::<Vec<_>>(),
        [(0, "Bolaget"), (1, "Norr"), (1, "Sälj")]
    );
    assert!(matches!(
        org::change(&t, &c, Actor::System, o.clone(), &north, " ", None).await,
        Err(PeopleError::InvalidUnitName)
    ));
    assert!(matches!(
        org::create(&t, &c, Actor::System, o.clone(), "Y", Some("nope")).await,
        Err(PeopleError::NoSuchUnit)
    ));
    assert!(matches!(org::delete(&t, &c, Actor::System, o.clone(), &top).await, Err(PeopleError::UnitNotEmpty)));
    let p = add_person(&t, 7, "Eva", "Ek").await;
    employ(&t, &p, &north, None).await;
    assert!(matches!(org::delete(&t, &c, Actor::System, o.clone(), &north).await, Err(PeopleError::UnitNotEmpty)));
    org::delete(&t, &c, Actor::System, o.clone(), &sales).await.expect("an empty unit goes");
    // Depth is bounded.
    let mut at = top.clone();
    let mut refused = false;
    for i in 0..40 {
        match org::create(&t, &c, Actor::System, o.clone(), &format!("L{i}"), Some(&at)).await {
            Ok(id) => at = id,
            Err(PeopleError::UnitTooDeep) => {
                refused = true;
                break;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert!(refused, "a 40-level tree was accepted");
    let events = logbook::list(&t, &Filter::default()).await.expect("events");
    assert!(events.iter().any(|e| e.action == "org_unit.changed"));
    assert!(events.iter().any(|e| e.action == "org_unit.deleted"));
    env.cleanup().await;
}

async fn employments_are_checked_and_a_manager_cannot_close_a_circle(b: Backend) {
    let (env, t) = setup(b).await;
    let o = org(&t).await;
    let c = SystemClock;
    let add = |input: EmploymentInput, who: String| {
        let t = t.clone();
        async move { employment::add(&t, &c, Actor::System, Origin::default(), &who, &input).await }
    };
    type Expect = fn(&PeopleError) -> bool;
    let cases: Vec<(EmploymentInput, Expect)> = vec![
        (EmploymentInput { job_title: " ".into(), ..job(&o.unit, None) }, |e| {
            matches!(e, PeopleError::InvalidJobTitle)
        }),
        (EmploymentInput { start_date: "2020-02-30".into(), ..job(&o.unit, None) }, |e| {
            matches!(e, PeopleError::InvalidDate)
        }),
        (EmploymentInput { end_date: Some("2019-12-31".into()), ..job(&o.unit, None) }, |e| {
            matches!(e, PeopleError::EndBeforeStart)
        }),
        (EmploymentInput { rate_bp: 0, ..job(&o.unit, None) }, |e| matches!(e, PeopleError::InvalidRate)),
        (EmploymentInput { rate_bp: 10_001, ..job(&o.unit, None) }, |e| matches!(e, PeopleError::InvalidRate)),
        (EmploymentInput { monthly_salary_ore: -1, ..job(&o.unit, None) }, |e| matches!(e, PeopleError::InvalidSalary)),
        (EmploymentInput { monthly_salary_ore: 1_000_000_001, ..job(&o.unit, None) }, |e| {
            matches!(e, PeopleError::InvalidSalary)
        }),
        (job("no-such-unit", None), |e| matches!(e, PeopleError::NoSuchUnit)),
        (job(&o.unit, Some("no-such-person")), |e| matches!(e, PeopleError::NoSuchManager)),
        (job(&o.unit, Some(&o.sam)), |e| matches!(e, PeopleError::OwnManager)),
    ];
    let before = register::get(&t, &o.sam).await.expect("sam").employments.len();
    for (input, expected) in cases {
        let e = add(input.clone(), o.sam.clone()).await.expect_err("refused");
        assert!(expected(&e), "{input:?}: {e:?}");
    }
    assert_eq!(register::get(&t, &o.sam).await.expect("sam").employments.len(), before, "nothing was written");
    // Boss → Mia → Ola: making Ola the boss's manager would close a circle.
    let e = add(job(&o.unit, Some(&o.ola)), o.boss.clone()).await.expect_err("circle");
    assert!(matches!(e, PeopleError::ManagerCycle), "{e:?}");
    add(job(&o.unit, Some(&o.sam)), o.boss.clone()).await.expect("someone outside the line may be the boss's manager");
    let detail = register::get(&t, &o.ola).await.expect("ola");
    assert_eq!(detail.employments[0].manager.as_deref(), Some("Mia Mellan"));
    assert_eq!(detail.employments[0].unit, "Sälj");
    let _ = (o.pia, o.kim);
    env.cleanup().await;
}

fn file(rows: &[&str]) -> Vec<u8> {
    let mut out = "\u{feff}Personnummer;Förnamn;Efternamn;E-post;Enhet;Befattning;Chefens personnummer;Startdatum;Sysselsättningsgrad;Månadslön\n"
        .to_string();
    for r in rows {
        out.push_str(r);
        out.push('\n');
    }
    out.into_bytes()
}

async fn a_file_with_bad_rows_imports_nothing_and_says_why(b: Backend) {
    let (env, t) = setup(b).await;
    let (a, m) = (pnr(11), pnr(12));
    let good =
        format!("{};Anna;Ek;anna@example.test;Sälj;Säljare;{};2021-03-01;100;45 000", a.formatted(), m.formatted());
    let boss = format!("{};Mats;Chef;;Sälj;Chef;;2019-01-01;100;70000", m.digits());
    let bad_pnr = format!("{};Bo;Fel;;;;;;;", &a.digits()[..11]);
    let bad_check = {
        let d = pnr(13).digits();
        let last = (d.as_bytes()[11] - b'0' + 1) % 10;
        format!("{}{last};Cia;Fel;;;;;;;", &d[..11])
    };
    let repeated = format!("{};Anna;Igen;;;;;;;", a.digits());
    let incomplete = format!("{};Dan;Del;;Sälj;;;2021-01-01;100;", pnr(14).digits());
    let bad_values = format!("{};Eva;Värden;inte-en-adress;Sälj;Säljare;;2021-13-01;150;-5", pnr(15).digits());
    let unknown_manager = format!("{};Fia;Ny;;Sälj;Säljare;{};2021-01-01;50;30000", pnr(16).digits(), pnr(17).digits());
    let bytes = file(&[&good, &boss, &bad_pnr, &bad_check, &repeated, &incomplete, &bad_values, &unknown_manager]);
    let csv = import::read(&bytes).expect("read");
    assert_eq!(csv.delimiter, b';');
    let mapping = Mapping::guess(&csv.headers);
    assert_eq!(mapping.column(Target::Personnummer), Some(0), "the BOM does not hide the first header");
    assert_eq!(mapping.column(Target::MonthlySalary), Some(9));
    let preview = import::preview(&t, &SystemClock, &csv, &mapping).await.expect("preview").expect("mapped");
    assert!(!preview.is_clean());
    let problems: Vec<(usize, Vec<RowProblem>)> = preview.rows.iter().map(|r| (r.line, r.problems.clone())).collect();
    assert_eq!(problems[0], (2, vec![]));
    assert_eq!(problems[1], (3, vec![]));
    assert_eq!(problems[2], (4, vec![RowProblem::Personnummer(PersonnummerError::Length)]));
    assert_eq!(problems[3], (5, vec![RowProblem::Personnummer(PersonnummerError::CheckDigit)]));
    assert_eq!(problems[4], (6, vec![RowProblem::Repeated(2)]));
    assert_eq!(
        problems[5],
        (
            7,
            vec![
                RowProblem::EmploymentIncomplete(Target::JobTitle),
                RowProblem::EmploymentIncomplete(Target::MonthlySalary)
            ]
        )
    );
    assert_eq!(problems[6], (8, vec![RowProblem::Email, RowProblem::StartDate, RowProblem::Rate, RowProblem::Salary]));
    assert_eq!(problems[7], (9, vec![RowProblem::UnknownManager]));
    assert_eq!(preview.problem_rows(), 6);
    assert!(!format!("{:?}", preview.rows).contains(&a.digits()[..8]), "the preview names no personnummer");
    let e = import::apply(&t, &SystemClock, Actor::System, Origin::default(), preview, |_, _| {}).await;
    assert!(matches!(e, Err(PeopleError::ImportNotClean)), "{e:?}");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM persons").fetch_one(t.db().pool()).await.expect("count");
    assert_eq!(n, 0, "a file with bad rows imports nothing");
    // Files that cannot be read at all.
    assert_eq!(import::read(b"").unwrap_err(), FileProblem::Empty);
    assert_eq!(import::read(b"a;b\n\xff\xfe;x\n").unwrap_err(), FileProblem::NotUtf8(2));
    assert_eq!(import::read(&vec![b'a'; import::MAX_BYTES + 1]).unwrap_err(), FileProblem::TooLarge);
    let long = format!("a,b\n{},x\n", "y".repeat(501));
    assert_eq!(import::read(long.as_bytes()).unwrap_err(), FileProblem::CellTooLong(2));
    let unmapped = import::read(b"x,y\n1,2\n").expect("read");
    let e = import::preview(&t, &SystemClock, &unmapped, &Mapping::guess(&unmapped.headers)).await.expect("preview");
    assert_eq!(e.unwrap_err(), FileProblem::NoPersonnummerColumn);
    env.cleanup().await;
}

async fn a_reimport_updates_the_same_people_and_never_duplicates(b: Backend) {
    let (env, t) = setup(b).await;
    let (a, m, c) = (pnr(21), pnr(22), pnr(23));
    // Comma-separated, the manager after their report, a unit that does not exist yet.
    let first = format!(
        "personnummer,given_name,family_name,employee_number,unit,job_title,manager_personnummer,start_date,rate,monthly_salary\n\
         {},Anna,Ek,A1,Sälj,Säljare,{},2021-03-01,100,45000\n\
         {},Mats,Chef,A2,Sälj,Chef,,2019-01-01,100,70000\n\
         {},Cia,Berg,A3,,,,,,\n",
        a.formatted(),
        m.digits(),
        m.formatted(),
        c.digits()
    );
    let csv = import::read(first.as_bytes()).expect("read");
    assert_eq!(csv.delimiter, b',');
    let mapping = Mapping::guess(&csv.headers);
    let preview = import::preview(&t, &SystemClock, &csv, &mapping).await.expect("preview").expect("mapped");
    assert!(preview.is_clean(), "{:?}", preview.rows);
    assert_eq!((preview.new, preview.updated), (3, 0));
    let report =
        import::apply(&t, &SystemClock, Actor::System, Origin::default(), preview, |_, _| {}).await.expect("apply");
    assert_eq!((report.created, report.updated, report.units_created), (3, 0, 1));
    let anna = people::find_by_personnummer(&t, &SystemClock, &a).await.expect("find").expect("anna");
    let mats = people::find_by_personnummer(&t, &SystemClock, &m).await.expect("find").expect("mats");
    let detail = register::get(&t, &anna).await.expect("anna");
    assert_eq!(detail.employments.len(), 1);
    assert_eq!(detail.employments[0].manager_person_id.as_deref(), Some(mats.as_str()), "a manager later in the file");
    assert_eq!(detail.employments[0].monthly_salary_ore, 4_500_000);

    // The payroll system renamed Anna, gave her a new employee number and a raise.
    let second = first.replace("Anna,Ek,A1", "Anna,Ekström,B7").replace("45000", "47 500");
    let csv = import::read(second.as_bytes()).expect("read");
    let preview = import::preview(&t, &SystemClock, &csv, &mapping).await.expect("preview").expect("mapped");
    assert_eq!((preview.new, preview.updated), (0, 3));
    assert!(preview.rows.iter().all(|r| r.action == RowAction::Update));
    let report =
        import::apply(&t, &SystemClock, Actor::System, Origin::default(), preview, |_, _| {}).await.expect("apply");
    assert_eq!((report.created, report.updated, report.units_created), (0, 3, 0));
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM persons").fetch_one(t.db().pool()).await.expect("count");
    assert_eq!(n, 3, "a re-import never duplicates a person");
    let detail = register::get(&t, &anna).await.expect("anna");
    assert_eq!((detail.family_name.as_str(), detail.employee_number.as_deref()), ("Ekström", Some("B7")));
    assert_eq!(detail.employments.len(), 1, "the current employment is updated, not doubled");
    assert_eq!(detail.employments[0].monthly_salary_ore, 4_750_000);
    let events = logbook::list(&t, &Filter::default()).await.expect("events");
    assert_eq!(events.iter().filter(|e| e.action == "people.imported").count(), 2);
    assert_eq!(events.iter().filter(|e| e.action == "person.updated").count(), 3);
    // Rows that make their managers a circle import nothing (each would reach the other's line).
    let circle = format!(
        "personnummer,given_name,family_name,unit,job_title,manager_personnummer,start_date,rate,monthly_salary\n\
         {},Anna,Ekström,Sälj,Säljare,{},2021-03-01,100,47500\n\
         {},Mats,Chef,Sälj,Chef,{},2019-01-01,100,70000\n",
        a.digits(),
        m.digits(),
        m.digits(),
        a.digits()
    );
    let csv2 = import::read(circle.as_bytes()).expect("read");
    let preview =
        import::preview(&t, &SystemClock, &csv2, &Mapping::guess(&csv2.headers)).await.expect("p").expect("m");
    assert!(preview.is_clean(), "each row on its own is fine: {:?}", preview.rows);
    let e = import::apply(&t, &SystemClock, Actor::System, Origin::default(), preview, |_, _| {}).await;
    assert!(matches!(e, Err(PeopleError::ManagerCycle)), "{e:?}");
    let mats_job = register::get(&t, &mats).await.expect("mats").employments;
    assert_eq!(mats_job[0].manager_person_id, None, "nothing was written");
    // The saved mapping comes back, and is used where it fits the file.
    import::save_mapping(&t, &SystemClock, &mapping).await.expect("save");
    let saved = import::saved_mapping(&t).await.expect("read").expect("saved");
    assert_eq!(saved, mapping);
    assert_eq!(Mapping::for_file(Some(&saved), &csv.headers), mapping);
    let narrow = vec!["pnr".to_string()];
    assert_eq!(
        Mapping::for_file(Some(&saved), &narrow).column(Target::Personnummer),
        Some(0),
        "a guess where it does not fit"
    );
    env.cleanup().await;
}

async fn the_demo_organisation_has_thirty_people_in_units_with_managers(b: Backend) {
    let (env, t) = setup(b).await;
    let demo = people::demo::populate(&t, &SystemClock).await.expect("populate");
    let all =
        register::list(&t, &Lens::Everyone, &ListQuery { page: 1, ..ListQuery::default() }, TODAY).await.expect("list");
    assert_eq!(all.total, 30);
    assert_eq!(org::tree(&t, TODAY).await.expect("tree").len(), 5);
    let line = access::line_of(&t, &demo.manager, TODAY).await.expect("line");
    assert!(
        line.contains(&demo.employee) && !line.contains(&demo.admin),
        "the demo employee reports to the demo manager"
    );
    assert_eq!(line.len(), 8);
    for id in [&demo.admin, &demo.manager, &demo.employee] {
        assert!(people::personnummer(&t, id).await.is_ok(), "a sealed, valid number");
    }
    env.cleanup().await;
}

async fn two_edits_at_once_cannot_close_a_circle_of_managers(b: Backend) {
    let (env, t) = setup(b).await;
    let unit = org::create(&t, &SystemClock, Actor::System, Origin::default(), "Sälj", None).await.expect("unit");
    for round in 0..5u16 {
        let x = add_person(&t, 300 + round * 2, "X", "Ett").await;
        let y = add_person(&t, 301 + round * 2, "Y", "Två").await;
        let (jx, jy) = (job(&unit, Some(&y)), job(&unit, Some(&x)));
        let (a, b2) = tokio::join!(
            employment::add(&t, &SystemClock, Actor::System, Origin::default(), &x, &jx),
            employment::add(&t, &SystemClock, Actor::System, Origin::default(), &y, &jy),
        );
        let refused = [&a, &b2].iter().filter(|r| matches!(r, Err(PeopleError::ManagerCycle))).count();
        assert_eq!((a.is_ok() as usize + b2.is_ok() as usize, refused), (1, 1), "round {round}: {a:?} {b2:?}");
    }
    let (u1, u2) = (
        org::create(&t, &SystemClock, Actor::System, Origin::default(), "A", None).await.expect("a"),
        org::create(&t, &SystemClock, Actor::System, Origin::default(), "B", None).await.expect("b"),
    );
    let (a, b2) = tokio::join!(
        org::change(&t, &SystemClock, Actor::System, Origin::default(), &u1, "A", Some(&u2)),
        org::change(&t, &SystemClock, Actor::System, Origin::default(), &u2, "B", Some(&u1)),
    );
    assert_eq!(a.is_ok() as usize + b2.is_ok() as usize, 1, "units: {a:?} {b2:?}");
    env.cleanup().await;
}
