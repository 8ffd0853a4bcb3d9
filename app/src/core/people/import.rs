//! CSV import of employees: read (UTF-8, BOM tolerated, `;` or `,`), map columns, check every
//! row (a preview that writes nothing), then apply all rows in one transaction — or none. A
//! person already in the register (same personnummer, through the blind index) is updated,
//! never duplicated, whatever their employee number or name has become.
use std::collections::HashMap;

use super::{
    employment::{self, EmploymentInput},
    name_key, new_id, person_id, valid_email, valid_employee_number, valid_name, Gender, PeopleError, PNR,
};
use crate::{
    core::{
        clock::Clock,
        crypto::{self, Sealed},
        logbook::{self, Action, Actor, Event, Origin, Outcome, TargetType},
        tenancy::Tenant,
    },
    model::{
        format::{parse_iso_date, parse_percent, parse_sek},
        personnummer::{Day, Personnummer, PersonnummerError},
    },
};

/// Bounds on what one file may make the server hold and check.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
pub const MAX_ROWS: usize = 10_000;
pub const MAX_COLUMNS: usize = 40;
pub const MAX_CELL: usize = 500;

/// The register's fields a file's columns can be mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Personnummer,
    GivenName,
    FamilyName,
    Email,
    EmployeeNumber,
    Gender,
    Unit,
    JobTitle,
    ManagerPersonnummer,
    StartDate,
    EndDate,
    Rate,
    MonthlySalary,
}

impl Target {
    pub const ALL: [Target; 13] = [
        Target::Personnummer,
        Target::GivenName,
        Target::FamilyName,
        Target::Email,
        Target::EmployeeNumber,
        Target::Gender,
        Target::Unit,
        Target::JobTitle,
        Target::ManagerPersonnummer,
        Target::StartDate,
        Target::EndDate,
        Target::Rate,
        Target::MonthlySalary,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Personnummer => "personnummer",
            Target::GivenName => "given_name",
            Target::FamilyName => "family_name",
            Target::Email => "email",
            Target::EmployeeNumber => "employee_number",
            Target::Gender => "gender",
            Target::Unit => "unit",
            Target::JobTitle => "job_title",
            Target::ManagerPersonnummer => "manager_personnummer",
            Target::StartDate => "start_date",
            Target::EndDate => "end_date",
            Target::Rate => "rate",
            Target::MonthlySalary => "monthly_salary",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
    /// Header names a payroll export commonly uses for it (lower case, Swedish and English).
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Target::Personnummer => &["personnummer", "personnr", "pnr", "personal identity number", "ssn"],
            Target::GivenName => &["förnamn", "fornamn", "given name", "given_name", "first name", "firstname"],
            Target::FamilyName => &["efternamn", "family name", "family_name", "last name", "lastname", "surname"],
            Target::Email => &["e-post", "epost", "e-mail", "email", "mail"],
            Target::EmployeeNumber => {
                &["anställningsnummer", "anstnr", "anst.nr", "employee number", "employee_number", "employee id"]
            }
            Target::Gender => &["kön", "kon", "gender"],
            Target::Unit => &["enhet", "avdelning", "unit", "department"],
            Target::JobTitle => &["befattning", "titel", "yrke", "job title", "job_title", "title"],
            Target::ManagerPersonnummer => &[
                "chefens personnummer",
                "chef personnummer",
                "chef",
                "manager personnummer",
                "manager_personnummer",
                "manager",
            ],
            Target::StartDate => &["startdatum", "anställd från", "from", "start date", "start_date"],
            Target::EndDate => &["slutdatum", "anställd till", "to", "end date", "end_date"],
            Target::Rate => &["sysselsättningsgrad", "tjänstgöringsgrad", "omfattning", "rate", "employment rate"],
            Target::MonthlySalary => &["månadslön", "manadslon", "lön", "monthly salary", "monthly_salary", "salary"],
        }
    }
}

/// Which column (0-based) of the file feeds which field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping(pub Vec<(Target, usize)>);

