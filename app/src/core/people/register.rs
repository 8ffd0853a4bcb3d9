//! Reading and changing the register: the paged list, one person's record, edits and erasure.
//! Callers decide access with the guard first; these functions take the decision's [`Lens`]
//! where a list must be cut to it.
use super::{access::Lens, access::LINE_CTE, person_id, valid_email, valid_name, Gender, PeopleError, PNR};
use crate::{
    core::{
        clock::Clock,
        crypto::{self, Sealed},
        logbook::{self, Action, Actor, Event, Outcome, TargetType},
        tenancy::Tenant,
    },
    model::personnummer::Personnummer,
};

/// Rows per page of the people list.
pub const PAGE_SIZE: u32 = 50;
/// Words of a name search (each must occur in the name); more are ignored.
const MAX_TERMS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Name,
    Unit,
    EmployeeNumber,
}

impl SortBy {
    pub fn parse(s: &str) -> Self {
        match s {
            "unit" => SortBy::Unit,
            "number" => SortBy::EmployeeNumber,
            _ => SortBy::Name,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            SortBy::Name => "name",
            SortBy::Unit => "unit",
            SortBy::EmployeeNumber => "number",
        }
    }
    fn order(self) -> &'static str {
        match self {
            SortBy::Name => "p.name_key, p.id",
            SortBy::Unit => "u.name IS NULL, u.name, p.name_key, p.id",
            SortBy::EmployeeNumber => "p.employee_number IS NULL, p.employee_number, p.name_key, p.id",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Words of a name; empty lists everyone in the lens.
    pub name: String,
    pub sort: SortBy,
    /// From 1.
    pub page: u32,
}

/// One row of the list: what tells people apart at a glance (no personnummer, no salary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    pub employee_number: Option<String>,
    pub job_title: Option<String>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub pages: u32,
}

/// The current employment of a person (the latest started that has not ended), as SQL.
const CURRENT: &str = "LEFT JOIN employments cur ON cur.id = (SELECT e2.id FROM employments e2 \
     WHERE e2.person_id = p.id AND e2.start_date <= $2 AND (e2.end_date IS NULL OR e2.end_date >= $2) \
     ORDER BY e2.start_date DESC, e2.id LIMIT 1) \
     LEFT JOIN org_units u ON u.id = cur.unit_id";

