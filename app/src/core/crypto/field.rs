//! One encrypted field: `format (1) ‖ data-key version (4, big-endian) ‖ nonce (12) ‖
//! ciphertext ‖ tag (16)`. The associated data is the tenant, table, column and row, plus the
//! five header bytes, so neither the place nor the key version can be changed unnoticed.
use std::marker::PhantomData;

use aes_gcm::{
    aead::{Aead, Payload},
    Aes256Gcm, KeyInit, Nonce,
};
use zeroize::Zeroizing;

use super::{
    keyring::{DataKey, Purpose},
    random, CryptoError, FieldRef, Vault,
};
use crate::core::{
    clock::Clock,
    logbook::{self, Action, Actor, Event, Id, Outcome, TargetType},
};

/// The layout above; a later layout gets a new number and this one stays readable.
pub const FORMAT_VERSION: u8 = 1;
const HEADER: usize = 1 + 4;
const NONCE: usize = 12;
const TAG: usize = 16;

/// What can be sealed: turned into bytes and back (the bytes are zeroized after use).
pub trait Plaintext: Sized {
    fn to_plain(&self) -> Zeroizing<Vec<u8>>;
    fn from_plain(bytes: Zeroizing<Vec<u8>>) -> Result<Self, CryptoError>;
}

impl Plaintext for String {
    fn to_plain(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.as_bytes().to_vec())
    }
    fn from_plain(bytes: Zeroizing<Vec<u8>>) -> Result<Self, CryptoError> {
        String::from_utf8(bytes.to_vec()).map_err(|_| CryptoError::Plaintext("text"))
    }
}

impl Plaintext for crate::model::personnummer::Personnummer {
    fn to_plain(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.digits().into_bytes())
    }
    fn from_plain(bytes: Zeroizing<Vec<u8>>) -> Result<Self, CryptoError> {
        let text = String::from_utf8(bytes.to_vec()).map_err(|_| CryptoError::Plaintext("personnummer"))?;
        Self::try_from(text).map_err(|_| CryptoError::Plaintext("personnummer"))
    }
}

/// A sealed value of type `T`, as stored (a BLOB/BYTEA column). It can only be opened where it
/// was sealed.
pub struct Sealed<T> {
    bytes: Vec<u8>,
    kind: PhantomData<fn() -> T>,
}

impl<T> Clone for Sealed<T> {
    fn clone(&self) -> Self {
        Self { bytes: self.bytes.clone(), kind: PhantomData }
    }
}

impl<T> PartialEq for Sealed<T> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl<T> std::fmt::Debug for Sealed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.key_version() {
            Some(v) => write!(f, "Sealed(key {v}, {} bytes)", self.bytes.len()),
            None => write!(f, "Sealed(malformed, {} bytes)", self.bytes.len()),
        }
    }
}

impl<T> Sealed<T> {
    /// A value read from its column (checked when opened).
    pub fn from_stored(bytes: Vec<u8>) -> Self {
        Self { bytes, kind: PhantomData }
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
    /// The data-key version it names, if it has our layout.
    pub fn key_version(&self) -> Option<u32> {
        key_version(&self.bytes)
    }
}

pub(crate) fn key_version(bytes: &[u8]) -> Option<u32> {
    if bytes.len() < HEADER + NONCE + TAG || bytes[0] != FORMAT_VERSION {
        return None;
    }
    Some(u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]))
}

/// Encrypts `value` for its place `at`, under the tenant's current data key.
pub async fn seal<T: Plaintext>(
    vault: &impl Vault,
    clock: &dyn Clock,
    at: FieldRef<'_>,
    value: &T,
) -> Result<Sealed<T>, CryptoError> {
    let (version, key) = vault.keyring().for_sealing(vault, clock).await?;
    let bytes = seal_bytes(vault.keyring().slug(), at, version, &key, &value.to_plain())?;
    Ok(Sealed::from_stored(bytes))
}

/// Decrypts a value sealed for `at`. Anything else — altered, moved, another organisation's, an
/// unknown or destroyed key — is an error, never garbage.
pub async fn open<T: Plaintext>(vault: &impl Vault, at: FieldRef<'_>, sealed: &Sealed<T>) -> Result<T, CryptoError> {
    T::from_plain(open_bytes(vault, at, sealed.as_bytes()).await?)
}

pub(crate) async fn open_bytes(
    vault: &impl Vault,
    at: FieldRef<'_>,
    bytes: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let version = key_version(bytes).ok_or(CryptoError::Malformed)?;
    let key = vault.keyring().key(vault.db(), Purpose::Data, version).await?;
    let (header, rest) = bytes.split_at(HEADER);
    let (nonce, sealed) = rest.split_at(NONCE);
    let aad = aad(vault.keyring().slug(), at, header);
    let cipher = Aes256Gcm::new_from_slice(key.bytes()).map_err(|_| CryptoError::Tampered)?;
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: &aad })
        .map(Zeroizing::new)
        .map_err(|_| CryptoError::Tampered)
}

pub(crate) fn seal_bytes(
    slug: &str,
    at: FieldRef<'_>,
    version: u32,
    key: &DataKey,
    plain: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let nonce = random::<NONCE>()?;
    let mut out = Vec::with_capacity(HEADER + NONCE + plain.len() + TAG);
    out.push(FORMAT_VERSION);
    out.extend_from_slice(&version.to_be_bytes());
    let aad = aad(slug, at, &out);
    let cipher = Aes256Gcm::new_from_slice(key.bytes()).map_err(|_| CryptoError::Random)?;
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad: &aad })
        .map_err(|_| CryptoError::Random)?;
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

fn aad(slug: &str, at: FieldRef<'_>, header: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(64 + at.row.len());
    aad.extend_from_slice(b"samtal field v1");
    // Length-prefixed, so no two places can spell the same associated data.
    for part in [slug, at.table, at.column, at.row] {
        aad.extend_from_slice(&(part.len() as u32).to_be_bytes());
        aad.extend_from_slice(part.as_bytes());
    }
    aad.extend_from_slice(header);
    aad
}

/// Records that a stored value could not be opened (ids only): a sign of tampering or of a
/// lost key, which an organisation must be able to see.
pub async fn record_unreadable(
    vault: &impl Vault,
    clock: &dyn Clock,
    actor: Actor,
    target: TargetType,
    id: Id,
) -> Result<(), CryptoError> {
    let event = Event::new(actor, Action::FieldUnreadable, Outcome::Failure).target(target, id);
    logbook::record(vault, clock, &event).await?;
    Ok(())
}