impl Mapping {
    pub fn column(&self, t: Target) -> Option<usize> {
        self.0.iter().find(|(x, _)| *x == t).map(|(_, c)| *c)
    }
    /// The mapping as text (`personnummer=0;given_name=1`), for the saved default and forms.
    pub fn encode(&self) -> String {
        self.0.iter().map(|(t, c)| format!("{}={c}", t.as_str())).collect::<Vec<_>>().join(";")
    }
    pub fn decode(s: &str) -> Self {
        let mut out: Vec<(Target, usize)> = Vec::new();
        for part in s.split(';') {
            if let Some((t, c)) = part.split_once('=') {
                if let (Some(t), Ok(c)) = (Target::parse(t.trim()), c.trim().parse::<usize>()) {
                    if c < MAX_COLUMNS && !out.iter().any(|(x, _)| *x == t) {
                        out.push((t, c));
                    }
                }
            }
        }
        out.sort();
        Mapping(out)
    }
    /// A mapping from a file's header names; columns nobody recognises stay unmapped.
    pub fn guess(headers: &[String]) -> Self {
        let mut out = Vec::new();
        for t in Target::ALL {
            let found = headers.iter().position(|h| t.synonyms().contains(&h.trim().to_lowercase().as_str()));
            if let Some(c) = found {
                out.push((t, c));
            }
        }
        Mapping(out)
    }
    /// The saved default where it names columns the file has, else a guess from the headers.
    pub fn for_file(saved: Option<&Mapping>, headers: &[String]) -> Self {
        match saved {
            Some(m) if !m.0.is_empty() && m.0.iter().all(|(_, c)| *c < headers.len()) => m.clone(),
            _ => Self::guess(headers),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than 4 MB")]
    TooLarge,
    #[error("the file is not UTF-8 text (line {0}); save it as CSV UTF-8")]
    NotUtf8(usize),
    #[error("the file has more than 10 000 rows")]
    TooManyRows,
    #[error("the file has more than 40 columns")]
    TooManyColumns,
    #[error("line {0} has a field longer than 500 characters")]
    CellTooLong(usize),
    #[error("line {0} cannot be read as CSV")]
    Malformed(usize),
    #[error("no column is mapped to the personnummer")]
    NoPersonnummerColumn,
    #[error("the given and family names need a column each")]
    NoNameColumns,
}

/// A file as read: its header names, separator and rows of text.
#[derive(Debug, Clone)]
pub struct CsvFile {
    pub headers: Vec<String>,
    pub delimiter: u8,
    /// With each row's line number in the file (the header is line 1).
    pub rows: Vec<(usize, Vec<String>)>,
}

/// `;` when the header line has more of them than commas (Swedish Excel), else `,`.
fn sniff(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    }
}

pub fn read(bytes: &[u8]) -> Result<CsvFile, FileProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(FileProblem::TooLarge);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|e| FileProblem::NotUtf8(1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count()))?;
    if text.trim().is_empty() {
        return Err(FileProblem::Empty);
    }
    let delimiter = sniff(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(|_| FileProblem::Malformed(1))?.iter().map(str::to_string).collect();
    if headers.len() > MAX_COLUMNS {
        return Err(FileProblem::TooManyColumns);
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| FileProblem::Malformed(e.position().map_or(0, |p| p.line() as usize)))?;
        let line = record.position().map_or(rows.len() + 2, |p| p.line() as usize);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            return Err(FileProblem::TooManyRows);
        }
        if record.len() > MAX_COLUMNS {
            return Err(FileProblem::TooManyColumns);
        }
        if record.iter().any(|c| c.chars().count() > MAX_CELL) {
            return Err(FileProblem::CellTooLong(line));
        }
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(CsvFile { headers, delimiter, rows })
}

