//! Roles and account views both sides use.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Employee,
    Manager,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Employee => "employee",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "manager" => Some(Role::Manager),
            "employee" => Some(Role::Employee),
            _ => None,
        }
    }
    /// The word people see.
    /// The role's name in `lang`.
    pub fn label(self, lang: crate::model::lang::Lang) -> &'static str {
        let w = crate::i18n::words(lang);
        match self {
            Role::Admin => w.role_admin,
            Role::Manager => w.role_manager,
            Role::Employee => w.role_employee,
        }
    }
}

/// The signed-in person as the UI sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: String,
    pub display_name: String,
    pub role: Role,
}

/// A person-readable device name from a user agent, for the session list.
pub fn device_from_user_agent(ua: &str) -> String {
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") || ua.contains("CriOS/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        "–"
    };
    let os = if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        "–"
    };
    // Product names only, the same in every language; a dash for what the agent did not say.
    format!("{browser} · {os}")
}

/// Where a one-time link leads. The token rides in the fragment, which browsers never send to a
/// server: it stays out of access logs, proxies and `Referer` headers; the page reads it in the
/// browser and posts it.
pub fn set_password_path(token: &str) -> String {
    format!("/set-password#token={token}")
}

/// The token in a set-password link's fragment (`#token=…`), if it has one.
pub fn token_from_fragment(hash: &str) -> Option<&str> {
    hash.strip_prefix('#').unwrap_or(hash).strip_prefix("token=").filter(|t| !t.is_empty())
}

/// A link made for someone, as the users page shows it once: whose it is and the link's path
/// (`/set-password#token=…`). Travels sealed (`core::auth::handover`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Handover {
    pub user_id: String,
    pub path: String,
}

/// A one-time link an admin made: e-mailed to its owner, or (without SMTP, or when the e-mail
/// failed) its path for the admin to hand over — never both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkIssued {
    pub path: Option<String>,
    pub emailed: bool,
}

/// An account as HR admins see it in the user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub has_password: bool,
}

/// The product's password length rules (NIST 800-63B), shared by the policy and the
/// organisation's setting: never shorter than this, whatever an organisation sets.
pub const MIN_PASSWORD_LEN: usize = 12;
pub const MAX_PASSWORD_LEN: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_read_like_words() {
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
        assert_eq!(device_from_user_agent(android), "Chrome · Android");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(device_from_user_agent(iphone), "Safari · iOS");
        assert_eq!(device_from_user_agent(""), "– · –");
        assert_eq!(Role::parse(Role::Manager.as_str()), Some(Role::Manager));
        assert!(Role::Admin > Role::Manager && Role::Manager > Role::Employee);
    }

    #[test]
    fn link_tokens_ride_in_the_fragment() {
        let path = set_password_path("abc");
        assert_eq!(path, "/set-password#token=abc");
        assert_eq!(token_from_fragment("#token=abc"), Some("abc"));
        assert_eq!(token_from_fragment("#token="), None);
        assert_eq!(token_from_fragment("#other=1"), None);
    }
}
