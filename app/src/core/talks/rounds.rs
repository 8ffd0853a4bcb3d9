//! Rounds: a template rolled out to a unit and every unit below it for a date range, one talk
//! per person employed there with the manager they have at that moment. What an admin sees of
//! a round is statuses, names and dates, never a text.
use std::collections::BTreeMap;

use super::{clean_line, log_id, new_id, talk, templates, TalkError};
use crate::{
    core::{
        clock::Clock,
        logbook::{self, Action, Actor, Event, Origin, Outcome, TargetType},
        tenancy::Tenant,
    },
    model::{
        format::parse_iso_date,
        talks::{RolledOut, RoundRow, RoundView, Status, UnitProgress},
    },
};

/// The most talks one round makes: a bound on one request's work (an organisation larger than
/// this rolls out per unit).
pub const MAX_TALKS: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRound {
    pub title: String,
    pub template_id: String,
    pub unit_id: String,
    pub starts_on: String,
    pub ends_on: String,
}

/// Rolls a template out. One transaction: every talk or none. People without a current manager
/// get no talk and are counted in the answer.
pub async fn roll_out(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    new: &NewRound,
    today: &str,
) -> Result<RolledOut, TalkError> {
    let title = clean_line(&new.title, 200).ok_or(TalkError::InvalidTitle)?;
    let (start, end) = (new.starts_on.trim(), new.ends_on.trim());
    if parse_iso_date(start).is_none() || parse_iso_date(end).is_none() || end < start {
        return Err(TalkError::InvalidDates);
    }
    let template = templates::get(tenant, &new.template_id).await?;
    if template.body.questions().next().is_none() {
        return Err(TalkError::EmptyTemplate);
    }
    let round_id = new_id()?;
    let now = clock.now_ms();
    let mut tx = tenant.db().pool().begin().await?;
    let event = Event::new(actor, Action::TalkRoundCreated, Outcome::Success)
        .target(TargetType::TalkRound, log_id(&round_id)?)
        .origin(origin);
    logbook::append(&mut tx, tenant, clock, &event).await?;
    let unit: Option<(String,)> =
        sqlx::query_as("SELECT id FROM org_units WHERE id = $1").bind(&new.unit_id).fetch_optional(&mut *tx).await?;
    if unit.is_none() {
        return Err(TalkError::NoSuchUnit);
    }
    sqlx::query(
        "INSERT INTO talk_rounds (id, title, template_id, body, unit_id, starts_on, ends_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&round_id)
    .bind(&title)
    .bind(&template.id)
    .bind(templates::body_json(&template.body)?)
    .bind(&new.unit_id)
    .bind(start)
    .bind(end)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(|e| match e.as_database_error() {
        Some(d) if d.is_unique_violation() => TalkError::DuplicateRound,
        _ => TalkError::Db(e),
    })?;
    // Current employments in the unit and below; a person with several gets one talk, with the
    // manager of the employment that started last.
    let rows: Vec<(String, Option<String>, String, String)> = sqlx::query_as(
        "WITH RECURSIVE sub(id) AS (SELECT CAST($1 AS TEXT) \
           UNION SELECT u.id FROM org_units u JOIN sub ON u.parent_id = sub.id) \
         SELECT e.person_id, e.manager_person_id, e.unit_id, e.start_date FROM employments e \
         WHERE e.unit_id IN (SELECT id FROM sub) AND e.start_date <= $2 AND (e.end_date IS NULL OR e.end_date >= $2) \
         ORDER BY e.person_id, e.start_date DESC, e.id",
    )
    .bind(&new.unit_id)
    .bind(today)
    .fetch_all(&mut *tx)
    .await?;
    let mut chosen: BTreeMap<String, (Option<String>, String)> = BTreeMap::new();
    for (person, manager, unit, _) in rows {
        chosen.entry(person).or_insert((manager, unit));
    }
    if chosen.len() > MAX_TALKS {
        return Err(TalkError::RoundTooLarge);
    }
    let (mut talks, mut without_manager) = (0u32, 0u32);
    for (person, (manager, unit)) in chosen {
        let Some(manager) = manager else {
            without_manager += 1;
            continue;
        };
        sqlx::query(
            "INSERT INTO talks (id, round_id, person_id, manager_person_id, unit_id, status, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'not_started', 1, $6, $6)",
        )
        .bind(new_id()?)
        .bind(&round_id)
        .bind(&person)
        .bind(&manager)
        .bind(&unit)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        talks += 1;
    }
    tx.commit().await?;
    Ok(RolledOut { round_id, talks, without_manager })
}

pub async fn list(tenant: &Tenant) -> Result<Vec<RoundRow>, TalkError> {
    let rows: Vec<(String, String, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT r.id, r.title, u.name, r.starts_on, r.ends_on, \
           (SELECT COUNT(*) FROM talks t WHERE t.round_id = r.id), \
           (SELECT COUNT(*) FROM talks t WHERE t.round_id = r.id AND t.status = 'completed') \
         FROM talk_rounds r JOIN org_units u ON u.id = r.unit_id ORDER BY r.starts_on DESC, r.id",
    )
    .fetch_all(tenant.db().pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, unit, starts_on, ends_on, talks, completed)| RoundRow {
            id,
            title,
            unit,
            starts_on,
            ends_on,
            talks: talks as u32,
            completed: completed as u32,
        })
        .collect())
}

