//! The Swedish personal identity number (personnummer) and coordination number
//! (samordningsnummer), as Skatteverket defines them: a birth date, a three-digit birth number
//! whose last digit tells the legal gender, and a Luhn check digit over the ten-digit form.
//!
//! Runs on both sides: the browser checks what a person types before anything is sent, the
//! server parses again and is the one that decides. The number itself is personal data: it never
//! goes into a URL, a log line or the logbook, and `Debug` shows it masked.
use std::fmt;

use serde::{Deserialize, Serialize};

/// What is wrong with a typed number; each kind has its own sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PersonnummerError {
    #[error("enter a personal identity number")]
    Empty,
    #[error("a personal identity number holds only digits and one '-' or '+' before the last four")]
    Characters,
    #[error("a personal identity number has 10 or 12 digits (YYMMDD-NNNN or YYYYMMDD-NNNN)")]
    Length,
    #[error("the '-' or '+' goes before the last four digits")]
    Separator,
    #[error("'+' (100 years or older) is only written with 10 digits; with 12 digits use '-'")]
    PlusWithCentury,
    #[error("the month must be 01 to 12")]
    Month,
    #[error("that day does not exist in that month (a coordination number adds 60 to the day)")]
    Day,
    #[error("the birth date lies in the future")]
    Future,
    #[error("the last digit does not match the others: check the number for a typing error")]
    CheckDigit,
}

/// A calendar date without time zone: the day a number is checked against (birth dates must not
/// lie after it, and a 10-digit number's century depends on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Day {
    /// The UTC calendar day of a Unix time in seconds.
    pub fn from_unix(unix_seconds: i64) -> Self {
        let iso = crate::model::format::iso_date(unix_seconds);
        let num = |r: std::ops::Range<usize>| iso.get(r).and_then(|t| t.parse::<u16>().ok()).unwrap_or(1);
        Day { year: num(0..4), month: num(5..7) as u8, day: num(8..10) as u8 }
    }
}

/// The legal gender recorded in the number (the second-to-last digit: odd = man, even = woman).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LegalGender {
    Female,
    Male,
}

/// A valid number, normalised to 12 digits (`YYYYMMDDNNNC`).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Personnummer([u8; 12]);

impl fmt::Debug for Personnummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Personnummer({})", self.masked())
    }
}

impl Personnummer {
    /// Parses what a person typed, against `today` (for the century of a 10-digit number and
    /// to refuse a birth date in the future).
    pub fn parse(input: &str, today: Day) -> Result<Self, PersonnummerError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(PersonnummerError::Empty);
        }
        let mut digits = Vec::with_capacity(12);
        let mut separator = None;
        for (i, c) in text.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c as u8 - b'0'),
                '-' | '+' if separator.is_none() => separator = Some((c, digits.len(), i)),
                _ => return Err(PersonnummerError::Characters),
            }
            if digits.len() > 12 {
                return Err(PersonnummerError::Length);
            }
        }
        if digits.len() != 10 && digits.len() != 12 {
            return Err(PersonnummerError::Length);
        }
        let plus = match separator {
            None => false,
            Some((sign, at, _)) => {
                if at != digits.len() - 4 {
                    return Err(PersonnummerError::Separator);
                }
                sign == '+'
            }
        };
        let mut full = [0u8; 12];
        if digits.len() == 12 {
            if plus {
                return Err(PersonnummerError::PlusWithCentury);
            }
            full.copy_from_slice(&digits);
        } else {
            let yy = u16::from(digits[0]) * 10 + u16::from(digits[1]);
            // The latest year ending in yy that is not after this year; '+' means a hundred more.
            let mut year = today.year - (today.year % 100) + yy;
            if year > today.year {
                year = year.saturating_sub(100);
            }
            let (month, day) = (two(&digits[2..4]), two(&digits[4..6]));
            let birthday = Day { year, month, day: real_day(day) };
            // Someone born later this year than today is a year younger: one century back.
            if year == today.year && birthday > today {
                year = year.saturating_sub(100);
            }
            if plus {
                year = year.saturating_sub(100);
            }
            full[0] = (year / 1000) as u8;
            full[1] = (year / 100 % 10) as u8;
            full[2..].copy_from_slice(&digits);
        }
        let number = Self(full);
        let (year, month, day) = (number.year(), two(&full[4..6]), real_day(two(&full[6..8])));
        if !(1..=12).contains(&month) {
            return Err(PersonnummerError::Month);
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(PersonnummerError::Day);
        }
        if (Day { year, month, day }) > today {
            return Err(PersonnummerError::Future);
        }
        if luhn(&full[2..11]) != full[11] {
            return Err(PersonnummerError::CheckDigit);
        }
        Ok(number)
    }

    /// The 12 digits, `YYYYMMDDNNNC`: what is encrypted and what the blind index is made from.
    pub fn digits(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// `YYYYMMDD-NNNC`, for the one page that may show it.
    pub fn formatted(&self) -> String {
        let d = self.digits();
        format!("{}-{}", &d[..8], &d[8..])
    }

    /// `YYYYMMDD-****`: how lists and every other page show a person.
    pub fn masked(&self) -> String {
        format!("{}-****", &self.digits()[..8])
    }

    pub fn year(&self) -> u16 {
        self.0[..4].iter().fold(0u16, |n, d| n * 10 + u16::from(*d))
    }

    /// The birth date (for a coordination number, the day with 60 taken off).
    pub fn birth_date(&self) -> Day {
        Day { year: self.year(), month: two(&self.0[4..6]), day: real_day(two(&self.0[6..8])) }
    }

    /// A coordination number (samordningsnummer): day of birth + 60.
    pub fn is_coordination_number(&self) -> bool {
        two(&self.0[6..8]) > 60
    }

    pub fn legal_gender(&self) -> LegalGender {
        if self.0[10] % 2 == 1 {
            LegalGender::Male
        } else {
            LegalGender::Female
        }
    }
}

