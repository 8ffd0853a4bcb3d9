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
}