/// The most talks a round's page lists (the counts per unit cover them all).
pub const MAX_LISTED: usize = 500;

/// A round's progress per unit and its talks: statuses and dates only.
pub async fn view(tenant: &Tenant, id: &str, today: &str) -> Result<RoundView, TalkError> {
    let head: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT r.title, u.name, r.starts_on, r.ends_on FROM talk_rounds r JOIN org_units u ON u.id = r.unit_id WHERE r.id = $1",
    )
    .bind(id)
    .fetch_optional(tenant.db().pool())
    .await?;
    let (title, unit, starts_on, ends_on) = head.ok_or(TalkError::NoSuchRound)?;
    // By unit id (two units may share a name), shown by name.
    let counts: Vec<(Option<String>, Option<String>, String, i64)> = sqlx::query_as(
        "SELECT t.unit_id, u.name, t.status, COUNT(*) FROM talks t LEFT JOIN org_units u ON u.id = t.unit_id \
         WHERE t.round_id = $1 GROUP BY t.unit_id, u.name, t.status",
    )
    .bind(id)
    .fetch_all(tenant.db().pool())
    .await?;
    let mut units: BTreeMap<(String, String), UnitProgress> = BTreeMap::new();
    for (unit_id, name, status, n) in counts {
        let name = name.unwrap_or_else(|| "–".into());
        let key = (name.clone(), unit_id.unwrap_or_default());
        let p = units.entry(key).or_insert_with(|| UnitProgress {
            unit: name,
            not_started: 0,
            started: 0,
            waiting: 0,
            completed: 0,
        });
        let n = n as u32;
        match Status::parse(&status) {
            Some(Status::NotStarted) | None => p.not_started += n,
            Some(Status::Started) => p.started += n,
            Some(Status::Waiting) => p.waiting += n,
            Some(Status::Completed) => p.completed += n,
        }
    }
    let rows: Vec<talk::Row> = sqlx::query_as(&format!(
        "{} WHERE t.round_id = $1 ORDER BY e.name_key, t.id LIMIT {}",
        talk::LIST_SQL,
        MAX_LISTED + 1
    ))
    .bind(id)
    .fetch_all(tenant.db().pool())
    .await?;
    let mut talks = talk::rows(rows);
    // Which talks' employees have another manager today (for the admin to hand them on).
    let changed: Vec<(String,)> = sqlx::query_as(
        "SELECT t.id FROM talks t WHERE t.round_id = $1 AND t.status <> 'completed' AND \
         COALESCE(t.manager_person_id, '') <> COALESCE((SELECT e.manager_person_id FROM employments e \
           WHERE e.person_id = t.person_id AND e.start_date <= $2 AND (e.end_date IS NULL OR e.end_date >= $2) \
           ORDER BY e.start_date DESC, e.id LIMIT 1), '')",
    )
    .bind(id)
    .bind(today)
    .fetch_all(tenant.db().pool())
    .await?;
    for row in &mut talks {
        row.manager_changed = changed.iter().any(|(c,)| c == &row.id);
    }
    Ok(RoundView {
        id: id.to_string(),
        title,
        unit,
        starts_on,
        ends_on,
        units: units.into_values().collect(),
        more: talks.len() > MAX_LISTED,
        talks: talks.into_iter().take(MAX_LISTED).collect(),
    })
}

/// Hands a talk not yet signed off to the employee's manager of today. Logged; no text read.
pub async fn reassign(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    talk_id: &str,
    today: &str,
) -> Result<(), TalkError> {
    let mut tx = tenant.db().pool().begin().await?;
    let event = Event::new(actor, Action::TalkReassigned, Outcome::Success)
        .target(TargetType::Talk, log_id(talk_id)?)
        .origin(origin);
    logbook::append(&mut tx, tenant, clock, &event).await?;
    let t = super::access::load_in(&mut tx, talk_id).await?;
    match t.status {
        Status::Completed => return Err(TalkError::Locked),
        // The employee is reading what the old manager asked her to confirm.
        Status::Waiting => return Err(TalkError::IllegalMove),
        _ => {}
    }
    let manager: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT manager_person_id FROM employments WHERE person_id = $1 AND start_date <= $2 \
         AND (end_date IS NULL OR end_date >= $2) ORDER BY start_date DESC, id LIMIT 1",
    )
    .bind(&t.person_id)
    .bind(today)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((Some(manager),)) = manager else {
        return Err(TalkError::NoManager);
    };
    if t.manager_person_id.as_deref() == Some(manager.as_str()) {
        return Ok(());
    }
    // The new manager's preparation starts unready; an open page of the talk is out of date.
    sqlx::query(
        "UPDATE talks SET manager_person_id = $1, manager_ready_at = NULL, version = version + 1, updated_at = $2 \
         WHERE id = $3",
    )
    .bind(&manager)
    .bind(clock.now_ms())
    .bind(&t.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
