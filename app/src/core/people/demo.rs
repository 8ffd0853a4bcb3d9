//! The demo organisation's people: about thirty in a few units with managers, salaries and
//! personnummer that pass every check but are made up (`synthesise`: birth numbers 900–999,
//! which a real register rarely shows together with these dates). Demo only.
use super::{employment::EmploymentInput, org, Gender, NewPerson, PeopleError};
use crate::{
    core::{
        clock::Clock,
        logbook::{Actor, Origin},
        tenancy::Tenant,
    },
    model::personnummer::{synthesise, Day, Personnummer},
};

/// given, family, unit, job title, manager's row or none, monthly salary in kronor, rate %
type DemoRow = (&'static str, &'static str, usize, &'static str, Option<usize>, i64, i64);
const PEOPLE: &[DemoRow] = &[
    ("Hanna", "Holm", 0, "HR-chef", None, 62_000, 100),
    ("Lars", "Lindqvist", 0, "VD", None, 98_000, 100),
    ("Maja", "Magnusson", 1, "Försäljningschef", Some(1), 71_000, 100),
    ("Erik", "Eriksson", 1, "Säljare", Some(2), 41_500, 100),
    ("Sara", "Sjöberg", 1, "Säljare", Some(2), 43_000, 100),
    ("Ahmed", "Hassan", 1, "Säljare", Some(2), 42_200, 100),
    ("Elin", "Ek", 1, "Säljare", Some(2), 39_800, 80),
    ("Johan", "Jansson", 1, "Key account manager", Some(2), 52_000, 100),
    ("Fatima", "Ali", 1, "Säljare", Some(7), 40_100, 100),
    ("Oskar", "Olsson", 1, "Säljare", Some(7), 40_900, 100),
    ("Karin", "Karlsson", 2, "Ekonomichef", Some(1), 68_500, 100),
    ("Anders", "Andersson", 2, "Redovisningsekonom", Some(10), 44_000, 100),
    ("Lina", "Lundgren", 2, "Redovisningsekonom", Some(10), 43_600, 100),
    ("Peter", "Persson", 2, "Lönespecialist", Some(10), 45_200, 100),
    ("Sofia", "Svensson", 2, "Controller", Some(10), 51_000, 75),
    ("Mikael", "Nilsson", 3, "Utvecklingschef", Some(1), 74_000, 100),
    ("Emma", "Engström", 3, "Utvecklare", Some(15), 55_000, 100),
    ("David", "Dahl", 3, "Utvecklare", Some(15), 53_500, 100),
    ("Nora", "Nyberg", 3, "Utvecklare", Some(15), 54_200, 100),
    ("Ali", "Yilmaz", 3, "Utvecklare", Some(15), 52_800, 100),
    ("Ida", "Isaksson", 3, "Testare", Some(15), 46_000, 100),
    ("Viktor", "Wallin", 3, "Teamledare", Some(15), 60_000, 100),
    ("Maria", "Berg", 3, "Utvecklare", Some(21), 51_900, 100),
    ("Hugo", "Holmberg", 3, "Utvecklare", Some(21), 50_400, 100),
    ("Alva", "Axelsson", 4, "Kundtjänstchef", Some(1), 56_000, 100),
    ("Gustav", "Gustafsson", 4, "Kundtjänstmedarbetare", Some(24), 33_500, 100),
    ("Wilma", "Wikström", 4, "Kundtjänstmedarbetare", Some(24), 33_900, 100),
    ("Noah", "Nordin", 4, "Kundtjänstmedarbetare", Some(24), 32_800, 60),
    ("Ella", "Forsberg", 4, "Kundtjänstmedarbetare", Some(24), 34_100, 100),
    ("Leo", "Lindberg", 4, "Kundtjänstmedarbetare", Some(24), 33_200, 100),
];
const UNITS: [(&str, Option<usize>); 5] = [
    ("Demo AB", None),
    ("Försäljning", Some(0)),
    ("Ekonomi", Some(0)),
    ("Utveckling", Some(0)),
    ("Kundtjänst", Some(0)),
];

/// The people the three demo accounts belong to: the HR admin, a sales manager, a salesperson
/// who reports to her.
pub struct DemoPeople {
    pub admin: String,
    pub manager: String,
    pub employee: String,
}

/// A made-up personnummer for row `i`: born 1960–1999, birth number 900 + i.
pub fn demo_personnummer(i: usize, today: Day) -> Result<Personnummer, PeopleError> {
    let year = 1960 + (i * 7 % 40) as u16;
    let month = 1 + (i * 5 % 12) as u8;
    let day = 1 + (i * 11 % 28) as u8;
    Personnummer::parse(&synthesise(year, month, day, 900 + (i % 100) as u16), today)
        .map_err(|_| PeopleError::InvalidName)
}

/// Fills an empty register with the demo organisation.
pub async fn populate(tenant: &Tenant, clock: &dyn Clock) -> Result<DemoPeople, PeopleError> {
    let today = Day::from_unix(clock.now_ms() / 1000);
    let origin = Origin::default;
    let mut units: Vec<String> = Vec::new();
    for (name, parent) in UNITS {
        let parent: Option<String> = parent.map(|p: usize| units[p].clone());
        units.push(org::create(tenant, clock, Actor::System, origin(), name, parent.as_deref()).await?);
    }
    let mut ids = Vec::new();
    for (i, (given, family, ..)) in PEOPLE.iter().enumerate() {
        let new = NewPerson {
            personnummer: demo_personnummer(i, today)?,
            given_name: (*given).into(),
            family_name: (*family).into(),
            email: Some(
                format!("{}.{}@demo.example", given.to_lowercase(), family.to_lowercase())
                    .replace(['å', 'ä'], "a")
                    .replace('ö', "o"),
            ),
            gender: None::<Gender>,
            employee_number: Some(format!("D{:03}", i + 1)),
        };
        ids.push(super::create(tenant, clock, Actor::System, &new).await?);
    }
    for (i, (_, _, unit, title, manager, salary, rate)) in PEOPLE.iter().enumerate() {
        let input = EmploymentInput {
            unit_id: units[*unit].clone(),
            job_title: (*title).into(),
            manager_person_id: manager.map(|m| ids[m].clone()),
            start_date: format!("{}-{:02}-01", 2012 + (i % 12), 1 + i % 12),
            end_date: None,
            rate_bp: rate * 100,
            monthly_salary_ore: salary * 100,
        };
        super::employment::add(tenant, clock, Actor::System, origin(), &ids[i], &input).await?;
    }
    Ok(DemoPeople { admin: ids[0].clone(), manager: ids[2].clone(), employee: ids[3].clone() })
}
