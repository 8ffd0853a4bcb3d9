//! The MAC chain: mac_n = HMAC-SHA256(K_log, mac_{n-1} || canonical(event_n)), mac_0 = 32 zero
//! bytes. Canonical bytes are length-prefixed, so no two different events encode the same.
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::StoredEvent;

pub const GENESIS: [u8; 32] = [0; 32];

fn field(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        Some(s) => {
            out.extend_from_slice(&(s.len() as u32).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
        None => out.extend_from_slice(&u32::MAX.to_be_bytes()),
    }
}

pub fn canonical(e: &StoredEvent, seq: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(b"samtal-logbook-v1");
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&e.at_ms.to_be_bytes());
    field(&mut out, Some(&e.actor));
    field(&mut out, Some(&e.action));
    field(&mut out, e.target_type.as_deref());
    field(&mut out, e.target_id.as_deref());
    field(&mut out, Some(&e.outcome));
    field(&mut out, e.ip.as_deref());
    field(&mut out, e.user_agent.as_deref());
    field(&mut out, e.request_id.as_deref());
    // Added with summaries; single events encode as before, so older chains still verify.
    if e.repeats != 1 {
        out.extend_from_slice(b"repeats");
        out.extend_from_slice(&e.repeats.to_be_bytes());
    }
    out
}

/// The MAC of `e` as if it had sequence number `seq`, chained after `prev`.
pub fn mac(key: &[u8; 32], prev: &[u8], e: &StoredEvent, seq: i64) -> Vec<u8> {
    // HMAC takes keys of any length, so this cannot fail.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    m.update(prev);
    m.update(&canonical(e, seq));
    m.finalize().into_bytes().to_vec()
}

pub fn verifies(key: &[u8; 32], prev: &[u8], e: &StoredEvent, seq: i64) -> bool {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    m.update(prev);
    m.update(&canonical(e, seq));
    m.verify_slice(&e.mac).is_ok()
}
