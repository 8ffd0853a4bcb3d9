use leptos::{prelude::*, server_fn::codec::StreamingText};

use crate::error::AppError;

/// The most events one export from the page holds.
pub const MAX_ROWS: i64 = 100_000;

/// The filtered logbook as a CSV file (`Content-Disposition: attachment`, never cached), so a
/// plain form post downloads it and the page stays. The export is logged before the data is
/// returned. Admins only. A refused filter sends a plain post back to the logbook with its code.
#[server(endpoint = "admin/logbook_csv", output = StreamingText)]
pub async fn logbook_csv(
    from: String,
    to: String,
    action: String,
    user: String,
) -> Result<leptos::server_fn::codec::TextStream<AppError>, AppError> {
    let result = csv(&from, &to, &action, &user).await;
    if let Err(e) = &result {
        super::super::redirect_form_post(&format!("/admin/logbook?{}", e.to_query()));
    }
    let csv = result?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        use http::{header, HeaderValue};
        res.insert_header(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
        res.insert_header(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"samtal-logbook.csv\""),
        );
        res.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        // server_fn answers every plain form post with a redirect back; a download answers
        // with the file itself, and the page it came from stays (the server drops the
        // `Location` such a 200 would still carry).
        res.set_status(http::StatusCode::OK);
    }
    Ok(leptos::server_fn::codec::TextStream::new(futures::stream::once(async move { Ok(csv) })))
}

#[cfg(feature = "ssr")]
async fn csv(from: &str, to: &str, action: &str, user: &str) -> Result<String, AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        clock::SystemClock,
        logbook::{self, Action, Event, Id, Outcome, TargetType},
    };
    let (tenant, admin) = super::super::require(Need::Role(Role::Admin)).await?;
    let mut f = super::logbook_entries::filter(from, to, action, user)?;
    // The answer is one value in memory: bounded, and built row by row as the events stream in
    // (never all events and their text at once). Longer periods go through the streaming
    // `samtal logbook export`.
    f.limit = Some(MAX_ROWS + 1);
    let mut csv = String::from(logbook::CSV_HEADER);
    csv.push('\n');
    let mut rows = 0i64;
    logbook::for_each(&tenant, &f, |e| {
        rows += 1;
        if rows <= MAX_ROWS {
            csv.push_str(&logbook::csv_row(&e));
            csv.push('\n');
        }
        Ok::<_, logbook::LogbookError>(())
    })
    .await
    .map_err(super::super::internal)?;
    if rows > MAX_ROWS {
        return Err(AppError::Invalid(crate::error::Problem::TooManyEvents { max: MAX_ROWS as u32 }));
    }
    let period = format!("{}-{}", from.replace('-', ""), to.replace('-', ""));
    let mut event = Event::new(admin.actor(), Action::LogbookExported, Outcome::Success).origin(super::super::origin());
    if let Ok(id) = Id::parse(period.trim_matches('-')) {
        event = event.target(TargetType::Logbook, id);
    }
    // Logged before the data leaves.
    logbook::record(&tenant, &SystemClock, &event).await.map_err(super::super::internal)?;
    Ok(csv)
}
