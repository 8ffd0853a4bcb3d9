//! Organisational units: a tree that can be renamed and rearranged, never into a cycle. A unit
//! with units or employments under it cannot be deleted (the schema's RESTRICT says so too).
use super::{new_id, PeopleError};
use crate::core::{
    clock::Clock,
    logbook::{self, Action, Actor, Event, Id, Origin, Outcome, TargetType},
    tenancy::Tenant,
};

/// Deeper trees than this are refused: a bound on every walk up the tree.
pub const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
    /// People with a current employment in the unit itself.
    pub people: i64,
}

fn valid_unit_name(name: &str) -> Result<String, PeopleError> {
    let name = name.trim();
    let len = name.chars().count();
    if len == 0 || len > 100 || name.chars().any(char::is_control) {
        return Err(PeopleError::InvalidUnitName);
    }
    Ok(name.to_string())
}

fn unit_id(id: &str) -> Result<Id, PeopleError> {
    Id::parse(id).map_err(|_| PeopleError::NoSuchUnit)
}

/// Every unit, parents before children, siblings by name.
pub async fn tree(tenant: &Tenant, today: &str) -> Result<Vec<(usize, Unit)>, PeopleError> {
    let rows: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT u.id, u.name, u.parent_id, \
         (SELECT COUNT(*) FROM employments e WHERE e.unit_id = u.id AND e.start_date <= $1 \
         AND (e.end_date IS NULL OR e.end_date >= $1)) \
         FROM org_units u ORDER BY u.name, u.id",
    )
    .bind(today)
    .fetch_all(tenant.db().pool())
    .await?;
    let units: Vec<Unit> =
        rows.into_iter().map(|(id, name, parent_id, people)| Unit { id, name, parent_id, people }).collect();
    let mut out = Vec::with_capacity(units.len());
    fn walk(units: &[Unit], parent: Option<&str>, depth: usize, out: &mut Vec<(usize, Unit)>) {
        for u in units.iter().filter(|u| u.parent_id.as_deref() == parent) {
            out.push((depth, u.clone()));
            if depth < MAX_DEPTH {
                walk(units, Some(&u.id), depth + 1, out);
            }
        }
    }
    walk(&units, None, 0, &mut out);
    Ok(out)
}

/// The chain of units from `id` up to the root, `id` first.
async fn ancestors(tx: &mut sqlx::Transaction<'static, sqlx::Any>, id: &str) -> Result<Vec<String>, PeopleError> {
    let mut chain = vec![id.to_string()];
    let mut at = id.to_string();
    loop {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT parent_id FROM org_units WHERE id = $1").bind(&at).fetch_optional(&mut **tx).await?;
        match row {
            None => return Err(PeopleError::NoSuchUnit),
            Some((None,)) => return Ok(chain),
            Some((Some(parent),)) => {
                if chain.contains(&parent) || chain.len() > MAX_DEPTH {
                    return Err(PeopleError::UnitCycle);
                }
                chain.push(parent.clone());
                at = parent;
            }
        }
    }
}

async fn log(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    action: Action,
    id: &str,
) -> Result<(), PeopleError> {
    let event = Event::new(actor, action, Outcome::Success).target(TargetType::OrgUnit, unit_id(id)?).origin(origin);
    logbook::append(tx, tenant, clock, &event).await?;
    Ok(())
}

/// A new unit under `parent` (or a new root); returns its id.
pub async fn create(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    name: &str,
    parent: Option<&str>,
) -> Result<String, PeopleError> {
    let name = valid_unit_name(name)?;
    let id = new_id()?;
    let mut tx = tenant.db().pool().begin().await?;
    if let Some(parent) = parent {
        if ancestors(&mut tx, parent).await?.len() >= MAX_DEPTH {
            return Err(PeopleError::UnitTooDeep);
        }
    }
    let now = clock.now_ms();
    sqlx::query("INSERT INTO org_units (id, name, parent_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(&id)
        .bind(&name)
        .bind(parent)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    log(&mut tx, tenant, clock, actor, origin, Action::OrgUnitCreated, &id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Renames a unit and moves it under `parent` (`None`: to the top). Moving a unit under itself or
/// one of its own units is refused and changes nothing.
pub async fn change(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    id: &str,
    name: &str,
    parent: Option<&str>,
) -> Result<(), PeopleError> {
    let name = valid_unit_name(name)?;
    let mut tx = tenant.db().pool().begin().await?;
    // Logged first: the append takes the logbook head's lock, so two moves at once run one after
    // the other and cannot close a circle between them.
    log(&mut tx, tenant, clock, actor, origin, Action::OrgUnitChanged, id).await?;
    let (exists,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM org_units WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
    if exists == 0 {
        return Err(PeopleError::NoSuchUnit);
    }
    if let Some(parent) = parent {
        let above = ancestors(&mut tx, parent).await?;
        if above.iter().any(|u| u == id) {
            return Err(PeopleError::UnitCycle);
        }
        if above.len() + subtree_depth(&mut tx, id).await? > MAX_DEPTH {
            return Err(PeopleError::UnitTooDeep);
        }
    }
    sqlx::query("UPDATE org_units SET name = $1, parent_id = $2, updated_at = $3 WHERE id = $4")
        .bind(&name)
        .bind(parent)
        .bind(clock.now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// How many levels the unit and its descendants span (1 for a leaf).
async fn subtree_depth(tx: &mut sqlx::Transaction<'static, sqlx::Any>, id: &str) -> Result<usize, PeopleError> {
    let mut level = vec![id.to_string()];
    let mut depth = 0;
    while !level.is_empty() && depth <= MAX_DEPTH {
        depth += 1;
        let mut next = Vec::new();
        for u in &level {
            let kids: Vec<(String,)> =
                sqlx::query_as("SELECT id FROM org_units WHERE parent_id = $1").bind(u).fetch_all(&mut **tx).await?;
            next.extend(kids.into_iter().map(|(k,)| k));
        }
        level = next;
    }
    Ok(depth)
}

/// Deletes an empty unit (no units, no employments, past or present).
pub async fn delete(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    id: &str,
) -> Result<(), PeopleError> {
    let mut tx = tenant.db().pool().begin().await?;
    let (kids,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM org_units WHERE parent_id = $1").bind(id).fetch_one(&mut *tx).await?;
    let (jobs,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM employments WHERE unit_id = $1").bind(id).fetch_one(&mut *tx).await?;
    // A talk round rolled out to the unit keeps it (its progress is shown by unit).
    let (rounds,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM talk_rounds WHERE unit_id = $1").bind(id).fetch_one(&mut *tx).await?;
    if kids + jobs + rounds > 0 {
        return Err(PeopleError::UnitNotEmpty);
    }
    let done = sqlx::query("DELETE FROM org_units WHERE id = $1").bind(id).execute(&mut *tx).await?;
    if done.rows_affected() != 1 {
        return Err(PeopleError::NoSuchUnit);
    }
    log(&mut tx, tenant, clock, actor, origin, Action::OrgUnitDeleted, id).await?;
    tx.commit().await?;
    Ok(())
}
