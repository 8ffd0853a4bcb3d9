//! A one-time link carried from the form post that made it to the page that shows it, for an
//! admin without JavaScript. The link must never go into an address (it would sit in history
//! and logs) nor into a database (tokens are stored only as hashes), so the redirect after the
//! post takes it along in a short-lived cookie, sealed with AES-256-GCM under a key only this
//! tenant's server derives. The associated data binds it to the tenant, the admin who made it
//! and that admin's session: a value copied into another session (even the same admin's) or
//! another organisation does not open.
use aes_gcm::{
    aead::{Aead, Payload},
    Aes256Gcm, KeyInit, Nonce,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

use crate::core::{clock::Clock, tenancy::Tenant};

/// The cookie's name; it is sent only to the users page (`Path`), never to another site.
pub const COOKIE: &str = "samtal_handover";
/// The page that shows the link and ends the cookie.
pub const PAGE: &str = "/admin/users";
/// How long a sealed link can be opened: long enough for the redirect, not for a later reload.
pub const MAX_AGE_SECONDS: i64 = 120;
const VERSION: u8 = 1;
const NONCE_LEN: usize = 12;

pub use crate::model::auth::Handover;

/// Who may open a sealed link: the admin's account and the session it was made in.
#[derive(Debug, Clone, Copy)]
pub struct Holder<'a> {
    pub admin_id: &'a str,
    pub session: &'a str,
}

/// The cookie value for `handover`, for `holder`; `None` only if the random source failed.
pub fn seal(tenant: &Tenant, clock: &dyn Clock, holder: Holder<'_>, handover: &Handover) -> Option<String> {
    seal_with(tenant.handover_key(), tenant.slug().as_str(), clock, holder, handover, MAX_AGE_SECONDS)
}

/// Seals a short text for `purpose` (e.g. the people list's search) for `holder`, for `max_age`
/// seconds: the same protection for other things a page must carry across a redirect without
/// putting them in the address. The purpose is part of the associated data, so a note never
/// opens as a link or as a note of another purpose.
pub fn seal_note(
    tenant: &Tenant,
    clock: &dyn Clock,
    holder: Holder<'_>,
    purpose: &str,
    text: &str,
    max_age: i64,
) -> Option<String> {
    seal_raw(tenant.handover_key(), tenant.slug().as_str(), clock, holder, purpose, text.as_bytes(), max_age)
}

/// The text sealed by [`seal_note`] for this `purpose` and `holder`, if in time.
pub fn open_note(tenant: &Tenant, clock: &dyn Clock, holder: Holder<'_>, purpose: &str, value: &str) -> Option<String> {
    let plain = open_raw(tenant.handover_key(), tenant.slug().as_str(), clock, holder, purpose, value)?;
    std::str::from_utf8(&plain).ok().map(str::to_string)
}

/// The link in `value`, if it was sealed for this tenant and admin and has not expired. Anything
/// else (another admin's, tampered, old, a note, not ours at all) is simply no link.
pub fn open(tenant: &Tenant, clock: &dyn Clock, holder: Holder<'_>, value: &str) -> Option<Handover> {
    open_with(tenant.handover_key(), tenant.slug().as_str(), clock, holder, value)
}

/// What a one-time link is sealed as (its purpose in the associated data).
const LINK: &str = "link";

fn seal_with(
    key: &[u8; 32],
    slug: &str,
    clock: &dyn Clock,
    holder: Holder<'_>,
    handover: &Handover,
    max_age: i64,
) -> Option<String> {
    let mut plain = zeroize::Zeroizing::new(Vec::with_capacity(handover.user_id.len() + 1 + handover.path.len()));
    plain.extend_from_slice(handover.user_id.as_bytes());
    plain.push(0);
    plain.extend_from_slice(handover.path.as_bytes());
    seal_raw(key, slug, clock, holder, LINK, &plain, max_age)
}

fn open_with(key: &[u8; 32], slug: &str, clock: &dyn Clock, holder: Holder<'_>, value: &str) -> Option<Handover> {
    let plain = open_raw(key, slug, clock, holder, LINK, value)?;
    let text = std::str::from_utf8(&plain).ok()?;
    let (user_id, path) = text.split_once('\0')?;
    Some(Handover { user_id: user_id.to_string(), path: path.to_string() })
}

