//! Envelope encryption of sensitive fields, so whoever administers a database cannot read them.
//!
//! The master key never encrypts data. Per tenant a key-encryption key (KEK) is derived from it
//! (HKDF, `samtal/kek/v1`); the KEK only wraps the tenant's **data keys**, which are random,
//! versioned and stored wrapped in the tenant's own database (`data_keys`). One data key is
//! current for new writes; older ones stay until a rewrap has moved every field off them.
//!
//! A field is one self-describing value ([`Sealed`]): format version, data-key version, a
//! 96-bit random nonce, ciphertext and tag. The associated data binds it to the tenant, table,
//! column and row, so a value copied anywhere else does not open. Features call [`seal`] and
//! [`open`] with a [`FieldRef`] and never see a nonce or a key.
//!
//! Blind indexes ([`blind_index`]) are HMAC-SHA256 under a separate random index key of the
//! tenant, wrapped the same way: exact lookup and uniqueness without storing the value.
mod blind;
mod field;
mod keyring;
mod rewrap;

pub use blind::blind_index;
pub use field::{open, record_unreadable, seal, Plaintext, Sealed, FORMAT_VERSION};
pub use keyring::{
    list as list_keys, rewrap_kek, rotate, KekRewrap, KeyInfo, KeyPolicy, KeyState, Keyring, KEK_PURPOSE,
};
pub use rewrap::{key_uses, rewrap, RewrapProgress, RewrapReport, RETIRE_GRACE_MS};

use crate::core::logbook::Ledger;

/// What the crypto layer needs of a tenant: its database (the wrapped keys live there), its
/// keyring (the KEK and the unwrapped keys it holds), and its logbook. Tenancy's `Tenant` is
/// one; this module knows nothing above it.
pub trait Vault: Ledger + Send + Sync {
    fn keyring(&self) -> &Keyring;
}

/// A column that holds sealed values, and the column its rows are told apart by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub table: &'static str,
    pub column: &'static str,
    pub id_column: &'static str,
}

impl Field {
    pub fn at<'a>(&self, row: &'a str) -> FieldRef<'a> {
        FieldRef { table: self.table, column: self.column, row }
    }
}

/// Every sealed column in the tenant schema. A migration that adds one adds it here, so that a
/// rewrap reaches it (`app/tests/crypto.rs` checks the live schema against this list).
pub const FIELDS: &[Field] = &[
    Field { table: "persons", column: "pnr_sealed", id_column: "id" },
    Field { table: "import_drafts", column: "csv_sealed", id_column: "id" },
    Field { table: "talk_texts", column: "body_sealed", id_column: "id" },
    Field { table: "talk_private_notes", column: "body_sealed", id_column: "id" },
    Field { table: "talk_addenda", column: "body_sealed", id_column: "id" },
];

/// One sealed value's place: what its associated data binds it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRef<'a> {
    pub table: &'static str,
    pub column: &'static str,
    pub row: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// Not a sealed value this program wrote (too short, or an unknown format version).
    #[error("the stored value is not an encrypted field")]
    Malformed,
    /// The value names a data key this tenant does not have.
    #[error("the stored value names data key {0}, which this organisation does not have")]
    UnknownKey(u32),
    /// The tag did not verify: the value was altered, copied from another row, column or
    /// organisation, or made under another key. Nothing of it is returned.
    #[error("the stored value does not decrypt here: it was altered or moved")]
    Tampered,
    /// A wrapped data key did not open under this tenant's KEK: the master key is not the one
    /// that wrapped it (or the key row was altered).
    #[error("data key {0} does not open under this master key")]
    KeyUnwrap(u32),
    #[error("the operating system's random source failed")]
    Random,
    #[error("the decrypted value is not valid {0}")]
    Plaintext(&'static str),
    #[error("key storage: {0}")]
    Db(#[from] sqlx::Error),
    #[error("the logbook could not be written: {0}")]
    Logbook(#[from] crate::core::logbook::LogbookError),
}

impl From<crate::core::db::DbError> for CryptoError {
    fn from(e: crate::core::db::DbError) -> Self {
        match e {
            crate::core::db::DbError::Sqlx(e) => CryptoError::Db(e),
            other => CryptoError::Db(sqlx::Error::Protocol(other.to_string())),
        }
    }
}

impl CryptoError {
    /// A stored value that cannot be read (as opposed to a fault of the machinery): what the
    /// page says in plain words and the logbook records.
    pub fn is_unreadable(&self) -> bool {
        matches!(self, CryptoError::Malformed | CryptoError::UnknownKey(_) | CryptoError::Tampered)
    }
}

fn random<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|_| CryptoError::Random)?;
    Ok(out)
}
