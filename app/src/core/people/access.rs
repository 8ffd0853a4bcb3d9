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

/// The recursive part of a reporting line: the people whose current employment names someone
/// already in the line as manager. `UNION` (not `UNION ALL`) ends on a cycle. `$1` is the root
/// person, `$2` today's date.
pub(crate) const LINE_CTE: &str = "WITH RECURSIVE line(id) AS (\
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

/// What the guard decides a person's record by.
pub async fn reach(tenant: &Tenant, user: &User, today: &str) -> Result<Reach, PeopleError> {
    Ok(match lens(tenant, user).await? {
        Lens::Everyone => Reach::Everyone,
        Lens::LineOf(me) => Reach::Only(line_of(tenant, &me, today).await?),
        Lens::Myself(me) => Reach::Only(std::iter::once(me).collect()),
        Lens::Nobody => Reach::Only(HashSet::new()),
    })
}