/// What is wrong with one row, said by the page in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    Personnummer(PersonnummerError),
    GivenName,
    FamilyName,
    Email,
    EmployeeNumber,
    Gender,
    /// The same personnummer on an earlier line.
    Repeated(usize),
    /// Some employment columns are filled and a required one is not.
    EmploymentIncomplete(Target),
    UnitName,
    JobTitle,
    ManagerPersonnummer(PersonnummerError),
    /// The manager is neither in the file nor in the register.
    UnknownManager,
    OwnManager,
    StartDate,
    EndDate,
    EndBeforeStart,
    Rate,
    Salary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    New,
    Update,
}

/// One row's verdict in the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowCheck {
    pub line: usize,
    /// Names only, to tell rows apart on the page (never the personnummer).
    pub name: String,
    pub action: RowAction,
    pub problems: Vec<RowProblem>,
}

#[derive(Debug, Clone)]
struct RowPlan {
    pnr: Personnummer,
    index: String,
    existing: Option<String>,
    given_name: String,
    family_name: String,
    email: Option<String>,
    employee_number: Option<String>,
    gender: Option<Gender>,
    employment: Option<(String, EmploymentInput, Option<Personnummer>)>,
}

/// The checked file: every row's verdict, and — only when no row has a problem — what applying
/// it will write.
#[derive(Debug)]
pub struct Preview {
    pub rows: Vec<RowCheck>,
    pub new: usize,
    pub updated: usize,
    plan: Option<Vec<RowPlan>>,
}

impl Preview {
    pub fn is_clean(&self) -> bool {
        self.plan.is_some()
    }
    pub fn problem_rows(&self) -> usize {
        self.rows.iter().filter(|r| !r.problems.is_empty()).count()
    }
}

fn cell<'a>(row: &'a [String], mapping: &Mapping, t: Target) -> &'a str {
    mapping.column(t).and_then(|c| row.get(c)).map(|s| s.trim()).unwrap_or("")
}

fn gender_of(text: &str) -> Result<Option<Gender>, ()> {
    match text.to_lowercase().as_str() {
        "" => Ok(None),
        "k" | "kvinna" | "f" | "female" | "woman" => Ok(Some(Gender::Female)),
        "m" | "man" | "male" => Ok(Some(Gender::Male)),
        "a" | "annat" | "x" | "other" => Ok(Some(Gender::Other)),
        _ => Err(()),
    }
}

