//! How an account stands to a talk (the one guard decides with it: `auth::guard::Need::Talk*`).
use super::TalkError;
use crate::{
    core::{
        auth::{guard::TalkParty, users::User, Role},
        people::access::{line_of, person_of},
        tenancy::Tenant,
    },
    model::talks::{Side, Status, TemplateBody},
};

/// A talk's row with its round's questions and dates: no texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Talk {
    pub id: String,
    pub round_id: String,
    pub round_title: String,
    pub body: TemplateBody,
    pub ends_on: String,
    pub person_id: String,
    pub manager_person_id: Option<String>,
    pub status: Status,
    pub scheduled_at: Option<i64>,
    pub duration_min: Option<i64>,
    pub employee_ready_at: Option<i64>,
    /// The employee was asked to confirm before she marked her preparation ready: it stays
    /// hers and can no longer change.
    pub employee_closed_at: Option<i64>,
    pub manager_ready_at: Option<i64>,
    pub asked_at: Option<i64>,
    pub signed_at: Option<i64>,
    pub version: i64,
}

type TalkRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
);

pub(crate) const TALK_SQL: &str =
    "SELECT t.id, t.round_id, r.title, r.body, r.ends_on, t.person_id, t.manager_person_id, \
     t.status, t.scheduled_at, t.duration_min, t.employee_ready_at, t.employee_closed_at, t.manager_ready_at, t.asked_at, t.signed_at, \
     t.version FROM talks t JOIN talk_rounds r ON r.id = t.round_id WHERE t.id = $1";

pub(crate) fn talk_from(row: TalkRow) -> Result<Talk, TalkError> {
    let (
        id,
        round_id,
        round_title,
        body,
        ends_on,
        person_id,
        manager_person_id,
        status,
        scheduled_at,
        duration_min,
        er,
        closed,
        mr,
        asked,
        signed,
        version,
    ) = row;
    Ok(Talk {
        id,
        round_id,
        round_title,
        body: serde_json::from_str(&body).map_err(|e| TalkError::Db(sqlx::Error::Decode(Box::new(e))))?,
        ends_on,
        person_id,
        manager_person_id,
        status: Status::parse(&status).ok_or(TalkError::Db(sqlx::Error::Protocol("talk status".into())))?,
        scheduled_at,
        duration_min,
        employee_ready_at: er,
        employee_closed_at: closed,
        manager_ready_at: mr,
        asked_at: asked,
        signed_at: signed,
        version,
    })
}

pub async fn load(tenant: &Tenant, talk_id: &str) -> Result<Talk, TalkError> {
    let row: Option<TalkRow> = sqlx::query_as(TALK_SQL).bind(talk_id).fetch_optional(tenant.db().pool()).await?;
    talk_from(row.ok_or(TalkError::NoSuchTalk)?)
}

pub(crate) async fn load_in(tx: &mut sqlx::Transaction<'static, sqlx::Any>, talk_id: &str) -> Result<Talk, TalkError> {
    let row: Option<TalkRow> = sqlx::query_as(TALK_SQL).bind(talk_id).fetch_optional(&mut **tx).await?;
    talk_from(row.ok_or(TalkError::NoSuchTalk)?)
}

/// The account's standing to `talk`, and the person it acts as (if linked to one). The talk's
/// manager stands as its manager only while the employee is in their reporting line (`today`);
/// the guard adds what the role allows (`auth::guard::Need::Talk*`).
pub async fn party(
    tenant: &Tenant,
    user: &User,
    talk: &Talk,
    today: &str,
) -> Result<(TalkParty, Option<String>), TalkError> {
    let Some(me) = person_of(tenant, &user.id).await.map_err(people)? else {
        return Ok((TalkParty::default(), None));
    };
    let employee = talk.person_id == me;
    let in_line = !employee
        && user.role >= Role::Manager
        && line_of(tenant, &me, today).await.map_err(people)?.contains(&talk.person_id);
    let manager = in_line && talk.manager_person_id.as_deref() == Some(me.as_str());
    let line = in_line && !manager;
    Ok((TalkParty { employee, manager, line }, Some(me)))
}

/// The side a party writes as: the employee, or the manager who holds the talk (whom the guard
/// has let through as such).
pub fn side(p: &TalkParty) -> Option<Side> {
    if p.employee {
        Some(Side::Employee)
    } else if p.manager {
        Some(Side::Manager)
    } else {
        None
    }
}

fn people(e: crate::core::people::PeopleError) -> TalkError {
    match e {
        crate::core::people::PeopleError::Db(e) => TalkError::Db(e),
        other => TalkError::Db(sqlx::Error::Protocol(other.to_string())),
    }
}
