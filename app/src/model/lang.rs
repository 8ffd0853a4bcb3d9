//! The languages Samtal speaks. The organisation picks the default; a person may switch, and
//! the choice lives in a cookie (no script needed, survives reloads, holds nothing personal).
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// Swedish: Samtal's customers are Swedish organisations.
    #[default]
    #[serde(rename = "sv")]
    Sv,
    #[serde(rename = "en")]
    En,
}

/// The cookie that carries a person's choice.
pub const LANG_COOKIE: &str = "samtal_lang";

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Sv, Lang::En];

    /// The BCP 47 tag, for `<html lang>` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's own name, the same whatever language the page is in (how a person finds
    /// their language on a page they cannot read).
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Sv => "Svenska",
            Lang::En => "English",
        }
    }

    /// The choice a `Cookie` header carries, if it names one of ours.
    pub fn from_cookie_header(header: &str) -> Option<Self> {
        header
            .split(';')
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == LANG_COOKIE)
            .and_then(|(_, v)| Lang::parse(v.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_names_a_language_or_nothing() {
        assert_eq!(Lang::from_cookie_header("a=1; samtal_lang=en; b=2"), Some(Lang::En));
        assert_eq!(Lang::from_cookie_header("samtal_lang=sv"), Some(Lang::Sv));
        assert_eq!(Lang::from_cookie_header("samtal_lang=de"), None);
        assert_eq!(Lang::from_cookie_header("xsamtal_lang=en"), None);
        assert_eq!(Lang::from_cookie_header(""), None);
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
    }
}
