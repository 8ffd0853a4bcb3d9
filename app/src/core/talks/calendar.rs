//! A talk as an iCalendar event (RFC 5545), for the parties to add to their calendars. It
//! names the round and the time; the other party's name is the only personal data in it.
use crate::model::format::iso_date;

/// `20261203T140000Z`.
fn ics_time(unix_seconds: i64) -> String {
    let s = unix_seconds.rem_euclid(86_400);
    format!("{}T{:02}{:02}{:02}Z", iso_date(unix_seconds).replace('-', ""), s / 3600, s % 3600 / 60, s % 60)
}

/// Escapes a text value (RFC 5545 3.3.11) and drops control characters.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (never inside a character).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in line.chars() {
        if len + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

pub struct CalendarEvent<'a> {
    pub talk_id: &'a str,
    pub host: &'a str,
    pub summary: &'a str,
    pub start: i64,
    pub minutes: i64,
    pub now: i64,
}

pub fn ics(e: &CalendarEvent<'_>) -> String {
    let lines = [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Samtal//Talks//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:{}@{}", e.talk_id, text(e.host)),
        format!("DTSTAMP:{}", ics_time(e.now)),
        format!("DTSTART:{}", ics_time(e.start)),
        format!("DTEND:{}", ics_time(e.start + e.minutes * 60)),
        format!("SUMMARY:{}", text(e.summary)),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ];
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_in_utc_escaped_and_folded() {
        let summary = format!("Lönesamtal, Anna; {}", "å".repeat(60));
        let cal = ics(&CalendarEvent {
            talk_id: "abc",
            host: "acme.example",
            summary: &summary,
            start: 1_764_770_400,
            minutes: 45,
            now: 0,
        });
        assert!(cal.contains("DTSTART:20251203T140000Z\r\n"), "{cal}");
        assert!(cal.contains("DTEND:20251203T144500Z\r\n"));
        assert!(cal.contains("SUMMARY:Lönesamtal\\, Anna\\; "));
        assert!(cal.contains("UID:abc@acme.example"));
        assert!(cal.lines().all(|l| l.len() <= 76), "folded at 75 octets");
        assert!(cal.starts_with("BEGIN:VCALENDAR\r\n") && cal.ends_with("END:VCALENDAR\r\n"));
    }
}
