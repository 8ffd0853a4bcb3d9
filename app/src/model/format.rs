//! Formatting for Swedish users: ISO 8601 dates and SEK amounts with a space as the thousands
//! separator. Both sides call these so server-rendered and hydrated text agree.

/// Formats an amount of öre (1/100 SEK) as `12 345,50 kr`; whole kronor drop the decimals.
/// The separator is U+00A0 (no-break space) so an amount never wraps across lines.
pub fn format_sek(ore: i64) -> String {
    let negative = ore < 0;
    let abs = ore.unsigned_abs();
    let kronor = abs / 100;
    let rest = abs % 100;
    let digits = kronor.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 * 2 + 8);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(ch);
    }
    let sign = if negative { "\u{2212}" } else { "" };
    if rest == 0 {
        format!("{sign}{grouped}\u{a0}kr")
    } else {
        format!("{sign}{grouped},{rest:02}\u{a0}kr")
    }
}

/// Reads an amount of SEK as a person types it — `45000`, `45 000`, `45 000,50`, `45000.5`,
/// `45 000 kr` — into öre. `None` for anything else, a negative amount, or over 1 000 000 000 kr.
pub fn parse_sek(text: &str) -> Option<i64> {
    let t = text.trim();
    let t = t.strip_suffix("kr").or_else(|| t.strip_suffix("SEK")).unwrap_or(t).trim_end();
    let t: String = t.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
    let (whole, frac) = match t.split_once([',', '.']) {
        Some((w, f)) => (w, f),
        None => (t.as_str(), ""),
    };
    if whole.is_empty() || whole.len() > 10 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let kronor: i64 = whole.parse().ok()?;
    let ore: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    let total = kronor.checked_mul(100)?.checked_add(ore)?;
    (total <= 100_000_000_000).then_some(total)
}

/// Reads a percentage (`100`, `62,5`, `62.5 %`) into hundredths of a per cent (6 250).
/// `None` unless it is above 0 and at most 100 with at most two decimals.
pub fn parse_percent(text: &str) -> Option<i64> {
    let t = text.trim();
    let t = t.strip_suffix('%').unwrap_or(t).trim_end();
    let (whole, frac) = t.split_once([',', '.']).unwrap_or((t, ""));
    if whole.is_empty() || whole.len() > 3 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let bp = whole.parse::<i64>().ok()? * 100
        + if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse::<i64>().ok()? };
    (1..=10_000).contains(&bp).then_some(bp)
}

/// `62,5 %` / `100 %` for hundredths of a per cent.
pub fn format_percent(bp: i64) -> String {
    let (whole, rest) = (bp / 100, (bp % 100).abs());
    match rest {
        0 => format!("{whole}\u{a0}%"),
        r if r % 10 == 0 => format!("{whole},{}\u{a0}%", r / 10),
        r => format!("{whole},{r:02}\u{a0}%"),
    }
}

/// Civil date (year, month, day) from days since 1970-01-01 (Howard Hinnant's algorithm), so
/// neither side needs a date library for display.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 for a civil date (the inverse of `civil_from_days`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Seconds since the Unix epoch at 00:00 UTC of an ISO 8601 date `YYYY-MM-DD`; `None` when the
/// text is not a real calendar date.
pub fn parse_iso_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = s.get(0..4)?.parse().ok()?;
    let m: u32 = s.get(5..7)?.parse().ok()?;
    let d: u32 = s.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // Rejects 2026-02-30 and the like: the date must survive the round trip.
    (civil_from_days(days) == (y, m, d)).then_some(days * 86_400)
}

/// `2026-11-24` for a Unix time in seconds (UTC).
pub fn iso_date(unix_seconds: i64) -> String {
    let (y, m, d) = civil_from_days(unix_seconds.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2026-11-24 13:05:09 UTC` for a Unix time in seconds.
pub fn iso_datetime_utc(unix_seconds: i64) -> String {
    let secs = unix_seconds.rem_euclid(86_400);
    format!("{} {:02}:{:02}:{:02} UTC", iso_date(unix_seconds), secs / 3600, secs % 3600 / 60, secs % 60)
}

/// Percent-encodes for a URL part (RFC 3986 unreserved characters stay as they are).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn sek_is_read_as_people_type_it() {
        assert_eq!(parse_sek("45000"), Some(4_500_000));
        assert_eq!(parse_sek("45 000"), Some(4_500_000));
        assert_eq!(parse_sek("45\u{a0}000,50 kr"), Some(4_500_050));
        assert_eq!(parse_sek("45000.5"), Some(4_500_050));
        assert_eq!(parse_sek(" 0 "), Some(0));
        for bad in ["", "kr", "-100", "45,505", "4e4", "45 000,-", "1,2,3", "99999999999"] {
            assert_eq!(parse_sek(bad), None, "{bad:?}");
        }
        assert_eq!(format_sek(parse_sek("45 000,50").expect("sek")), "45\u{a0}000,50\u{a0}kr");
    }

    #[test]
    fn percent_is_read_in_hundredths() {
        assert_eq!(parse_percent("100"), Some(10_000));
        assert_eq!(parse_percent("62,5 %"), Some(6_250));
        assert_eq!(parse_percent("0.01"), Some(1));
        for bad in ["0", "100,01", "101", "-5", "", "50,123", "abc"] {
            assert_eq!(parse_percent(bad), None, "{bad:?}");
        }
        assert_eq!(format_percent(6_250), "62,5\u{a0}%");
        assert_eq!(format_percent(10_000), "100\u{a0}%");
        assert_eq!(format_percent(3_333), "33,33\u{a0}%");
    }

    use super::*;

    #[test]
    fn percent_encoding_keeps_csv_lines_and_commas_intact() {
        assert_eq!(percent_encode("a,b\nå"), "a%2Cb%0A%C3%A5");
        assert_eq!(percent_encode("/admin/users"), "%2Fadmin%2Fusers");
    }

    #[test]
    fn sek_groups_thousands_with_no_break_spaces() {
        assert_eq!(format_sek(0), "0\u{a0}kr");
        assert_eq!(format_sek(100), "1\u{a0}kr");
        assert_eq!(format_sek(99_900), "999\u{a0}kr");
        assert_eq!(format_sek(100_000), "1\u{a0}000\u{a0}kr");
        assert_eq!(format_sek(4_250_000), "42\u{a0}500\u{a0}kr");
        assert_eq!(format_sek(12_345_678_905), "123\u{a0}456\u{a0}789,05\u{a0}kr");
        assert_eq!(format_sek(-150_050), "\u{2212}1\u{a0}500,50\u{a0}kr");
    }

    #[test]
    fn sek_handles_the_extremes() {
        assert!(format_sek(i64::MIN).starts_with('\u{2212}'));
        assert!(format_sek(i64::MAX).ends_with("kr"));
    }

    #[test]
    fn parses_real_iso_dates_only() {
        assert_eq!(parse_iso_date("1970-01-01"), Some(0));
        assert_eq!(parse_iso_date("2026-11-24"), Some(1_795_478_400));
        assert_eq!(parse_iso_date("2000-02-29"), Some(951_782_400));
        for bad in ["2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "26-11-24", "2026/11/24", "2026-11-24T00"] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
        for s in [0, 951_782_400, 1_795_478_400] {
            assert_eq!(parse_iso_date(&iso_date(s)), Some(s));
        }
    }

    #[test]
    fn iso_dates() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
        assert_eq!(iso_date(1_795_478_400), "2026-11-24");
        assert_eq!(iso_date(-1), "1969-12-31");
        assert_eq!(iso_datetime_utc(1_795_525_509), "2026-11-24 13:05:09 UTC");
    }
}