/// Checks every row of `file` under `mapping` against the register, writing nothing.
pub async fn preview(
    tenant: &Tenant,
    clock: &dyn Clock,
    file: &CsvFile,
    mapping: &Mapping,
) -> Result<Result<Preview, FileProblem>, PeopleError> {
    if mapping.column(Target::Personnummer).is_none() {
        return Ok(Err(FileProblem::NoPersonnummerColumn));
    }
    if mapping.column(Target::GivenName).is_none() || mapping.column(Target::FamilyName).is_none() {
        return Ok(Err(FileProblem::NoNameColumns));
    }
    let today = Day::from_unix(clock.now_ms() / 1000);
    let mut checks = Vec::with_capacity(file.rows.len());
    let mut plans = Vec::with_capacity(file.rows.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, row) in &file.rows {
        let mut problems = Vec::new();
        let pnr = match Personnummer::parse(cell(row, mapping, Target::Personnummer), today) {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(RowProblem::Personnummer(e));
                None
            }
        };
        if let Some(p) = &pnr {
            if let Some(first) = seen.insert(p.digits(), *line) {
                problems.push(RowProblem::Repeated(first));
                seen.insert(p.digits(), first);
            }
        }
        let given =
            valid_name(cell(row, mapping, Target::GivenName)).map_err(|_| problems.push(RowProblem::GivenName)).ok();
        let family =
            valid_name(cell(row, mapping, Target::FamilyName)).map_err(|_| problems.push(RowProblem::FamilyName)).ok();
        let email =
            valid_email(Some(cell(row, mapping, Target::Email))).map_err(|_| problems.push(RowProblem::Email)).ok();
        let number = valid_employee_number(Some(cell(row, mapping, Target::EmployeeNumber)))
            .map_err(|_| problems.push(RowProblem::EmployeeNumber))
            .ok();
        let gender = gender_of(cell(row, mapping, Target::Gender)).map_err(|_| problems.push(RowProblem::Gender)).ok();
        let employment = employment_of(row, mapping, today, &mut problems);
        let name = format!(
            "{} {}",
            cell(row, mapping, Target::GivenName).chars().take(100).collect::<String>(),
            cell(row, mapping, Target::FamilyName).chars().take(100).collect::<String>()
        );
        let mut action = RowAction::New;
        let mut plan = None;
        if let (Some(pnr), Some(given), Some(family), Some(email), Some(number), Some(gender), Some(employment)) =
            (pnr, given, family, email, number, gender, employment)
        {
            let index = super::pnr_index(tenant, clock, &pnr).await?;
            let existing: Option<(String,)> = sqlx::query_as("SELECT id FROM persons WHERE pnr_index = $1")
                .bind(&index)
                .fetch_optional(tenant.db().pool())
                .await?;
            if existing.is_some() {
                action = RowAction::Update;
            }
            if let Some((_, _, Some(m))) = &employment {
                if m == &pnr {
                    problems.push(RowProblem::OwnManager);
                }
            }
            plan = Some(RowPlan {
                pnr,
                index,
                existing: existing.map(|(id,)| id),
                given_name: given,
                family_name: family,
                email,
                employee_number: number,
                gender,
                employment,
            });
        }
        checks.push(RowCheck { line: *line, name, action, problems });
        plans.push(plan);
    }
    // A manager must be in the file or already registered.
    let in_file: std::collections::HashSet<String> = plans.iter().flatten().map(|p| p.pnr.digits()).collect();
    for (check, plan) in checks.iter_mut().zip(&plans) {
        if let Some(RowPlan { employment: Some((_, _, Some(manager))), .. }) = plan {
            if !in_file.contains(&manager.digits())
                && super::find_by_personnummer(tenant, clock, manager).await?.is_none()
            {
                check.problems.push(RowProblem::UnknownManager);
            }
        }
    }
    let new = checks.iter().filter(|c| c.action == RowAction::New).count();
    let updated = checks.len() - new;
    let clean = checks.iter().all(|c| c.problems.is_empty());
    let plan = if clean { plans.into_iter().collect::<Option<Vec<_>>>() } else { None };
    Ok(Ok(Preview { rows: checks, new, updated, plan }))
}

/// The employment part of a row: `Some(None)` when the row has none, `None` when it is wrong.
#[allow(clippy::type_complexity)]
fn employment_of(
    row: &[String],
    mapping: &Mapping,
    today: Day,
    problems: &mut Vec<RowProblem>,
) -> Option<Option<(String, EmploymentInput, Option<Personnummer>)>> {
    const PARTS: [Target; 7] = [
        Target::Unit,
        Target::JobTitle,
        Target::ManagerPersonnummer,
        Target::StartDate,
        Target::EndDate,
        Target::Rate,
        Target::MonthlySalary,
    ];
    if PARTS.iter().all(|t| cell(row, mapping, *t).is_empty()) {
        return Some(None);
    }
    let before = problems.len();
    for t in [Target::Unit, Target::JobTitle, Target::StartDate, Target::Rate, Target::MonthlySalary] {
        if cell(row, mapping, t).is_empty() {
            problems.push(RowProblem::EmploymentIncomplete(t));
        }
    }
    if problems.len() > before {
        return None;
    }
    let unit = cell(row, mapping, Target::Unit);
    if unit.chars().count() > 100 || unit.chars().any(char::is_control) {
        problems.push(RowProblem::UnitName);
    }
    let title = employment::valid_title(cell(row, mapping, Target::JobTitle))
        .map_err(|_| problems.push(RowProblem::JobTitle))
        .ok();
    let manager = match cell(row, mapping, Target::ManagerPersonnummer) {
        "" => None,
        m => match Personnummer::parse(m, today) {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(RowProblem::ManagerPersonnummer(e));
                None
            }
        },
    };
    let start = cell(row, mapping, Target::StartDate);
    if parse_iso_date(start).is_none() {
        problems.push(RowProblem::StartDate);
    }
    let end = cell(row, mapping, Target::EndDate);
    if !end.is_empty() {
        if parse_iso_date(end).is_none() {
            problems.push(RowProblem::EndDate);
        } else if end < start {
            problems.push(RowProblem::EndBeforeStart);
        }
    }
    let rate = parse_percent(cell(row, mapping, Target::Rate)).or_else(|| {
        problems.push(RowProblem::Rate);
        None
    });
    let salary = parse_sek(cell(row, mapping, Target::MonthlySalary))
        .filter(|s| *s <= employment::MAX_MONTHLY_SALARY_ORE)
        .or_else(|| {
            problems.push(RowProblem::Salary);
            None
        });
    if problems.len() > before {
        return None;
    }
    let input = EmploymentInput {
        unit_id: String::new(),
        job_title: title?,
        manager_person_id: None,
        start_date: start.to_string(),
        end_date: (!end.is_empty()).then(|| end.to_string()),
        rate_bp: rate?,
        monthly_salary_ore: salary?,
    };
    Some(Some((unit.to_string(), input, manager)))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub units_created: usize,
}