fn seal_raw(
    key: &[u8; 32],
    slug: &str,
    clock: &dyn Clock,
    holder: Holder<'_>,
    purpose: &str,
    payload: &[u8],
    max_age: i64,
) -> Option<String> {
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).ok()?;
    let expires = clock.now_ms() / 1000 + max_age;
    let mut plain = zeroize::Zeroizing::new(Vec::with_capacity(8 + payload.len()));
    plain.extend_from_slice(&expires.to_be_bytes());
    plain.extend_from_slice(payload);
    let aad = aad(slug, holder, purpose);
    let sealed = cipher.encrypt(Nonce::from_slice(&nonce), Payload { msg: &plain, aad: &aad }).ok()?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
    out.push(VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Some(URL_SAFE_NO_PAD.encode(out))
}

fn open_raw(
    key: &[u8; 32],
    slug: &str,
    clock: &dyn Clock,
    holder: Holder<'_>,
    purpose: &str,
    value: &str,
) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    // A sealed link or note is a few hundred bytes; a longer value is not one of ours.
    if value.len() > 1024 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(value).ok()?;
    let (&version, rest) = bytes.split_first()?;
    if version != VERSION || rest.len() < NONCE_LEN {
        return None;
    }
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    let aad = aad(slug, holder, purpose);
    let plain =
        zeroize::Zeroizing::new(cipher.decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: &aad }).ok()?);
    let (expires, rest) = plain.split_first_chunk::<8>()?;
    if clock.now_ms() / 1000 > i64::from_be_bytes(*expires) {
        return None;
    }
    Some(zeroize::Zeroizing::new(rest.to_vec()))
}

/// The cookie a sealed value travels in: to the users page only, never readable by a script.
pub fn set_cookie(value: &str) -> String {
    format!("{COOKIE}={value}; Path={PAGE}; Max-Age={MAX_AGE_SECONDS}; SameSite=Strict; Secure; HttpOnly")
}

/// Ends the cookie once its page has shown the link.
pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path={PAGE}; Max-Age=0; SameSite=Strict; Secure; HttpOnly")
}

/// Every sealed link in a request's `Cookie` header (a sibling host could have set one of the
/// same name too: it cannot forge a link, but it must not hide ours).
pub fn from_cookie_header(header: &str) -> impl Iterator<Item = &str> {
    cookies_named(header, COOKIE)
}

/// Every value of the cookie `name` in a `Cookie` header.
pub fn cookies_named<'a>(header: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> {
    header.split(';').filter_map(|c| c.trim().split_once('=')).filter(move |(n, _)| *n == name).map(|(_, v)| v)
}

