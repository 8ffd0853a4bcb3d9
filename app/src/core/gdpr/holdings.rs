//! What the person chain holds about one person, as counts per kind: what an admin sees before
//! an erasure and what the receipt lists after it. Never the content.
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::GdprError;
use crate::core::tenancy::Tenant;

/// Counts per kind. `erased` kinds go with the person; `kept` kinds stay without them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holdings {
    pub employments: i64,
    pub talks: i64,
    /// Answers, shared notes, agreed actions and comments of the person's own talks.
    pub talk_texts: i64,
    /// Private notes on the person's talks, and those the person wrote as a manager.
    pub private_notes: i64,
    pub addenda: i64,
    pub accounts: i64,
    pub sessions: i64,
    pub sign_in_links: i64,
    pub password_history: i64,
    pub import_drafts: i64,
    /// Kept: logbook events naming the person, their accounts, talks or employments (ids only).
    pub logbook_events: i64,
    /// Kept: other people's talks the person held as manager (they keep no manager).
    pub talks_as_manager: i64,
    /// Kept: other people's employments the person managed (they keep no manager).
    pub employments_managed: i64,
    /// Kept: addenda the person wrote on other people's talks (they keep no author).
    pub addenda_written: i64,
}

impl Holdings {
    /// What an erasure deletes, by kind, in a fixed order.
    pub fn erased(&self) -> Vec<(&'static str, i64)> {
        vec![
            ("person", 1),
            ("employments", self.employments),
            ("talks", self.talks),
            ("talk_texts", self.talk_texts),
            ("private_notes", self.private_notes),
            ("addenda", self.addenda),
            ("accounts", self.accounts),
            ("sessions", self.sessions),
            ("sign_in_links", self.sign_in_links),
            ("password_history", self.password_history),
            ("import_drafts", self.import_drafts),
        ]
    }
    /// What stays, by kind: none of it names the person.
    pub fn kept(&self) -> Vec<(&'static str, i64)> {
        vec![
            ("logbook_events", self.logbook_events),
            ("talks_as_manager", self.talks_as_manager),
            ("employments_managed", self.employments_managed),
            ("addenda_written", self.addenda_written),
            ("remnant_employments", self.employments),
        ]
    }
}

const THEIR_TALKS: &str = "SELECT id FROM talks WHERE person_id = $1";
const THEIR_ACCOUNTS: &str = "SELECT id FROM users WHERE person_id = $1";

/// The logbook events about person `$1`: naming them, one of their accounts, talks or
/// employments, or done by one of their accounts.
pub(super) fn about_them() -> String {
    format!(
        "(target_type = 'person' AND target_id = $1) \
         OR (target_type = 'user' AND target_id IN ({THEIR_ACCOUNTS})) \
         OR (target_type = 'talk' AND target_id IN ({THEIR_TALKS})) \
         OR (target_type = 'employment' AND target_id IN (SELECT id FROM employments WHERE person_id = $1)) \
         OR actor IN (SELECT 'user:' || id FROM users WHERE person_id = $1)"
    )
}

/// The counts for `person_id`, on `conn` (inside the erasure's transaction, or on its own).
pub async fn holdings_on(conn: &mut AnyConnection, person_id: &str) -> Result<Holdings, GdprError> {
    let queries = [
        "SELECT COUNT(*) FROM employments WHERE person_id = $1".to_string(),
        "SELECT COUNT(*) FROM talks WHERE person_id = $1".to_string(),
        format!("SELECT COUNT(*) FROM talk_texts WHERE talk_id IN ({THEIR_TALKS})"),
        format!(
            "SELECT COUNT(*) FROM talk_private_notes WHERE author_person_id = $1 OR talk_id IN ({THEIR_TALKS}) \
             OR author_user_id IN ({THEIR_ACCOUNTS})"
        ),
        format!("SELECT COUNT(*) FROM talk_addenda WHERE talk_id IN ({THEIR_TALKS})"),
        "SELECT COUNT(*) FROM users WHERE person_id = $1".to_string(),
        format!("SELECT COUNT(*) FROM sessions WHERE user_id IN ({THEIR_ACCOUNTS})"),
        format!("SELECT COUNT(*) FROM auth_tokens WHERE user_id IN ({THEIR_ACCOUNTS})"),
        format!("SELECT COUNT(*) FROM password_history WHERE user_id IN ({THEIR_ACCOUNTS})"),
        format!("SELECT COUNT(*) FROM import_drafts WHERE user_id IN ({THEIR_ACCOUNTS})"),
        format!("SELECT COUNT(*) FROM logbook WHERE {}", about_them()),
        "SELECT COUNT(*) FROM talks WHERE manager_person_id = $1".to_string(),
        "SELECT COUNT(*) FROM employments WHERE manager_person_id = $1 AND person_id <> $1".to_string(),
        format!("SELECT COUNT(*) FROM talk_addenda WHERE author_person_id = $1 AND talk_id NOT IN ({THEIR_TALKS})"),
    ];
    // One round trip: the person's page shows these on every admin view.
    let sql = format!("SELECT {}", queries.iter().map(|q| format!("({q})")).collect::<Vec<_>>().join(", "));
    type Counts = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);
    let n: Counts = sqlx::query_as(&sql).bind(person_id).fetch_one(&mut *conn).await?;
    let (
        employments,
        talks,
        talk_texts,
        private_notes,
        addenda,
        accounts,
        sessions,
        sign_in_links,
        password_history,
        import_drafts,
        logbook_events,
        talks_as_manager,
        employments_managed,
        addenda_written,
    ) = n;
    Ok(Holdings {
        employments,
        talks,
        talk_texts,
        private_notes,
        addenda,
        accounts,
        sessions,
        sign_in_links,
        password_history,
        import_drafts,
        logbook_events,
        talks_as_manager,
        employments_managed,
        addenda_written,
    })
}

/// The counts for a registered person; [`GdprError::NoSuchPerson`] for anyone else.
pub async fn holdings(tenant: &Tenant, person_id: &str) -> Result<Holdings, GdprError> {
    let mut conn = tenant.db().pool().acquire().await?;
    let found: Option<(String,)> =
        sqlx::query_as("SELECT id FROM persons WHERE id = $1").bind(person_id).fetch_optional(&mut *conn).await?;
    if found.is_none() {
        return Err(GdprError::NoSuchPerson);
    }
    holdings_on(&mut conn, person_id).await
}
