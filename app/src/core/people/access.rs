//! Whose records an account reaches: an admin everyone; a manager their own and everyone in
//! their reporting line, direct and indirect (through current employments' managers); an
//! employee only their own. Computed per request from the database, then decided by the one
//! guard (`auth::guard::Need::Person`).
use std::collections::HashSet;

use super::PeopleError;
use crate::core::{
    auth::{guard::Reach, users::User, Role},
    tenancy::Tenant,
};

/// The recursive part of a reporting line: the people whose current employment (started, not
/// ended) names someone already in the line as manager. `UNION` (not `UNION ALL`) ends on a
/// cycle. `$1` is the root person, `$2` today's date.
pub(crate) const LINE_CTE: &str = "WITH RECURSIVE line(id) AS (\
     SELECT CAST($1 AS TEXT) \
     UNION SELECT e.person_id FROM employments e JOIN line l ON e.manager_person_id = l.id \
     WHERE e.start_date <= $2 AND (e.end_date IS NULL OR e.end_date >= $2))";

/// The same over every employment that has not ended, future ones too: what a new manager must
/// not be in, so that no reporting line ever becomes a circle.
const LINE_ANY_CTE: &str = "WITH RECURSIVE line(id) AS (\
     SELECT CAST($1 AS TEXT) \
     UNION SELECT e.person_id FROM employments e JOIN line l ON e.manager_person_id = l.id \
     WHERE e.end_date IS NULL OR e.end_date >= $2)";

/// Which part of the register a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lens {
    Everyone,
    /// The person and their reporting line.
    LineOf(String),
    /// Only this person.
    Myself(String),
    /// An account linked to no person reaches nobody.
    Nobody,
}

/// The person an account belongs to, if it is linked to one.
pub async fn person_of(tenant: &Tenant, user_id: &str) -> Result<Option<String>, PeopleError> {
    let row: Option<(Option<String>,)> = sqlx::query_as("SELECT person_id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(tenant.db().pool())
        .await?;
    Ok(row.and_then(|(p,)| p))
}

pub async fn lens(tenant: &Tenant, user: &User) -> Result<Lens, PeopleError> {
    if user.role == Role::Admin {
        return Ok(Lens::Everyone);
    }
    Ok(match (person_of(tenant, &user.id).await?, user.role) {
        (None, _) => Lens::Nobody,
        (Some(me), Role::Manager) => Lens::LineOf(me),
        (Some(me), _) => Lens::Myself(me),
    })
}

/// The people `root` manages, directly or not, and `root` itself, as of `today`.
pub async fn line_of(tenant: &Tenant, root: &str, today: &str) -> Result<HashSet<String>, PeopleError> {
    let ids: Vec<(String,)> = sqlx::query_as(&format!("{LINE_CTE} SELECT id FROM line"))
        .bind(root)
        .bind(today)
        .fetch_all(tenant.db().pool())
        .await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// Everyone below `root` through employments that have not ended (started or not), and `root`,
/// as the transaction `tx` sees them.
pub(crate) async fn below_of(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    root: &str,
    today: &str,
) -> Result<HashSet<String>, PeopleError> {
    let ids: Vec<(String,)> = sqlx::query_as(&format!("{LINE_ANY_CTE} SELECT id FROM line"))
        .bind(root)
        .bind(today)
        .fetch_all(&mut **tx)
        .await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// What the guard decides a person's record by.
pub async fn reach(tenant: &Tenant, user: &User, today: &str) -> Result<Reach, PeopleError> {
    Ok(match lens(tenant, user).await? {
        Lens::Everyone => Reach::Everyone,
        Lens::LineOf(me) => Reach::Only(line_of(tenant, &me, today).await?),
        Lens::Myself(me) => Reach::Only(std::iter::once(me).collect()),
        Lens::Nobody => Reach::Only(HashSet::new()),
    })
}

/// Links an account to a person (or, `None`, unlinks it): what the account then reaches is
/// decided by that person's place in the reporting line. One account per person. Logged on
/// the person (ids only).
pub async fn link_account(
    tenant: &Tenant,
    clock: &dyn crate::core::clock::Clock,
    actor: crate::core::logbook::Actor,
    user_id: &str,
    person_id: Option<&str>,
) -> Result<(), PeopleError> {
    use crate::core::logbook::{self, Action, Event, Outcome, TargetType};
    let mut tx = tenant.db().pool().begin().await?;
    let done = sqlx::query("UPDATE users SET person_id = $1 WHERE id = $2")
        .bind(person_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(|e| match e.as_database_error() {
            Some(d) if d.is_unique_violation() => PeopleError::AccountTaken,
            Some(d) if d.is_foreign_key_violation() => PeopleError::NoSuchPerson,
            _ => PeopleError::Db(e),
        })?;
    if done.rows_affected() != 1 {
        return Err(PeopleError::NoSuchAccount);
    }
    // Linking and unlinking both change what the account reaches: logged on the account.
    let event = Event::new(actor, Action::PersonUpdated, Outcome::Success)
        .target(TargetType::User, logbook::Id::parse(user_id).map_err(|_| PeopleError::NoSuchAccount)?);
    logbook::append(&mut tx, tenant, clock, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// The account linked to a person, if any.
pub async fn account_of(tenant: &Tenant, person_id: &str) -> Result<Option<User>, PeopleError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE person_id = $1")
        .bind(person_id)
        .fetch_optional(tenant.db().pool())
        .await?;
    match row {
        Some((id,)) => Ok(crate::core::auth::users::by_id(tenant, &id)
            .await
            .map_err(|e| PeopleError::Db(sqlx::Error::Protocol(e.to_string())))?),
        None => Ok(None),
    }
}
