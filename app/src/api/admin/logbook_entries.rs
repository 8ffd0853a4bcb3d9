use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRow {
    pub seq: i64,
    pub at_unix: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub outcome: String,
    pub ip: String,
    /// 1, or how many repeated refusals this summary row stands for.
    pub repeats: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogPage {
    pub rows: Vec<LogRow>,
    pub has_more: bool,
}

pub const PAGE_SIZE: i64 = 50;

#[cfg(feature = "ssr")]
pub(crate) fn filter(from: &str, to: &str, action: &str, user: &str) -> Result<crate::core::logbook::Filter, AppError> {
    use crate::{
        core::logbook::{Action, Filter},
        model::format::parse_iso_date,
    };
    let date = |s: &str| -> Result<Option<i64>, AppError> {
        if s.is_empty() {
            return Ok(None);
        }
        parse_iso_date(s).map(|d| Some(d * 1000)).ok_or(AppError::Invalid(crate::error::Problem::BadDate))
    };
    let action = if action.is_empty() {
        None
    } else {
        Some(Action::parse(action).ok_or(AppError::Invalid(crate::error::Problem::UnknownAction))?)
    };
    let actor = if user.is_empty() {
        None
    } else {
        crate::core::logbook::Id::parse(user).map_err(|_| AppError::BadRequest)?;
        Some(format!("user:{user}"))
    };
    Ok(Filter { from_ms: date(from)?, to_ms: date(to)?.map(|t| t + 86_400_000), action, actor, ..Filter::default() })
}

/// One page of the logbook, newest first, filtered by date (inclusive), action and user.
/// Admins only.
#[server(endpoint = "admin/logbook_entries")]
pub async fn logbook_entries(
    from: String,
    to: String,
    action: String,
    user: String,
    page: u32,
) -> Result<LogPage, AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        logbook,
    };
    let (tenant, _) = super::super::require(Need::Role(Role::Admin)).await?;
    let mut f = filter(&from, &to, &action, &user)?;
    f.newest_first = true;
    // One row past the page tells whether an older page exists.
    f.limit = Some(PAGE_SIZE + 1);
    f.offset = Some(PAGE_SIZE * i64::from(page.min(100_000)));
    let mut rows = logbook::list(&tenant, &f).await.map_err(super::super::internal)?;
    let has_more = rows.len() > PAGE_SIZE as usize;
    rows.truncate(PAGE_SIZE as usize);
    let rows = rows
        .into_iter()
        .map(|e| LogRow {
            seq: e.seq,
            at_unix: e.at_ms.div_euclid(1000),
            actor: e.actor,
            action: e.action,
            target: match (e.target_type, e.target_id) {
                (Some(t), Some(i)) => format!("{t}:{i}"),
                _ => String::new(),
            },
            outcome: e.outcome,
            ip: e.ip.unwrap_or_default(),
            repeats: e.repeats,
        })
        .collect();
    Ok(LogPage { rows, has_more })
}
