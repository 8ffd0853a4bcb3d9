//! A tenant's keys: the KEK (derived, held only in memory), and the data keys it wraps (random,
//! versioned, stored wrapped in `data_keys`). Unwrapped keys are cached in memory for as long as
//! the tenant is open and zeroized when it is dropped; they are never logged (`Debug` shows
//! only versions).
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use aes_gcm::{
    aead::{Aead, Payload},
    Aes256Gcm, KeyInit, Nonce,
};
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};
use zeroize::Zeroizing;

use super::{random, CryptoError, Vault};
use crate::core::{
    clock::Clock,
    db::Db,
    keys::MasterKey,
    logbook::{self, Action, Actor, Event, Id, Outcome, TargetType},
};

/// The HKDF purpose of a tenant's key-encryption key.
pub const KEK_PURPOSE: &str = "samtal/kek/v1";

/// What a data key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Purpose {
    /// Encrypts fields; versioned, one current.
    Data,
    /// Makes blind indexes; one for the tenant's life (a new one would need every index redone).
    Index,
    /// MACs the logbook chain: pinned here by the first master-key rotation (until then it is
    /// derived from the master key), so the chain outlives the master key that began it.
    Logbook,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Data => "data",
            Purpose::Index => "index",
            Purpose::Logbook => "logbook",
        }
    }
}

/// How encryptions are counted. AES-GCM with random 96-bit nonces stays within NIST's bound
/// (SP 800-38D: at most 2^32 encryptions per key) by a wide margin at `limit`: a key is rotated
/// automatically once its count passes it. Each process reserves `reserve` encryptions at a time
/// with one database write, so the stored count is never below the real one, whatever number of
/// servers share the tenant.
#[derive(Debug, Clone, Copy)]
pub struct KeyPolicy {
    pub reserve: u64,
    pub limit: u64,
    /// How long a process trusts its idea of the current key before it asks the database again
    /// (so a rotation by another process is followed within this time).
    pub recheck: Duration,
}

impl Default for KeyPolicy {
    fn default() -> Self {
        Self { reserve: 1024, limit: 1 << 28, recheck: Duration::from_secs(10) }
    }
}

/// A key's lifecycle: `current` seals new values; `old` still opens values not yet rewrapped;
/// `retired` is destroyed (no field uses it any more, and its wrapped bytes are gone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    Current,
    Old,
    Retired,
}

impl KeyState {
    fn parse(s: &str) -> Self {
        match s {
            "current" => KeyState::Current,
            "old" => KeyState::Old,
            _ => KeyState::Retired,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Current => "current",
            KeyState::Old => "old",
            KeyState::Retired => "retired",
        }
    }
}

/// What may be said about a key: never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    pub purpose: &'static str,
    pub version: u32,
    pub state: KeyState,
    pub sealed_count: u64,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

/// 32 secret bytes, zeroized when the last holder lets go.
pub(crate) struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

struct Current {
    version: u32,
    key: Arc<DataKey>,
    until: Instant,
    allowance: u64,
}

#[derive(Default)]
struct Cache {
    keys: HashMap<(Purpose, u32), Arc<DataKey>>,
    current: Option<Current>,
}

/// One tenant's keys, as this process holds them.
pub struct Keyring {
    slug: String,
    kek: Zeroizing<[u8; 32]>,
    kek_id: String,
    policy: KeyPolicy,
    cache: Mutex<Cache>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring").field("tenant", &self.slug).field("kek_id", &self.kek_id).finish_non_exhaustive()
    }
}

