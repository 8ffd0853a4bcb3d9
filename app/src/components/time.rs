//! Times as people read them: in the organisation's time zone, with the zone named. Rendered on
//! the server only (pages are server components); stored times stay UTC, and exports keep UTC.
use crate::components::auth::use_frame;

/// `2026-12-02 07:14:58 CET` in this request's organisation's time zone.
pub fn local_time(unix_seconds: i64) -> String {
    in_zone(unix_seconds, &use_frame().time_zone)
}

/// `2026-12-02 07:14:58 CET` in `zone` (an IANA name); UTC when `zone` is not one.
#[cfg(feature = "ssr")]
pub fn in_zone(unix_seconds: i64, zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_second(unix_seconds) {
        Ok(t) => t.to_zoned_datetime(tz).strftime("%Y-%m-%d %H:%M:%S %Z").to_string(),
        Err(_) => crate::model::format::iso_datetime_utc(unix_seconds),
    }
}

/// The date (`YYYY-MM-DD`) in `zone` at `unix_seconds`.
#[cfg(feature = "ssr")]
pub fn local_date(unix_seconds: i64, zone: &str) -> String {
    in_zone(unix_seconds, zone).chars().take(10).collect()
}

/// `YYYY-MM-DDTHH:MM` in `zone`, as a `datetime-local` field shows it.
#[cfg(feature = "ssr")]
pub fn local_input(unix_seconds: i64, zone: &str) -> String {
    let t = in_zone(unix_seconds, zone);
    format!("{}T{}", &t[..10], &t[11..16])
}

/// A `datetime-local` field's `YYYY-MM-DDTHH:MM` read in `zone`, as unix seconds. A time that
/// a clock change skips or repeats is taken as the zone's rules say (the later reading).
#[cfg(feature = "ssr")]
pub fn parse_local(text: &str, zone: &str) -> Option<i64> {
    if text.len() != 16 {
        return None;
    }
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let civil: jiff::civil::DateTime = text.parse().ok()?;
    tz.to_timestamp(civil).ok().map(|t| t.as_second())
}

/// Today (`YYYY-MM-DD`) in `zone`.
#[cfg(feature = "ssr")]
pub fn today_in(zone: &str) -> String {
    local_date(crate::core::clock::now_ms() / 1000, zone)
}

#[cfg(not(feature = "ssr"))]
pub fn today_in(_zone: &str) -> String {
    String::new()
}

#[cfg(not(feature = "ssr"))]
pub fn local_input(_unix_seconds: i64, _zone: &str) -> String {
    String::new()
}

/// The browser bundle holds no time-zone database; no island shows a time.
#[cfg(not(feature = "ssr"))]
pub fn in_zone(unix_seconds: i64, _zone: &str) -> String {
    crate::model::format::iso_datetime_utc(unix_seconds)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::in_zone;

    #[test]
    fn stockholm_winter_and_summer_time_and_a_bad_zone() {
        assert_eq!(in_zone(1_764_655_200, "Europe/Stockholm"), "2025-12-02 07:00:00 CET");
        assert_eq!(in_zone(1_782_000_000, "Europe/Stockholm"), "2026-06-21 02:00:00 CEST");
        assert_eq!(in_zone(1_782_000_000, "Mars/Olympus"), "2026-06-21 00:00:00 UTC");
    }

    #[test]
    fn a_local_time_field_round_trips_in_the_zone() {
        use super::{local_date, local_input, parse_local};
        assert_eq!(parse_local("2025-12-02T07:00", "Europe/Stockholm"), Some(1_764_655_200));
        assert_eq!(local_input(1_764_655_200, "Europe/Stockholm"), "2025-12-02T07:00");
        assert_eq!(local_date(1_764_655_200 - 8 * 3600, "Europe/Stockholm"), "2025-12-01");
        for bad in ["2025-13-02T07:00", "2025-12-02 07:00:00", "", "tomorrow"] {
            assert_eq!(parse_local(bad, "Europe/Stockholm"), None, "{bad}");
        }
    }
}
