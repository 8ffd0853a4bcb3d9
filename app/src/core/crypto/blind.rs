//! Blind indexes: a keyed hash of a value, stored beside its sealed form, so an exact lookup or
//! a uniqueness check needs no decryption and the database never holds the value. The key is
//! the tenant's own random index key (never a data key), so the same personnummer has
//! unrelated indexes in two organisations.
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{CryptoError, Vault};
use crate::core::clock::Clock;

/// The index of `value` as a `kind` of value (e.g. `"personnummer"`): 64 hexadecimal digits.
pub async fn blind_index(
    vault: &impl Vault,
    clock: &dyn Clock,
    kind: &str,
    value: &str,
) -> Result<String, CryptoError> {
    let key = vault.keyring().index_key(vault, clock).await?;
    Ok(index_with(key.bytes(), kind, value))
}

pub(crate) fn index_with(key: &[u8; 32], kind: &str, value: &str) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(b"samtal blind index v1");
    for part in [kind, value] {
        mac.update(&(part.len() as u32).to_be_bytes());
        mac.update(part.as_bytes());
    }
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}
