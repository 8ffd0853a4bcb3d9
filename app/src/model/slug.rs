//! Tenant slugs: the subdomain and database name of a customer organisation.
use serde::{Deserialize, Serialize};

/// Names that would collide with infrastructure hostnames or confuse people.
pub const RESERVED: &[&str] = &[
    "www",
    "api",
    "admin",
    "static",
    "assets",
    "pkg",
    "app",
    "mail",
    "smtp",
    "imap",
    "ftp",
    "ns1",
    "ns2",
    "dns",
    "cdn",
    "status",
    "health",
    "healthz",
    "login",
    "auth",
    "sso",
    "root",
    "system",
    "samtal",
    "support",
    "help",
    "docs",
    "blog",
    "dev",
    "test",
    "staging",
    "localhost",
    "catalog",
    "postgres",
    "template0",
    "template1",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum SlugError {
    #[error("a tenant name must be 2 to 40 characters long")]
    Length,
    #[error("a tenant name may hold only lowercase letters a–z, digits 0–9 and '-'")]
    Characters,
    #[error("a tenant name must start with a letter and must not end with '-' or hold '--'")]
    Shape,
    #[error("\"{0}\" is reserved; choose another tenant name")]
    Reserved(String),
}

/// A validated slug. The only way to get one is [`Slug::parse`], so a `Slug` is always safe to
/// put in a hostname, a file name or a quoted SQL identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Self, SlugError> {
        if !(2..=40).contains(&s.len()) {
            return Err(SlugError::Length);
        }
        if !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(SlugError::Characters);
        }
        if !s.as_bytes()[0].is_ascii_lowercase() || s.ends_with('-') || s.contains("--") {
            return Err(SlugError::Shape);
        }
        if RESERVED.contains(&s) {
            return Err(SlugError::Reserved(s.to_string()));
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Slug::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names() {
        for ok in ["acme", "ab", "acme-ab", "kommun-12", "a1", &"a".repeat(40)] {
            assert_eq!(Slug::parse(ok).map(|s| s.to_string()), Ok(ok.to_string()), "{ok}");
        }
    }

    #[test]
    fn rejects_bad_names_with_the_reason() {
        assert_eq!(Slug::parse("a"), Err(SlugError::Length));
        assert_eq!(Slug::parse(&"a".repeat(41)), Err(SlugError::Length));
        assert_eq!(Slug::parse("Acme"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("acme_ab"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("acme.ab"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("åäö"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("ac me"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("acme\"; drop"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("1acme"), Err(SlugError::Shape));
        assert_eq!(Slug::parse("-acme"), Err(SlugError::Shape));
        assert_eq!(Slug::parse("acme-"), Err(SlugError::Shape));
        assert_eq!(Slug::parse("ac--me"), Err(SlugError::Shape));
        assert_eq!(Slug::parse("www"), Err(SlugError::Reserved("www".into())));
        assert_eq!(Slug::parse("admin"), Err(SlugError::Reserved("admin".into())));
    }

    #[test]
    fn deserialising_validates_too() {
        assert!(serde_json::from_str::<Slug>("\"acme\"").is_ok());
        assert!(serde_json::from_str::<Slug>("\"../etc\"").is_err());
    }
}
