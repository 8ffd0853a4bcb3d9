//! Access and portability (GDPR Art. 15 and 20): everything Samtal holds about one person as one
//! document (schema in docs/person-export.md). `person.exported` is written before anything is
//! read; each of the person's talks is opened as the employee sees it (the reveal rules hold,
//! and `talk.viewed` is written for it); a manager's private notes are in it only when the
//! person exports their own data, never for an admin.
use serde::Serialize;

use super::{holdings::about_them, receipt::rfc3339, GdprError};
use crate::{
    core::{
        clock::Clock,
        crypto::{self, Sealed},
        logbook::{self, Action, Actor, Event, Id, Origin, Outcome, TargetType},
        people::register,
        talks::{access, talk, PRIVATE},
        tenancy::Tenant,
    },
    model::talks::{Preparation, Status, TemplateBody},
};

pub const KIND: &str = "samtal.person-export";
pub const VERSION: u32 = 1;
/// The most logbook events an export lists (newest kept); the logbook's retention bounds them
/// long before this in practice.
pub const MAX_EVENTS: usize = 20_000;
/// The most exports one account makes in an hour: each writes to the logbook and opens every
/// talk, and a person needs a handful.
pub const MAX_PER_HOUR: i64 = 20;

/// Who asks for the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requester<'a> {
    /// The person, signed in to their own account (by its id): private notes are opened only
    /// for the person and account that wrote them, as on the talk page, so an account linked to
    /// the person later opens none of the notes written before.
    Themselves { account: &'a str },
    /// An admin answering the person's request.
    Admin,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonExport {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub version: u32,
    pub organisation: String,
    pub exported_at: String,
    pub exported_by: String,
    pub person: PersonData,
    pub employments: Vec<EmploymentData>,
    pub accounts: Vec<AccountData>,
    pub sessions: Vec<SessionData>,
    pub talks: Vec<TalkData>,
    pub talks_as_manager: Vec<HeldTalk>,
    pub private_notes: PrivateNotes,
    pub logbook: LogbookData,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonData {
    pub id: String,
    pub personnummer: String,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub employee_number: Option<String>,
    pub gender: &'static str,
    /// `personnummer` (read from the number) or `manual` (set by an admin).
    pub gender_source: &'static str,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EmploymentData {
    pub id: String,
    pub unit: String,
    pub job_title: String,
    pub manager: Option<String>,
    pub start_date: String,
    pub end_date: Option<String>,
    /// Hundredths of a per cent: 10000 is full time.
    pub rate_bp: i64,
    /// Öre: 4500000 is 45 000 kr.
    pub monthly_salary_ore: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountData {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub status: String,
    pub created_at: String,
    pub password_changed_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionData {
    pub created_at: String,
    pub last_seen_at: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TalkData {
    pub id: String,
    pub round: String,
    pub status: Status,
    pub manager: Option<String>,
    pub scheduled_at: Option<String>,
    pub due: String,
    pub questions: TemplateBody,
    /// The person's own preparation.
    pub preparation: Option<Preparation>,
    /// The manager's, as far as the person may see it yet (both are shown once both are done).
    pub manager_assessment: Option<Preparation>,
    pub notes: String,
    pub actions: String,
    pub comment: Option<String>,
    pub addenda: Vec<AddendumData>,
    pub employee_ready_at: Option<String>,
    pub manager_ready_at: Option<String>,
    pub asked_at: Option<String>,
    pub signed_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AddendumData {
    pub author: Option<String>,
    pub at: String,
    pub text: String,
}

/// A talk the person held as someone's manager: the talk is the employee's; its texts are in
/// the employee's export.
#[derive(Debug, Clone, Serialize)]
pub struct HeldTalk {
    pub id: String,
    pub round: String,
    pub employee: String,
    pub status: Status,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrivateNotes {
    pub count: usize,
    /// False in an admin's export: a manager's private notes are for that manager only.
    pub included: bool,
    pub notes: Vec<PrivateNoteData>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrivateNoteData {
    pub talk_id: String,
    pub text: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogbookData {
    /// More events than [`MAX_EVENTS`] matched; the newest are listed.
    pub truncated: bool,
    pub events: Vec<LogEvent>,
}

/// An event about the person. The address and browser are given for the person's own actions
/// only (those of others are the others' data).
#[derive(Debug, Clone, Serialize)]
pub struct LogEvent {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub outcome: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

fn time(ms: i64) -> String {
    rfc3339(ms)
}

/// The export of `person_id`, for `requester`, logged as done by `actor`.
pub async fn export(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    person_id: &str,
    requester: Requester<'_>,
) -> Result<PersonExport, GdprError> {
    let id = Id::parse(person_id).map_err(|_| GdprError::NoSuchPerson)?;
    let stamps: Option<(String, i64, i64)> =
        sqlx::query_as("SELECT gender_source, created_at, updated_at FROM persons WHERE id = $1")
            .bind(person_id)
            .fetch_optional(tenant.db().pool())
            .await?;
    let (gender_source, created_at, updated_at) = stamps.ok_or(GdprError::NoSuchPerson)?;
    let (recent,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM logbook WHERE actor = $1 AND action = 'person.exported' AND at_ms > $2")
            .bind(actor.encode())
            .bind(clock.now_ms() - 3_600_000)
            .fetch_one(tenant.db().pool())
            .await?;
    if recent >= MAX_PER_HOUR {
        return Err(GdprError::TooManyExports);
    }
    let event = Event::new(actor.clone(), Action::PersonExported, Outcome::Success)
        .target(TargetType::Person, id)
        .origin(origin.clone());
    logbook::record(tenant, clock, &event).await?;

    let p = register::get(tenant, person_id).await?;
    let person = PersonData {
        id: person_id.to_string(),
        personnummer: p.personnummer(tenant).await?.formatted(),
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        email: p.email.clone(),
        employee_number: p.employee_number.clone(),
        gender: p.gender.as_str(),
        gender_source: if gender_source == "manual" { "manual" } else { "personnummer" },
        created_at: time(created_at),
        updated_at: time(updated_at),
    };
    let employments = p
        .employments
        .iter()
        .map(|e| EmploymentData {
            id: e.id.clone(),
            unit: e.unit.clone(),
            job_title: e.job_title.clone(),
            manager: e.manager.clone(),
            start_date: e.start_date.clone(),
            end_date: e.end_date.clone(),
            rate_bp: e.rate_bp,
            monthly_salary_ore: e.monthly_salary_ore,
        })
        .collect();
    let pool = tenant.db().pool();
    type AccountRow = (String, String, String, String, String, i64, Option<i64>);
    let accounts: Vec<AccountRow> = sqlx::query_as(
        "SELECT id, email, display_name, role, status, created_at, password_changed_at FROM users \
         WHERE person_id = $1 ORDER BY created_at, id",
    )
    .bind(person_id)
    .fetch_all(pool)
    .await?;
    let own_actors: Vec<String> = accounts.iter().map(|a| format!("user:{}", a.0)).collect();
    let accounts = accounts
        .into_iter()
        .map(|(id, email, display_name, role, status, created, changed)| AccountData {
            id,
            email,
            display_name,
            role,
            status,
            created_at: time(created),
            password_changed_at: changed.map(time),
        })
        .collect();
    let sessions: Vec<(i64, i64, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT created_at, last_seen_at, ip, user_agent FROM sessions \
         WHERE user_id IN (SELECT id FROM users WHERE person_id = $1) ORDER BY created_at",
    )
    .bind(person_id)
    .fetch_all(pool)
    .await?;
    let sessions = sessions
        .into_iter()
        .map(|(c, l, ip, user_agent)| SessionData { created_at: time(c), last_seen_at: time(l), ip, user_agent })
        .collect();

    let by = talk::By { actor: actor.clone(), origin: origin.clone(), person: String::new(), user: String::new() };
    let talk_ids: Vec<(String,)> = sqlx::query_as("SELECT id FROM talks WHERE person_id = $1 ORDER BY created_at, id")
        .bind(person_id)
        .fetch_all(pool)
        .await?;
    let mut talks = Vec::with_capacity(talk_ids.len());
    for (talk_id,) in talk_ids {
        let t = access::load(tenant, &talk_id).await.map_err(talk_error)?;
        let v = talk::view(tenant, clock, &by, &t, talk::Viewer::Employee).await.map_err(talk_error)?;
        talks.push(TalkData {
            id: v.id,
            round: v.round,
            status: v.status,
            manager: v.manager,
            scheduled_at: v.scheduled_at.map(|s| time(s * 1000)),
            due: v.due,
            questions: v.body,
            preparation: v.employee_prep.map(|(p, _)| p),
            manager_assessment: v.manager_prep.map(|(p, _)| p),
            notes: v.notes.text,
            actions: v.actions.text,
            comment: v.comment,
            addenda: v
                .addenda
                .into_iter()
                .map(|a| AddendumData { author: a.author, at: time(a.at * 1000), text: a.text })
                .collect(),
            employee_ready_at: v.employee_ready_at.map(|s| time(s * 1000)),
            manager_ready_at: v.manager_ready_at.map(|s| time(s * 1000)),
            asked_at: v.asked_at.map(|s| time(s * 1000)),
            signed_at: v.signed_at.map(|s| time(s * 1000)),
        });
    }
    let held: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT t.id, r.title, p.given_name, p.family_name, t.status FROM talks t \
         JOIN talk_rounds r ON r.id = t.round_id JOIN persons p ON p.id = t.person_id \
         WHERE t.manager_person_id = $1 AND t.person_id <> $1 ORDER BY t.created_at, t.id",
    )
    .bind(person_id)
    .fetch_all(pool)
    .await?;
    let talks_as_manager = held
        .into_iter()
        .map(|(id, round, given, family, status)| HeldTalk {
            id,
            round,
            employee: format!("{given} {family}"),
            status: Status::parse(&status).unwrap_or(Status::NotStarted),
        })
        .collect();

    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM talk_private_notes WHERE author_person_id = $1")
        .bind(person_id)
        .fetch_one(pool)
        .await?;
    let notes = usize::try_from(count).unwrap_or(0);
    let (included, account) = match requester {
        Requester::Themselves { account } => (true, Some(account)),
        Requester::Admin => (false, None),
    };
    let mut private_notes = PrivateNotes { count: notes, included, notes: vec![] };
    if let Some(account) = account {
        let own: Vec<(String, String, Vec<u8>, i64)> = sqlx::query_as(
            "SELECT id, talk_id, body_sealed, updated_at FROM talk_private_notes \
             WHERE author_person_id = $1 AND author_user_id = $2 ORDER BY updated_at, id",
        )
        .bind(person_id)
        .bind(account)
        .fetch_all(pool)
        .await?;
        for (id, talk_id, body, updated) in own {
            let event = Event::new(actor.clone(), Action::TalkPrivateNoteViewed, Outcome::Success)
                .target(TargetType::Talk, Id::parse(&talk_id).map_err(|_| GdprError::NoSuchPerson)?)
                .origin(origin.clone());
            logbook::record(tenant, clock, &event).await?;
            let text: String = crypto::open(tenant, PRIVATE.at(&id), &Sealed::from_stored(body)).await?;
            private_notes.notes.push(PrivateNoteData { talk_id, text, updated_at: time(updated) });
        }
    }

    type EventRow = (i64, i64, String, String, Option<String>, Option<String>, String, Option<String>, Option<String>);
    let rows: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT seq, at_ms, actor, action, target_type, target_id, outcome, ip, user_agent FROM logbook \
         WHERE {} ORDER BY seq DESC LIMIT {}",
        about_them(),
        MAX_EVENTS + 1
    ))
    .bind(person_id)
    .fetch_all(pool)
    .await?;
    let truncated = rows.len() > MAX_EVENTS;
    let mut events: Vec<LogEvent> = rows
        .into_iter()
        .take(MAX_EVENTS)
        .map(|(seq, at, actor, action, target_type, target_id, outcome, ip, ua)| {
            let own = own_actors.contains(&actor);
            LogEvent {
                seq,
                at: time(at),
                actor,
                action,
                target_type,
                target_id,
                outcome,
                ip: ip.filter(|_| own),
                user_agent: ua.filter(|_| own),
            }
        })
        .collect();
    events.reverse();

    Ok(PersonExport {
        kind: KIND,
        version: VERSION,
        organisation: tenant.slug().as_str().to_string(),
        exported_at: time(clock.now_ms()),
        exported_by: actor.encode(),
        person,
        employments,
        accounts,
        sessions,
        talks,
        talks_as_manager,
        private_notes,
        logbook: LogbookData { truncated, events },
    })
}

fn talk_error(e: crate::core::talks::TalkError) -> GdprError {
    use crate::core::talks::TalkError;
    match e {
        TalkError::Db(d) => GdprError::Db(d),
        TalkError::Crypto(c) => GdprError::Crypto(c),
        TalkError::Logbook(l) => GdprError::Logbook(l),
        other => GdprError::Talk(other.to_string()),
    }
}

impl PersonExport {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Whether `typed` is the personnummer of `person_id` (by blind index): an admin's export is
/// confirmed by the number the person's request names, as an erasure is.
pub async fn check_number(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    person_id: &str,
    typed: &crate::model::personnummer::Personnummer,
) -> Result<(), GdprError> {
    let index = crate::core::people::pnr_index(tenant, clock, typed).await?;
    let stored: Option<(String,)> = sqlx::query_as("SELECT pnr_index FROM persons WHERE id = $1")
        .bind(person_id)
        .fetch_optional(tenant.db().pool())
        .await?;
    match stored {
        None => Err(GdprError::NoSuchPerson),
        Some((s,)) if s == index => Ok(()),
        Some(_) => Err(super::wrong_number(tenant, clock, actor, origin, Action::PersonExported, person_id).await),
    }
}