/// Applies a clean preview in one transaction: people created or updated, units made by name
/// where missing, each person's current employment updated (or added), managers linked.
/// `progress(done, total)` is called as rows are written. Nothing is written if anything fails.
pub async fn apply(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    preview: Preview,
    progress: impl Fn(usize, usize),
) -> Result<ImportReport, PeopleError> {
    let Some(plans) = preview.plan else {
        return Err(PeopleError::ImportNotClean);
    };
    let now = clock.now_ms();
    let today = crate::model::format::iso_date(now / 1000);
    // Seal first, outside the transaction: ids for new people are made here.
    let mut ids = Vec::with_capacity(plans.len());
    let mut sealed = Vec::with_capacity(plans.len());
    for p in &plans {
        let id = match &p.existing {
            Some(id) => id.clone(),
            None => new_id()?,
        };
        let s: Option<Sealed<Personnummer>> = match p.existing {
            Some(_) => None,
            None => Some(crypto::seal(tenant, clock, PNR.at(&id), &p.pnr).await?),
        };
        ids.push(id);
        sealed.push(s);
    }
    let by_pnr: HashMap<String, String> = plans.iter().zip(&ids).map(|(p, id)| (p.pnr.digits(), id.clone())).collect();
    let mut tx = tenant.db().pool().begin().await?;
    let mut units: HashMap<String, String> = sqlx::query_as::<_, (String, String)>("SELECT name, id FROM org_units")
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|(name, id)| (name.to_lowercase(), id))
        .collect();
    let mut report = ImportReport { created: 0, updated: 0, units_created: 0 };
    let total = plans.len();
    for (i, ((plan, id), sealed)) in plans.iter().zip(&ids).zip(sealed).enumerate() {
        let key = name_key(&plan.given_name, &plan.family_name);
        let action = match sealed {
            Some(sealed) => {
                let row = super::PersonRow {
                    id,
                    sealed,
                    index: &plan.index,
                    given: &plan.given_name,
                    family: &plan.family_name,
                    email: plan.email.as_deref(),
                    number: plan.employee_number.as_deref(),
                    gender: plan.gender,
                    pnr: &plan.pnr,
                    now,
                };
                super::insert_person(&mut tx, row).await?;
                report.created += 1;
                Action::PersonCreated
            }
            None => {
                // An e-mail, employee number or gender left empty (or not in the file) keeps what
                // the record has: a narrower export must not wipe what another one brought.
                sqlx::query(
                    "UPDATE persons SET given_name = $1, family_name = $2, name_key = $3, \
                     email = COALESCE($4, email), employee_number = COALESCE($5, employee_number), \
                     gender = COALESCE($6, gender), gender_source = COALESCE($7, gender_source), updated_at = $8 \
                     WHERE id = $9",
                )
                .bind(&plan.given_name)
                .bind(&plan.family_name)
                .bind(&key)
                .bind(&plan.email)
                .bind(&plan.employee_number)
                .bind(plan.gender.map(Gender::as_str))
                .bind(plan.gender.map(|_| "manual"))
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                report.updated += 1;
                Action::PersonUpdated
            }
        };
        let event = Event::new(actor.clone(), action, Outcome::Success)
            .target(TargetType::Person, person_id(id)?)
            .origin(origin.clone());
        logbook::append(&mut tx, tenant, clock, &event).await?;
        if i % 100 == 0 {
            progress(i, total);
        }
    }
    // Employments after every person exists, so a manager later in the file is found.
    for (plan, id) in plans.iter().zip(&ids) {
        let Some((unit_name, input, manager)) = &plan.employment else { continue };
        let unit_id = match units.get(&unit_name.to_lowercase()) {
            Some(u) => u.clone(),
            None => {
                let u = new_id()?;
                sqlx::query(
                    "INSERT INTO org_units (id, name, parent_id, created_at, updated_at) VALUES ($1, $2, NULL, $3, $3)",
                )
                .bind(&u)
                .bind(unit_name)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                report.units_created += 1;
                units.insert(unit_name.to_lowercase(), u.clone());
                u
            }
        };
        let manager_person_id = match manager {
            None => None,
            Some(m) => match by_pnr.get(&m.digits()) {
                Some(id) => Some(id.clone()),
                None => super::find_by_personnummer(tenant, clock, m).await?,
            },
        };
        let input = EmploymentInput { unit_id, manager_person_id, ..input.clone() };
        let current: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM employments WHERE person_id = $1 AND start_date <= $2 \
             AND (end_date IS NULL OR end_date >= $2) ORDER BY start_date DESC, id LIMIT 1",
        )
        .bind(id)
        .bind(&today)
        .fetch_optional(&mut *tx)
        .await?;
        match current {
            Some((eid,)) => employment::update(&mut tx, clock, &eid, &input).await?,
            None => employment::insert(&mut tx, clock, id, &new_id()?, &input).await?,
        }
    }
    // Rows can make a circle between them (A's manager is B, B's is A), which would give each
    // the other's reach: refused, and nothing is written.
    let edges: Vec<(String, String)> = sqlx::query_as(
        "SELECT person_id, manager_person_id FROM employments WHERE manager_person_id IS NOT NULL \
         AND (end_date IS NULL OR end_date >= $1)",
    )
    .bind(&today)
    .fetch_all(&mut *tx)
    .await?;
    if has_cycle(&edges) {
        return Err(PeopleError::ManagerCycle);
    }
    let event = Event::new(actor, Action::PeopleImported, Outcome::Success).origin(origin);
    logbook::append(&mut tx, tenant, clock, &event).await?;
    tx.commit().await?;
    progress(total, total);
    Ok(report)
}