/// A fingerprint that tells KEKs apart without saying anything about them.
fn kek_id(kek: &[u8; 32]) -> String {
    let digest = Sha256::new().chain_update(b"samtal kek id v1\0").chain_update(kek).finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

impl Keyring {
    pub fn new(slug: &str, master: &MasterKey) -> Self {
        let kek = master.derive(KEK_PURPOSE, slug.as_bytes());
        Self {
            slug: slug.to_string(),
            kek_id: kek_id(&kek),
            kek,
            policy: KeyPolicy::default(),
            cache: Mutex::new(Cache::default()),
        }
    }

    pub fn with_policy(mut self, policy: KeyPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The fingerprint of this tenant's KEK under the master key in use.
    pub fn kek_id(&self) -> &str {
        &self.kek_id
    }

    pub(crate) fn slug(&self) -> &str {
        &self.slug
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        // The cache holds no invariant a panic could break halfway: keep using it.
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forget which key is current (after a rotation in this process).
    pub fn forget_current(&self) {
        self.cache().current = None;
    }

    /// The current data key for one more encryption, counted.
    pub(crate) async fn for_sealing(
        &self,
        vault: &impl Vault,
        clock: &dyn Clock,
    ) -> Result<(u32, Arc<DataKey>), CryptoError> {
        {
            let mut cache = self.cache();
            if let Some(c) = cache.current.as_mut() {
                if c.allowance > 0 && Instant::now() < c.until {
                    c.allowance -= 1;
                    return Ok((c.version, c.key.clone()));
                }
            }
        }
        let (version, key) = self.reserve(vault, clock).await?;
        let mut cache = self.cache();
        cache.keys.insert((Purpose::Data, version), key.clone());
        cache.current = Some(Current {
            version,
            key: key.clone(),
            until: Instant::now() + self.policy.recheck,
            allowance: self.policy.reserve.saturating_sub(1),
        });
        Ok((version, key))
    }

    /// Reserves the next batch of encryptions under the current key, making the first key or
    /// rotating to a new one when the count would pass the limit.
    async fn reserve(&self, vault: &impl Vault, clock: &dyn Clock) -> Result<(u32, Arc<DataKey>), CryptoError> {
        let db = vault.db();
        let reserve = i64::try_from(self.policy.reserve).unwrap_or(i64::MAX);
        for _ in 0..4 {
            let mut tx = db.pool().begin().await?;
            // The UPDATE takes the current key's row first, so reservations and rotations by
            // several processes queue behind one another.
            let row: Option<(i64, Vec<u8>, i64)> = sqlx::query_as(
                "UPDATE data_keys SET sealed_count = sealed_count + $1 \
                 WHERE purpose = 'data' AND state = 'current' RETURNING version, wrapped, sealed_count",
            )
            .bind(reserve)
            .fetch_optional(&mut *tx)
            .await?;
            let made = match row {
                Some((version, wrapped, count)) if (count as u64) <= self.policy.limit => {
                    let version = version_u32(version)?;
                    let key = self.unwrap(Purpose::Data, version, &wrapped)?;
                    tx.commit().await?;
                    return Ok((version, key));
                }
                Some((version, _, _)) => {
                    sqlx::query("UPDATE data_keys SET state = 'old' WHERE purpose = 'data' AND version = $1")
                        .bind(version)
                        .execute(&mut *tx)
                        .await?;
                    self.insert_current(&mut tx, vault, clock, version_u32(version)? + 1, Actor::System).await
                }
                None => {
                    let (newest,): (Option<i64>,) =
                        sqlx::query_as("SELECT MAX(version) FROM data_keys WHERE purpose = 'data'")
                            .fetch_one(&mut *tx)
                            .await?;
                    self.insert_current(&mut tx, vault, clock, version_u32(newest.unwrap_or(0))? + 1, Actor::System)
                        .await
                }
            };
            match made {
                Ok(key) => {
                    tx.commit().await?;
                    return Ok(key);
                }
                // Another process made the same version first: read theirs on the next turn.
                Err(CryptoError::Db(e)) if e.as_database_error().is_some_and(|d| d.is_unique_violation()) => {
                    drop(tx);
                }
                Err(e) => return Err(e),
            }
        }
        Err(CryptoError::Db(sqlx::Error::Protocol("the current data key kept changing".into())))
    }

    /// A new random data key as the current one, `sealed_count` already holding this process's
    /// first reservation, logged in the same transaction.
    async fn insert_current(
        &self,
        tx: &mut Transaction<'static, Any>,
        vault: &impl Vault,
        clock: &dyn Clock,
        version: u32,
        actor: Actor,
    ) -> Result<(u32, Arc<DataKey>), CryptoError> {
        let key = Arc::new(DataKey(Zeroizing::new(random::<32>()?)));
        let wrapped = self.wrap(Purpose::Data, version, &key)?;
        sqlx::query(
            "INSERT INTO data_keys (purpose, version, wrapped, kek_id, state, sealed_count, created_at) \
             VALUES ('data', $1, $2, $3, 'current', $4, $5)",
        )
        .bind(i64::from(version))
        .bind(wrapped)
        .bind(&self.kek_id)
        .bind(i64::try_from(self.policy.reserve).unwrap_or(i64::MAX))
        .bind(clock.now_ms())
        .execute(&mut **tx)
        .await?;
        let action = if version == 1 { Action::DataKeyCreated } else { Action::DataKeyRotated };
        let event =
            Event::new(actor, action, Outcome::Success).target(TargetType::DataKey, Id::from_seq(version.into()));
        logbook::append(tx, vault, clock, &event).await?;
        Ok((version, key))
    }

    /// The key of `purpose` and `version`, from memory or unwrapped from the database.
    pub(crate) async fn key(&self, db: &Db, purpose: Purpose, version: u32) -> Result<Arc<DataKey>, CryptoError> {
        if let Some(key) = self.cache().keys.get(&(purpose, version)) {
            return Ok(key.clone());
        }
        let row: Option<(Vec<u8>, String)> =
            sqlx::query_as("SELECT wrapped, state FROM data_keys WHERE purpose = $1 AND version = $2")
                .bind(purpose.as_str())
                .bind(i64::from(version))
                .fetch_optional(db.pool())
                .await?;
        match row {
            Some((wrapped, state)) if KeyState::parse(&state) != KeyState::Retired => {
                let key = self.unwrap(purpose, version, &wrapped)?;
                self.cache().keys.insert((purpose, version), key.clone());
                Ok(key)
            }
            _ => Err(CryptoError::UnknownKey(version)),
        }
    }

    /// The tenant's blind-index key, made on first use.
    pub(crate) async fn index_key(&self, vault: &impl Vault, clock: &dyn Clock) -> Result<Arc<DataKey>, CryptoError> {
        match self.key(vault.db(), Purpose::Index, 1).await {
            Err(CryptoError::UnknownKey(_)) => {}
            found => return found,
        }
        let key = Arc::new(DataKey(Zeroizing::new(random::<32>()?)));
        let wrapped = self.wrap(Purpose::Index, 1, &key)?;
        let inserted = sqlx::query(
            "INSERT INTO data_keys (purpose, version, wrapped, kek_id, state, sealed_count, created_at) \
             VALUES ('index', 1, $1, $2, 'current', 0, $3)",
        )
        .bind(wrapped)
        .bind(&self.kek_id)
        .bind(clock.now_ms())
        .execute(vault.db().pool())
        .await;
        match inserted {
            Ok(_) => {
                self.cache().keys.insert((Purpose::Index, 1), key.clone());
                Ok(key)
            }
            // Made by someone else a moment ago: theirs is the one.
            Err(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()) => {
                self.key(vault.db(), Purpose::Index, 1).await
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The tenant's logbook key if a master rotation has pinned it, else `None` (derive it).
    pub async fn pinned_logbook_key(&self, db: &Db) -> Result<Option<Zeroizing<[u8; 32]>>, CryptoError> {
        let row: Option<(Vec<u8>,)> =
            sqlx::query_as("SELECT wrapped FROM data_keys WHERE purpose = 'logbook' AND version = 1")
                .fetch_optional(db.pool())
                .await?;
        match row {
            Some((wrapped,)) => Ok(Some(Zeroizing::new(*self.unwrap(Purpose::Logbook, 1, &wrapped)?.bytes()))),
            None => Ok(None),
        }
    }

    fn cipher(&self) -> Result<Aes256Gcm, CryptoError> {
        Aes256Gcm::new_from_slice(self.kek.as_slice()).map_err(|_| CryptoError::Random)
    }

    /// Binds a wrapped key to its tenant, purpose and version: a key row copied to another
    /// version or organisation does not unwrap.
    fn wrap_aad(&self, purpose: Purpose, version: u32) -> Vec<u8> {
        let mut aad = b"samtal data key v1\0".to_vec();
        aad.extend_from_slice(self.slug.as_bytes());
        aad.push(0);
        aad.extend_from_slice(purpose.as_str().as_bytes());
        aad.push(0);
        aad.extend_from_slice(&version.to_be_bytes());
        aad
    }

    fn wrap(&self, purpose: Purpose, version: u32, key: &DataKey) -> Result<Vec<u8>, CryptoError> {
        let nonce = random::<12>()?;
        let aad = self.wrap_aad(purpose, version);
        let sealed = self
            .cipher()?
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: key.bytes(), aad: &aad })
            .map_err(|_| CryptoError::Random)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    fn unwrap(&self, purpose: Purpose, version: u32, wrapped: &[u8]) -> Result<Arc<DataKey>, CryptoError> {
        if wrapped.len() != 12 + 32 + 16 {
            return Err(CryptoError::KeyUnwrap(version));
        }
        let (nonce, sealed) = wrapped.split_at(12);
        let aad = self.wrap_aad(purpose, version);
        let plain = Zeroizing::new(
            self.cipher()?
                .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: &aad })
                .map_err(|_| CryptoError::KeyUnwrap(version))?,
        );
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&plain);
        Ok(Arc::new(DataKey(key)))
    }
}

/// What a master-key rotation did to one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KekRewrap {
    /// Every key was already wrapped under the new KEK (a re-run after a stop).
    AlreadyDone,
    /// This many keys were rewrapped (and the logbook key pinned if it was not).
    Rewrapped(usize),
}

/// Moves every live key of one tenant from the `old` KEK to the `new` one inside `tx`, and pins
/// `derived_logbook_key` (the key the chain is MACed with while none is pinned) if no logbook
/// key is pinned yet. Only the wrapping changes: no field is touched, and the same data keys
/// open the same values. A key under neither KEK stops the tenant with
/// [`CryptoError::KeyUnwrap`]. Returns what it did and the tenant's logbook key from now on.
pub async fn rewrap_kek(
    tx: &mut Transaction<'static, Any>,
    old: &Keyring,
    new: &Keyring,
    derived_logbook_key: &[u8; 32],
) -> Result<(KekRewrap, Zeroizing<[u8; 32]>), CryptoError> {
    let rows: Vec<(String, i64, Vec<u8>, String)> =
        sqlx::query_as("SELECT purpose, version, wrapped, kek_id FROM data_keys WHERE state <> 'retired'")
            .fetch_all(&mut **tx)
            .await?;
    let mut moved = 0;
    let mut logbook_key = None;
    for (purpose, version, wrapped, kek_id) in rows {
        let purpose = match purpose.as_str() {
            "data" => Purpose::Data,
            "index" => Purpose::Index,
            _ => Purpose::Logbook,
        };
        let version = version_u32(version)?;
        let under = if kek_id == new.kek_id {
            new
        } else if kek_id == old.kek_id {
            old
        } else {
            return Err(CryptoError::KeyUnwrap(version));
        };
        // Every key is unwrapped, even one already moved: a rotation succeeds only when the new
        // master really opens all of them.
        let key = under.unwrap(purpose, version, &wrapped)?;
        if purpose == Purpose::Logbook {
            logbook_key = Some(Zeroizing::new(*key.bytes()));
        }
        if std::ptr::eq(under, new) {
            continue;
        }
        sqlx::query("UPDATE data_keys SET wrapped = $1, kek_id = $2 WHERE purpose = $3 AND version = $4")
            .bind(new.wrap(purpose, version, &key)?)
            .bind(&new.kek_id)
            .bind(purpose.as_str())
            .bind(i64::from(version))
            .execute(&mut **tx)
            .await?;
        moved += 1;
    }
    let logbook_key = match logbook_key {
        Some(key) => key,
        None => {
            pin_logbook_key(tx, new, derived_logbook_key).await?;
            moved += 1;
            Zeroizing::new(*derived_logbook_key)
        }
    };
    Ok((if moved == 0 { KekRewrap::AlreadyDone } else { KekRewrap::Rewrapped(moved) }, logbook_key))
}

async fn pin_logbook_key(
    tx: &mut Transaction<'static, Any>,
    new: &Keyring,
    logbook_key: &[u8; 32],
) -> Result<(), CryptoError> {
    {
        let key = DataKey(Zeroizing::new(*logbook_key));
        sqlx::query(
            "INSERT INTO data_keys (purpose, version, wrapped, kek_id, state, sealed_count, created_at) \
             VALUES ('logbook', 1, $1, $2, 'current', 0, 0)",
        )
        .bind(new.wrap(Purpose::Logbook, 1, &key)?)
        .bind(&new.kek_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

fn version_u32(v: i64) -> Result<u32, CryptoError> {
    u32::try_from(v).map_err(|_| CryptoError::Malformed)
}

/// Makes a new current data key (the old one stays for values not yet rewrapped), logged.
/// Returns the new version.
pub async fn rotate(vault: &impl Vault, clock: &dyn Clock, actor: Actor) -> Result<u32, CryptoError> {
    let keyring = vault.keyring();
    let mut tx = vault.db().pool().begin().await?;
    let old: Option<(i64,)> = sqlx::query_as(
        "UPDATE data_keys SET state = 'old' WHERE purpose = 'data' AND state = 'current' RETURNING version",
    )
    .fetch_optional(&mut *tx)
    .await?;
    let newest = match old {
        Some((v,)) => v,
        None => {
            let (v,): (Option<i64>,) =
                sqlx::query_as("SELECT MAX(version) FROM data_keys WHERE purpose = 'data'").fetch_one(&mut *tx).await?;
            v.unwrap_or(0)
        }
    };
    let (version, _) = keyring.insert_current(&mut tx, vault, clock, version_u32(newest)? + 1, actor).await?;
    tx.commit().await?;
    keyring.forget_current();
    Ok(version)
}

/// Every key of the tenant, newest first: versions, states and counts, never values.
pub async fn list(db: &Db) -> Result<Vec<KeyInfo>, CryptoError> {
    let rows: Vec<(String, i64, String, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT purpose, version, state, sealed_count, created_at, retired_at FROM data_keys \
         ORDER BY purpose, version DESC",
    )
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|(purpose, version, state, count, created_at, retired_at)| {
            Ok(KeyInfo {
                purpose: match purpose.as_str() {
                    "index" => "index",
                    "logbook" => "logbook",
                    _ => "data",
                },
                version: version_u32(version)?,
                state: KeyState::parse(&state),
                sealed_count: u64::try_from(count).unwrap_or(0),
                created_at,
                retired_at,
            })
        })
        .collect()
}

/// Destroys an old data key that no field uses any more: its wrapped bytes are overwritten, so
/// even the master key cannot bring it back. Logged.
pub(crate) async fn retire(
    vault: &impl Vault,
    clock: &dyn Clock,
    version: u32,
    actor: Actor,
) -> Result<(), CryptoError> {
    let mut tx = vault.db().pool().begin().await?;
    let done = sqlx::query(
        "UPDATE data_keys SET state = 'retired', wrapped = $1, retired_at = $2 \
         WHERE purpose = 'data' AND version = $3 AND state = 'old'",
    )
    .bind(Vec::<u8>::new())
    .bind(clock.now_ms())
    .bind(i64::from(version))
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        let event = Event::new(actor, Action::DataKeyRetired, Outcome::Success)
            .target(TargetType::DataKey, Id::from_seq(version.into()));
        logbook::append(&mut tx, vault, clock, &event).await?;
    }
    tx.commit().await?;
    vault.keyring().cache().keys.remove(&(Purpose::Data, version));
    Ok(())
}
