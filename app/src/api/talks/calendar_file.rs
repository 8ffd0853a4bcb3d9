use leptos::{prelude::*, server_fn::codec::StreamingText};

use crate::error::AppError;

/// The talk's time as an `.ics` file for the caller's calendar (a plain form post downloads
/// it; `Cache-Control: no-store`; the file name holds no personal data). The talk's parties
/// only.
#[server(endpoint = "talks/calendar", output = StreamingText)]
pub async fn calendar_file(talk_id: String) -> Result<leptos::server_fn::codec::TextStream<AppError>, AppError> {
    let result = ics(&talk_id).await;
    if let Err(e) = &result {
        let back = super::talk_page(super::checked_id(&talk_id, crate::error::Problem::NoSuchTalk).unwrap_or_default());
        crate::api::redirect_form_post(&format!("{back}?{}", e.to_query()));
    }
    let ics = result?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        use http::{header, HeaderValue};
        res.insert_header(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
        res.insert_header(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"samtal.ics\""));
        res.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res.set_status(http::StatusCode::OK);
    }
    Ok(leptos::server_fn::codec::TextStream::new(futures::stream::once(async move { Ok(ics) })))
}

#[cfg(feature = "ssr")]
async fn ics(talk_id: &str) -> Result<String, AppError> {
    use crate::{
        core::{
            clock::{Clock, SystemClock},
            talks::{access, calendar, talk},
        },
        error::Problem,
    };
    let g = super::require_talk(talk_id, super::TalkNeed::Party).await?;
    access::side(&g.party).ok_or(AppError::Forbidden)?;
    let (Some(start_ms), Some(minutes)) = (g.talk.scheduled_at, g.talk.duration_min) else {
        return Err(AppError::Invalid(Problem::TalkTime));
    };
    let (employee, manager) = talk::names(&g.tenant, &g.talk).await.map_err(super::talk_error)?;
    let other = if g.party.employee { manager.unwrap_or_default() } else { employee };
    let summary = format!("{}: {other}", g.talk.round_title);
    let host = format!("{}.samtal", g.tenant.slug().as_str());
    Ok(calendar::ics(&calendar::CalendarEvent {
        talk_id: &g.talk.id,
        host: &host,
        summary: &summary,
        start: start_ms / 1000,
        minutes,
        now: SystemClock.now_ms() / 1000,
    }))
}
