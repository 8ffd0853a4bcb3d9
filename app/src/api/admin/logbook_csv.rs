use leptos::prelude::*;

use crate::error::AppError;

/// The most events one export from the page holds.
pub const MAX_ROWS: i64 = 100_000;

/// The filtered logbook as CSV. The export is logged before the data is returned. Admins only.
#[server(endpoint = "admin/logbook_csv")]
pub async fn logbook_csv(from: String, to: String, action: String, user: String) -> Result<String, AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        clock::SystemClock,
        logbook::{self, Action, Event, Id, Outcome, TargetType},
    };
    let (tenant, admin) = super::super::require(Need::Role(Role::Admin)).await?;
    let mut f = super::logbook_entries::filter(&from, &to, &action, &user)?;
    // The answer is one value in memory: bounded. Longer periods go through the streaming
    // `samtal logbook export`.
    f.limit = Some(MAX_ROWS + 1);
    let events = logbook::list(&tenant, &f).await.map_err(super::super::internal)?;
    if events.len() as i64 > MAX_ROWS {
        return Err(AppError::Invalid(format!(
            "More than {MAX_ROWS} events match. Choose a shorter period or fewer actions and export again."
        )));
    }
    let period = format!("{}-{}", from.replace('-', ""), to.replace('-', ""));
    let mut event = Event::new(admin.actor(), Action::LogbookExported, Outcome::Success).origin(super::super::origin());
    if let Ok(id) = Id::parse(period.trim_matches('-')) {
        event = event.target(TargetType::Logbook, id);
    }
    logbook::record(&tenant, &SystemClock, &event).await.map_err(super::super::internal)?;
    let mut csv = String::from(logbook::CSV_HEADER);
    csv.push('\n');
    for e in &events {
        csv.push_str(&logbook::csv_row(e));
        csv.push('\n');
    }
    Ok(csv)
}