impl TryFrom<String> for Personnummer {
    type Error = PersonnummerError;
    /// Only the normalised 12-digit form (what the server stores and sends), which needs no
    /// date of today: its century is written out. A future date is caught where it is typed.
    fn try_from(value: String) -> Result<Self, Self::Error> {
        if value.len() != 12 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PersonnummerError::Length);
        }
        Self::parse(&value, Day { year: 9999, month: 12, day: 31 })
    }
}

impl From<Personnummer> for String {
    fn from(value: Personnummer) -> Self {
        value.digits()
    }
}

fn two(d: &[u8]) -> u8 {
    d[0] * 10 + d[1]
}

/// A coordination number's day is the birth day + 60.
fn real_day(day: u8) -> u8 {
    if day > 60 {
        day - 60
    } else {
        day
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The Luhn check digit of nine digits (weights 2, 1, 2, …; a two-digit product counts as the
/// sum of its digits).
fn luhn(nine: &[u8]) -> u8 {
    let sum: u32 = nine
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let p = u32::from(*d) * if i % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Numbers that pass every check, for tests and demo data: `year`, `month`, `day`, a birth
/// number `serial` (0–999) and the check digit computed.
pub fn synthesise(year: u16, month: u8, day: u8, serial: u16) -> String {
    let mut d = [0u8; 12];
    for (i, c) in format!("{year:04}{month:02}{day:02}{:03}", serial % 1000).bytes().enumerate() {
        d[i] = c - b'0';
    }
    d[11] = luhn(&d[2..11]);
    d.iter().map(|x| char::from(b'0' + x)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use PersonnummerError as E;

    const TODAY: Day = Day { year: 2026, month: 12, day: 2 };

    fn parse(s: &str) -> Result<String, PersonnummerError> {
        Personnummer::parse(s, TODAY).map(|p| p.digits())
    }

    #[test]
    fn every_written_form_normalises_to_twelve_digits() {
        // Skatteverket's test person Tolvan Tolvansson, 1912-12-12, written every allowed way.
        for form in ["191212121212", "19121212-1212", "121212+1212", " 121212+1212 "] {
            assert_eq!(parse(form), Ok("191212121212".into()), "{form}");
        }
        // Without '+' a 10-digit number is the younger person of the two centuries.
        assert_eq!(parse("121212-1212"), Ok("201212121212".into()));
        assert_eq!(parse("1212121212"), Ok("201212121212".into()));
        assert_eq!(parse("640823-3234"), Ok("196408233234".into()));
        assert_eq!(parse("6408233234"), Ok("196408233234".into()));
    }

    #[test]
    fn the_century_of_a_ten_digit_number_follows_today() {
        // Born 2026-12-01 is yesterday: this century. Born 2026-12-03 would be tomorrow: 1926.
        let yesterday = synthesise(2026, 12, 1, 123);
        assert_eq!(parse(&yesterday[2..]), Ok(yesterday.clone()));
        let tomorrow = synthesise(2026, 12, 3, 123);
        assert_eq!(parse(&tomorrow[2..]), Ok(synthesise(1926, 12, 3, 123)));
        // '+' is a hundred more: born 1926 or earlier.
        let old = synthesise(1926, 5, 1, 42);
        assert_eq!(parse(&format!("{}+{}", &old[2..8], &old[8..])), Ok(old.clone()));
        assert_eq!(parse(&format!("{}-{}", &old[2..8], &old[8..])), Ok(synthesise(2026, 5, 1, 42)));
    }

    #[test]
    fn each_kind_of_bad_input_says_what_is_wrong() {
        assert_eq!(parse(""), Err(E::Empty));
        assert_eq!(parse("   "), Err(E::Empty));
        assert_eq!(parse("19640823 3234"), Err(E::Characters));
        assert_eq!(parse("19640823-32a4"), Err(E::Characters));
        assert_eq!(parse("640823--3234"), Err(E::Characters));
        assert_eq!(parse("640823-323"), Err(E::Length));
        assert_eq!(parse("19640823-32341"), Err(E::Length));
        assert_eq!(parse(&"1".repeat(400)), Err(E::Length));
        assert_eq!(parse("6408-233234"), Err(E::Separator));
        assert_eq!(parse("19640823+3234"), Err(E::PlusWithCentury));
        assert_eq!(parse("19641323-3234"), Err(E::Month));
        assert_eq!(parse("19640023-3234"), Err(E::Month));
        assert_eq!(parse("19640230-3234"), Err(E::Day));
        assert_eq!(parse("19640400-3234"), Err(E::Day));
        assert_eq!(parse("19640431-3234"), Err(E::Day));
        assert_eq!(parse("19640823-3235"), Err(E::CheckDigit));
        assert_eq!(parse(&synthesise(2027, 1, 1, 1)), Err(E::Future));
    }

    #[test]
    fn leap_days_follow_the_gregorian_calendar() {
        assert!(parse(&synthesise(2000, 2, 29, 7)).is_ok());
        assert!(parse(&synthesise(2024, 2, 29, 7)).is_ok());
        assert_eq!(parse(&synthesise(1900, 2, 29, 7)), Err(E::Day));
        assert_eq!(parse(&synthesise(2023, 2, 29, 7)), Err(E::Day));
    }

    #[test]
    fn coordination_numbers_add_sixty_to_the_day() {
        let c = synthesise(1990, 3, 72, 239); // born 1990-03-12
        let p = Personnummer::parse(&c, TODAY).expect("valid");
        assert!(p.is_coordination_number());
        assert_eq!(p.birth_date(), Day { year: 1990, month: 3, day: 12 });
        assert_eq!(parse(&synthesise(1990, 2, 90, 1)), Err(E::Day), "30 February");
        assert_eq!(parse(&synthesise(1990, 3, 92, 1)), Err(E::Day), "day 32");
        assert_eq!(parse(&synthesise(1990, 3, 60, 1)), Err(E::Day), "day 0");
    }

    #[test]
    fn gender_masking_and_wire_form() {
        let p = Personnummer::parse("19640823-3234", TODAY).expect("valid");
        assert_eq!(p.legal_gender(), LegalGender::Male);
        assert_eq!(Personnummer::parse("19121212-1212", TODAY).expect("valid").legal_gender(), LegalGender::Male);
        let woman = synthesise(1980, 1, 2, 124);
        assert_eq!(Personnummer::parse(&woman, TODAY).expect("valid").legal_gender(), LegalGender::Female);
        assert_eq!(p.masked(), "19640823-****");
        assert_eq!(p.formatted(), "19640823-3234");
        assert_eq!(format!("{p:?}"), "Personnummer(19640823-****)");
        let json = serde_json::to_string(&p).expect("json");
        assert_eq!(json, "\"196408233234\"");
        assert_eq!(serde_json::from_str::<Personnummer>(&json).expect("back"), p);
        for bad in ["\"640823-3234\"", "\"196408233235\"", "\"19640823-3234\"", "\"1964082332３4\""] {
            assert!(serde_json::from_str::<Personnummer>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn synthesised_numbers_always_pass() {
        for serial in 0..1000 {
            let n = synthesise(1975, 6, 15, serial);
            assert!(parse(&n).is_ok(), "{n}");
        }
    }
}