fn like_escaped(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// A page of the people in `lens`, filtered by name and sorted.
pub async fn list(
    tenant: &Tenant,
    lens: &Lens,
    query: &ListQuery,
    today: &str,
) -> Result<Page<PersonRow>, PeopleError> {
    // $1 is the lens's person (or unused), $2 today; search terms follow.
    let (with, scope, root) = match lens {
        Lens::Everyone => ("", "1 = 1", String::new()),
        Lens::LineOf(me) => (LINE_CTE, "p.id IN (SELECT id FROM line)", me.clone()),
        Lens::Myself(me) => ("", "p.id = CAST($1 AS TEXT)", me.clone()),
        Lens::Nobody => return Ok(Page { rows: Vec::new(), total: 0, page: 1, pages: 1 }),
    };
    let terms: Vec<String> = query.name.to_lowercase().split_whitespace().take(MAX_TERMS).map(like_escaped).collect();
    let mut filter = String::new();
    for i in 0..terms.len() {
        filter.push_str(&format!(" AND p.name_key LIKE ${} ESCAPE '\\'", i + 3));
    }
    // Both $1 and $2 appear in every statement, so the numbering holds on both backends.
    let anchor = "CAST($1 AS TEXT) = CAST($1 AS TEXT) AND CAST($2 AS TEXT) = CAST($2 AS TEXT)";
    let count_sql = format!("{with} SELECT COUNT(*) FROM persons p WHERE {anchor} AND {scope}{filter}");
    let mut count = sqlx::query_as::<_, (i64,)>(&count_sql).bind(&root).bind(today);
    for t in &terms {
        count = count.bind(t);
    }
    let (total,) = count.fetch_one(tenant.db().pool()).await?;
    let total = u64::try_from(total).unwrap_or(0);
    let pages = u32::try_from(total.div_ceil(u64::from(PAGE_SIZE))).unwrap_or(u32::MAX).max(1);
    let page = query.page.clamp(1, pages);
    let n = terms.len() + 3;
    type Row = (String, String, String, Option<String>, Option<String>, Option<String>);
    let offset = i64::from((page - 1) * PAGE_SIZE);
    let rows: Vec<Row> = if query.sort == SortBy::Unit {
        // Sorting by unit needs every row's current employment: one query over the join.
        let sql = format!(
            "{with} SELECT p.id, p.given_name, p.family_name, p.employee_number, cur.job_title, u.name \
             FROM persons p {CURRENT} WHERE {anchor} AND {scope}{filter} ORDER BY {} LIMIT ${n} OFFSET ${}",
            query.sort.order(),
            n + 1
        );
        let mut rows = sqlx::query_as::<_, Row>(&sql).bind(&root).bind(today);
        for t in &terms {
            rows = rows.bind(t);
        }
        rows.bind(i64::from(PAGE_SIZE)).bind(offset).fetch_all(tenant.db().pool()).await?
    } else {
        // The page's ids from the persons table alone (its name index), then the current
        // employment of those fifty only: a deep page must not join every row before it.
        let sql = format!(
            "{with} SELECT p.id FROM persons p WHERE {anchor} AND {scope}{filter} ORDER BY {} LIMIT ${n} OFFSET ${}",
            query.sort.order(),
            n + 1
        );
        let mut ids = sqlx::query_as::<_, (String,)>(&sql).bind(&root).bind(today);
        for t in &terms {
            ids = ids.bind(t);
        }
        let ids: Vec<String> = ids
            .bind(i64::from(PAGE_SIZE))
            .bind(offset)
            .fetch_all(tenant.db().pool())
            .await?
            .into_iter()
            .map(|(id,)| id)
            .collect();
        if ids.is_empty() {
            Vec::new()
        } else {
            let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 3)).collect();
            let sql = format!(
                "SELECT p.id, p.given_name, p.family_name, p.employee_number, cur.job_title, u.name \
                 FROM persons p {CURRENT} WHERE {anchor} AND p.id IN ({})",
                marks.join(", ")
            );
            let mut rows = sqlx::query_as::<_, Row>(&sql).bind(&root).bind(today);
            for id in &ids {
                rows = rows.bind(id);
            }
            let mut found: std::collections::HashMap<String, Row> =
                rows.fetch_all(tenant.db().pool()).await?.into_iter().map(|r| (r.0.clone(), r)).collect();
            ids.iter().filter_map(|id| found.remove(id)).collect()
        }
    };
    let rows = rows
        .into_iter()
        .map(|(id, given_name, family_name, employee_number, job_title, unit)| PersonRow {
            id,
            given_name,
            family_name,
            employee_number,
            job_title,
            unit,
        })
        .collect();
    Ok(Page { rows, total, page, pages })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employment {
    pub id: String,
    pub unit_id: String,
    pub unit: String,
    pub job_title: String,
    pub manager_person_id: Option<String>,
    pub manager: Option<String>,
    pub start_date: String,
    pub end_date: Option<String>,
    /// Hundredths of a per cent (10 000 = 100 %).
    pub rate_bp: i64,
    pub monthly_salary_ore: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub employee_number: Option<String>,
    pub gender: Gender,
    /// Set by hand rather than read from the personnummer.
    pub gender_manual: bool,
    /// Newest first.
    pub employments: Vec<Employment>,
    /// The sealed personnummer, opened only when a page asks (`personnummer`).
    pnr_sealed: Vec<u8>,
}

impl Person {
    /// The personnummer, decrypted; the caller decides whether it is shown masked or whole.
    pub async fn personnummer(&self, tenant: &Tenant) -> Result<Personnummer, PeopleError> {
        Ok(crypto::open(tenant, PNR.at(&self.id), &Sealed::from_stored(self.pnr_sealed.clone())).await?)
    }
}