fn aad(slug: &str, holder: Holder<'_>, purpose: &str) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut aad = b"samtal link handover v1\0".to_vec();
    aad.extend_from_slice(slug.as_bytes());
    aad.push(0);
    aad.extend_from_slice(purpose.as_bytes());
    aad.push(0);
    aad.extend_from_slice(holder.admin_id.as_bytes());
    aad.push(0);
    // The session id is a secret: only its hash goes into the computation.
    aad.extend_from_slice(&Sha256::digest(holder.session.as_bytes()));
    aad
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::clock::ManualClock;

    const KEY: [u8; 32] = [7; 32];
    const ADMIN: Holder<'static> = Holder { admin_id: "admin-1", session: "session-a" };

    fn link() -> Handover {
        Handover { user_id: "u-1".into(), path: "/set-password#token=abc".into() }
    }

    #[test]
    fn only_the_admin_who_made_it_opens_it_in_its_own_organisation_in_time() {
        let clock = ManualClock::at(1_000_000_000);
        let value = seal_with(&KEY, "acme", &clock, ADMIN, &link(), MAX_AGE_SECONDS).expect("sealed");
        assert!(!value.contains("abc"), "the token shows through the cookie");
        assert_eq!(open_with(&KEY, "acme", &clock, ADMIN, &value), Some(link()));
        let other_admin = Holder { admin_id: "admin-2", ..ADMIN };
        assert_eq!(open_with(&KEY, "acme", &clock, other_admin, &value), None, "another admin");
        let other_session = Holder { session: "session-b", ..ADMIN };
        assert_eq!(open_with(&KEY, "acme", &clock, other_session, &value), None, "another session");
        assert_eq!(open_with(&KEY, "beta", &clock, ADMIN, &value), None, "another organisation's name");
        assert_eq!(open_with(&[8; 32], "acme", &clock, ADMIN, &value), None, "another key");
        clock.set(1_000_000_000 + MAX_AGE_SECONDS * 1000);
        assert!(open_with(&KEY, "acme", &clock, ADMIN, &value).is_some(), "still in time");
        clock.set(1_000_000_000 + (MAX_AGE_SECONDS + 1) * 1000);
        assert_eq!(open_with(&KEY, "acme", &clock, ADMIN, &value), None, "expired");
    }

    #[test]
    fn a_note_never_opens_as_a_link_nor_as_another_note() {
        let clock = ManualClock::at(1_000_000_000);
        let note = seal_raw(&KEY, "acme", &clock, ADMIN, "people-search", b"x\0y", 60).expect("sealed");
        assert_eq!(open_with(&KEY, "acme", &clock, ADMIN, &note), None, "a note read as a link");
        assert_eq!(open_raw(&KEY, "acme", &clock, ADMIN, "other", &note), None, "another purpose");
        assert_eq!(
            open_raw(&KEY, "acme", &clock, ADMIN, "people-search", &note).map(|p| p.to_vec()),
            Some(b"x\0y".to_vec())
        );
        let link = seal_with(&KEY, "acme", &clock, ADMIN, &link(), MAX_AGE_SECONDS).expect("sealed");
        assert_eq!(open_raw(&KEY, "acme", &clock, ADMIN, "people-search", &link), None, "a link read as a note");
    }

    #[test]
    fn two_seals_of_one_link_differ() {
        let clock = ManualClock::at(1_000_000_000);
        let a = seal_with(&KEY, "acme", &clock, ADMIN, &link(), MAX_AGE_SECONDS).expect("sealed");
        let b = seal_with(&KEY, "acme", &clock, ADMIN, &link(), MAX_AGE_SECONDS).expect("sealed");
        assert_ne!(a, b, "a nonce was reused");
    }

    #[test]
    fn a_tampered_or_foreign_value_is_no_link() {
        let clock = ManualClock::at(1_000_000_000);
        let value = seal_with(&KEY, "acme", &clock, ADMIN, &link(), MAX_AGE_SECONDS).expect("sealed");
        let mut bytes = URL_SAFE_NO_PAD.decode(&value).expect("base64");
        for i in [1, bytes.len() / 2, bytes.len() - 1] {
            bytes[i] ^= 1;
            assert_eq!(open_with(&KEY, "acme", &clock, ADMIN, &URL_SAFE_NO_PAD.encode(&bytes)), None, "bit {i}");
            bytes[i] ^= 1;
        }
        bytes[0] = 2;
        assert_eq!(open_with(&KEY, "acme", &clock, ADMIN, &URL_SAFE_NO_PAD.encode(&bytes)), None, "version");
        for junk in ["", "x", "!!!", &"A".repeat(5000), &URL_SAFE_NO_PAD.encode([1u8; 13])] {
            assert_eq!(open_with(&KEY, "acme", &clock, ADMIN, junk), None, "{junk:.20}");
        }
    }

    #[test]
    fn the_cookie_is_found_among_others_and_goes_only_to_its_page() {
        let all = |h| from_cookie_header(h).collect::<Vec<_>>();
        assert_eq!(all("a=1; samtal_handover=xyz; b=2"), ["xyz"]);
        assert_eq!(all("samtal_handover=one; samtal_handover=two"), ["one", "two"]);
        assert!(all("samtal_handover_x=1").is_empty());
        let set = set_cookie("v");
        for part in ["Path=/admin/users", "HttpOnly", "Secure", "SameSite=Strict", "Max-Age=120"] {
            assert!(set.contains(part), "{set} lacks {part}");
        }
        assert!(clear_cookie().contains("Max-Age=0"));
    }
}
