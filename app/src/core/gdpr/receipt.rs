//! The erasure receipt: a JSON document saying what was erased, when and by whom, with the
//! blind index of the person's personnummer (so "was this number erased?" can be answered
//! later without keeping the number), signed with HMAC-SHA256 under a key derived from the
//! tenant's logbook key. That key outlives master-key rotations (a rotation pins it), so a
//! receipt stays verifiable for the organisation's life; it is never stored or shown.
use std::collections::BTreeMap;

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::GdprError;
use crate::core::logbook::Ledger;

pub const KIND: &str = "samtal.erasure-receipt";
pub const VERSION: u32 = 1;
/// A receipt is a few hundred bytes; anything much larger is not one.
pub const MAX_BYTES: usize = 16 * 1024;
const MAC_PREFIX: &str = "hmac-sha256:";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    #[serde(rename = "type")]
    pub kind: String,
    pub version: u32,
    pub id: String,
    /// The tenant's name in Samtal.
    pub organisation: String,
    /// RFC 3339, UTC.
    pub erased_at: String,
    /// `user:<account id>`, or `system` for an erasure the retention job or a replay made.
    pub erased_by: String,
    /// `request` (an admin on the person's behalf) or `retention`.
    pub reason: String,
    /// The person's id, which no longer resolves to anyone (the logbook's events name it).
    pub person_id: String,
    /// The blind index of the personnummer in this organisation (64 hex digits).
    pub personnummer_index: String,
    /// Rows deleted, by kind.
    pub erased: BTreeMap<String, i64>,
    /// Rows kept without the person, by kind (none of them names the person).
    pub kept: BTreeMap<String, i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
}

fn key(tenant: &impl Ledger, organisation: &str) -> Zeroizing<[u8; 32]> {
    let hk = Hkdf::<Sha256>::new(Some(b"samtal/erasure-receipt/v1"), tenant.logbook_key());
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA256's limit, so this cannot fail.
    hk.expand(organisation.as_bytes(), out.as_mut_slice()).unwrap_or_else(|_| unreachable!());
    out
}

fn mac_of(tenant: &impl Ledger, r: &Receipt) -> Result<Hmac<Sha256>, GdprError> {
    let unsigned = Receipt { mac: None, ..r.clone() };
    let bytes = serde_json::to_vec(&unsigned).map_err(|_| GdprError::NotAReceipt)?;
    let key = key(tenant, &r.organisation);
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_slice()).unwrap_or_else(|_| unreachable!());
    mac.update(&bytes);
    Ok(mac)
}

impl Receipt {
    /// Signs the receipt in place.
    pub fn sign(&mut self, tenant: &impl Ledger) -> Result<(), GdprError> {
        let tag = mac_of(tenant, self)?.finalize().into_bytes();
        self.mac = Some(format!("{MAC_PREFIX}{}", tag.iter().map(|b| format!("{b:02x}")).collect::<String>()));
        Ok(())
    }

    /// The signed receipt as the file a person or an authority is given.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads and checks a receipt of `organisation`: the shape, and the MAC in constant time.
    /// Anything else — another organisation's receipt, a changed count, a missing MAC — is
    /// [`GdprError::NotAReceipt`].
    pub fn verify(tenant: &impl Ledger, organisation: &str, text: &str) -> Result<Receipt, GdprError> {
        if text.len() > MAX_BYTES {
            return Err(GdprError::NotAReceipt);
        }
        let r: Receipt = serde_json::from_str(text).map_err(|_| GdprError::NotAReceipt)?;
        if r.kind != KIND || r.version != VERSION || r.organisation != organisation {
            return Err(GdprError::NotAReceipt);
        }
        let tag =
            r.mac.as_deref().and_then(|m| m.strip_prefix(MAC_PREFIX)).and_then(hex).ok_or(GdprError::NotAReceipt)?;
        mac_of(tenant, &r)?.verify_slice(&tag).map_err(|_| GdprError::NotAReceipt)?;
        Ok(r)
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if s.len() != 64 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// RFC 3339 in UTC for a Unix time in milliseconds.
pub fn rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let day = secs.rem_euclid(86_400);
    format!("{}T{:02}:{:02}:{:02}Z", crate::model::format::iso_date(secs), day / 3600, day % 3600 / 60, day % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Key([u8; 32]);
    impl Ledger for Key {
        fn db(&self) -> &crate::core::db::Db {
            unreachable!()
        }
        fn logbook_key(&self) -> &[u8; 32] {
            &self.0
        }
    }

    fn receipt() -> Receipt {
        Receipt {
            kind: KIND.into(),
            version: VERSION,
            id: "r1".into(),
            organisation: "acme".into(),
            erased_at: rfc3339(1_764_876_000_000),
            erased_by: "user:a1".into(),
            reason: "request".into(),
            person_id: "p1".into(),
            personnummer_index: "ab".repeat(32),
            erased: BTreeMap::from([("talks".to_string(), 3)]),
            kept: BTreeMap::new(),
            mac: None,
        }
    }

    #[test]
    fn a_signed_receipt_verifies_and_a_changed_one_does_not() {
        let k = Key([7; 32]);
        let mut r = receipt();
        r.sign(&k).expect("sign");
        let text = r.to_json();
        assert_eq!(Receipt::verify(&k, "acme", &text).expect("verifies"), r);
        assert!(Receipt::verify(&k, "beta", &text).is_err(), "another organisation's");
        assert!(Receipt::verify(&Key([8; 32]), "acme", &text).is_err(), "another key");
        let changed = text.replace("\"talks\": 3", "\"talks\": 2");
        assert_ne!(changed, text);
        assert!(Receipt::verify(&k, "acme", &changed).is_err(), "a changed count");
        let unsigned = Receipt { mac: None, ..r.clone() }.to_json();
        assert!(Receipt::verify(&k, "acme", &unsigned).is_err(), "no MAC");
        let extra = text.replacen('{', "{\"note\": \"x\",", 1);
        assert!(Receipt::verify(&k, "acme", &extra).is_err(), "an added field");
        assert_eq!(rfc3339(1_764_876_000_000), "2025-12-04T19:20:00Z");
    }
}