/// Whether following managers from anyone ever comes back to where it started.
fn has_cycle(edges: &[(String, String)]) -> bool {
    let mut managers: HashMap<&str, Vec<&str>> = HashMap::new();
    for (person, manager) in edges {
        managers.entry(person.as_str()).or_default().push(manager.as_str());
    }
    // 0 = not seen, 1 = on the current path, 2 = done.
    let mut state: HashMap<&str, u8> = HashMap::new();
    for start in managers.keys().copied() {
        if state.get(start).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        state.insert(start, 1);
        while let Some((node, next)) = stack.pop() {
            let ups = managers.get(node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&up) = ups.get(next) {
                stack.push((node, next + 1));
                match state.get(up).copied().unwrap_or(0) {
                    1 => return true,
                    0 => {
                        state.insert(up, 1);
                        stack.push((up, 0));
                    }
                    _ => {}
                }
            } else {
                state.insert(node, 2);
            }
        }
    }
    false
}

/// The organisation's saved column mapping, if an admin saved one.
pub async fn saved_mapping(tenant: &Tenant) -> Result<Option<Mapping>, PeopleError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT mapping FROM import_settings WHERE id = 1").fetch_optional(tenant.db().pool()).await?;
    Ok(row.map(|(m,)| Mapping::decode(&m)))
}