/// One person's record with their employments. A caller that shows it has logged
/// `person.viewed` first ([`record_view`]).
pub async fn get(tenant: &Tenant, id: &str) -> Result<Person, PeopleError> {
    type PersonRow = (String, String, Option<String>, Option<String>, String, String, Vec<u8>);
    let row: Option<PersonRow> = sqlx::query_as(
        "SELECT given_name, family_name, email, employee_number, gender, gender_source, pnr_sealed \
         FROM persons WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(tenant.db().pool())
    .await?;
    let (given_name, family_name, email, employee_number, gender, source, pnr_sealed) =
        row.ok_or(PeopleError::NoSuchPerson)?;
    type Row = (String, String, String, String, Option<String>, Option<String>, String, Option<String>, i64, i64);
    let employments: Vec<Row> = sqlx::query_as(
        "SELECT e.id, e.unit_id, u.name, e.job_title, e.manager_person_id, \
         m.given_name || ' ' || m.family_name, e.start_date, e.end_date, e.rate_bp, e.monthly_salary_ore \
         FROM employments e JOIN org_units u ON u.id = e.unit_id \
         LEFT JOIN persons m ON m.id = e.manager_person_id \
         WHERE e.person_id = $1 ORDER BY e.start_date DESC, e.id",
    )
    .bind(id)
    .fetch_all(tenant.db().pool())
    .await?;
    Ok(Person {
        id: id.to_string(),
        given_name,
        family_name,
        email,
        employee_number,
        gender: Gender::parse(&gender).unwrap_or(Gender::Other),
        gender_manual: source == "manual",
        employments: employments
            .into_iter()
            .map(
                |(
                    id,
                    unit_id,
                    unit,
                    job_title,
                    manager_person_id,
                    manager,
                    start_date,
                    end_date,
                    rate_bp,
                    monthly_salary_ore,
                )| {
                    Employment {
                        id,
                        unit_id,
                        unit,
                        job_title,
                        manager_person_id,
                        manager,
                        start_date,
                        end_date,
                        rate_bp,
                        monthly_salary_ore,
                    }
                },
            )
            .collect(),
        pnr_sealed,
    })
}

/// Logs that `actor` is about to see `id`'s record (or, `revealed`, their whole personnummer).
/// Call before the record leaves the server; if the logbook fails, show nothing.
pub async fn record_view(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: logbook::Origin,
    id: &str,
    revealed: bool,
) -> Result<(), PeopleError> {
    let action = if revealed { Action::PersonnummerRevealed } else { Action::PersonViewed };
    let event = Event::new(actor, action, Outcome::Success).target(TargetType::Person, person_id(id)?).origin(origin);
    logbook::record(tenant, clock, &event).await?;
    Ok(())
}

/// What an admin may change on a person's record.
#[derive(Debug, Clone)]
pub struct PersonEdit {
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    /// `None`: as the personnummer says.
    pub gender: Option<Gender>,
    pub employee_number: Option<String>,
}

/// Changes a person's record; logged (ids only).
pub async fn update(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: logbook::Origin,
    id: &str,
    edit: &PersonEdit,
) -> Result<(), PeopleError> {
    let given = valid_name(&edit.given_name)?;
    let family = valid_name(&edit.family_name)?;
    let email = valid_email(edit.email.as_deref())?;
    let number = super::valid_employee_number(edit.employee_number.as_deref())?;
    let (gender, source) = match edit.gender {
        Some(g) => (g, "manual"),
        None => {
            let pnr = super::personnummer(tenant, id).await?;
            (Gender::from(pnr.legal_gender()), "personnummer")
        }
    };
    let mut tx = tenant.db().pool().begin().await?;
    let done = sqlx::query(
        "UPDATE persons SET given_name = $1, family_name = $2, name_key = $3, email = $4, gender = $5, \
         gender_source = $6, employee_number = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(&given)
    .bind(&family)
    .bind(super::name_key(&given, &family))
    .bind(&email)
    .bind(gender.as_str())
    .bind(source)
    .bind(&number)
    .bind(clock.now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(PeopleError::NoSuchPerson);
    }
    let event = Event::new(actor, Action::PersonUpdated, Outcome::Success)
        .target(TargetType::Person, person_id(id)?)
        .origin(origin);
    logbook::append(&mut tx, tenant, clock, &event).await?;
    tx.commit().await?;
    Ok(())
}