pub async fn save_mapping(tenant: &Tenant, clock: &dyn Clock, mapping: &Mapping) -> Result<(), PeopleError> {
    let mut tx = tenant.db().pool().begin().await?;
    sqlx::query("DELETE FROM import_settings WHERE id = 1").execute(&mut *tx).await?;
    sqlx::query("INSERT INTO import_settings (id, mapping, updated_at) VALUES (1, $1, $2)")
        .bind(mapping.encode())
        .bind(clock.now_ms())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Where an uploaded file waits, sealed, for its admin's confirmation.
pub const DRAFT: crate::core::crypto::Field =
    crate::core::crypto::Field { table: "import_drafts", column: "csv_sealed", id_column: "id" };
/// A draft older than this is gone.
pub const DRAFT_MAX_AGE_MS: i64 = 60 * 60 * 1000;

/// Keeps `csv` as `user_id`'s one draft (replacing an earlier one), sealed. Expired drafts of
/// anyone are deleted on the way.
pub async fn save_draft(tenant: &Tenant, clock: &dyn Clock, user_id: &str, csv: &str) -> Result<(), PeopleError> {
    if csv.len() > MAX_BYTES {
        return Err(PeopleError::ImportTooLarge);
    }
    let id = new_id()?;
    let sealed = crypto::seal(tenant, clock, DRAFT.at(&id), &csv.to_string()).await?;
    let now = clock.now_ms();
    let mut tx = tenant.db().pool().begin().await?;
    sqlx::query("DELETE FROM import_drafts WHERE user_id = $1 OR created_at < $2")
        .bind(user_id)
        .bind(now - DRAFT_MAX_AGE_MS)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO import_drafts (id, user_id, csv_sealed, mapping, created_at) VALUES ($1, $2, $3, NULL, $4)",
    )
    .bind(&id)
    .bind(user_id)
    .bind(sealed.into_bytes())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `user_id`'s draft in time, opened: the file and the mapping chosen for it, if any.
pub async fn draft(
    tenant: &Tenant,
    clock: &dyn Clock,
    user_id: &str,
) -> Result<Option<(String, Option<Mapping>)>, PeopleError> {
    let row: Option<(String, Vec<u8>, Option<String>, i64)> =
        sqlx::query_as("SELECT id, csv_sealed, mapping, created_at FROM import_drafts WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(tenant.db().pool())
            .await?;
    let Some((id, sealed, mapping, created_at)) = row else { return Ok(None) };
    if created_at < clock.now_ms() - DRAFT_MAX_AGE_MS {
        discard_draft(tenant, user_id).await?;
        return Ok(None);
    }
    let csv: String = crypto::open(tenant, DRAFT.at(&id), &Sealed::from_stored(sealed)).await?;
    Ok(Some((csv, mapping.map(|m| Mapping::decode(&m)))))
}

pub async fn set_draft_mapping(tenant: &Tenant, user_id: &str, mapping: &Mapping) -> Result<(), PeopleError> {
    sqlx::query("UPDATE import_drafts SET mapping = $1 WHERE user_id = $2")
        .bind(mapping.encode())
        .bind(user_id)
        .execute(tenant.db().pool())
        .await?;
    Ok(())
}

pub async fn discard_draft(tenant: &Tenant, user_id: &str) -> Result<(), PeopleError> {
    sqlx::query("DELETE FROM import_drafts WHERE user_id = $1").bind(user_id).execute(tenant.db().pool()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::has_cycle;

    fn e(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn circles_of_managers_are_found() {
        assert!(!has_cycle(&e(&[("a", "b"), ("b", "c"), ("d", "c")])));
        assert!(has_cycle(&e(&[("a", "b"), ("b", "a")])));
        assert!(has_cycle(&e(&[("a", "b"), ("b", "c"), ("c", "a"), ("x", "a")])));
        assert!(has_cycle(&e(&[("a", "a")])));
        assert!(!has_cycle(&[]));
    }
}
