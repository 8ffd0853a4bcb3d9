//! The master key (KEK): 32 random bytes from a file or the environment, never in a database,
//! never logged, zeroized when dropped. Purpose keys (the logbook MAC key, later data-key
//! wrapping) are derived from it with HKDF-SHA256, one per purpose and tenant.
use std::{io::Write, path::Path};

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the master key must be 64 hexadecimal characters (32 bytes)")]
    Format,
    #[error("cannot read the master key file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("cannot write the master key file {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("the master key file {0} is readable by other users; run: chmod 600 {0}")]
    Permissions(String),
    #[error("the operating system's random source failed")]
    Random,
}

/// 32 secret bytes. `Debug` shows nothing of them.
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        let text = Zeroizing::new(text.trim().to_string());
        if text.len() != 64 {
            return Err(KeyError::Format);
        }
        let mut key = Zeroizing::new([0u8; 32]);
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2).ok_or(KeyError::Format)?, 16)
                .map_err(|_| KeyError::Format)?;
        }
        Ok(Self(key))
    }

    pub fn random() -> Result<Self, KeyError> {
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::fill(key.as_mut_slice()).map_err(|_| KeyError::Random)?;
        Ok(Self(key))
    }

    /// Reads a key file, refusing one that other users could read.
    pub fn load_file(path: &Path) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(path).map_err(|source| KeyError::Read { path: shown.clone(), source })?;
            if meta.permissions().mode() & 0o077 != 0 {
                return Err(KeyError::Permissions(shown));
            }
        }
        let text =
            Zeroizing::new(std::fs::read_to_string(path).map_err(|source| KeyError::Read { path: shown, source })?);
        Self::from_hex(&text)
    }

    /// Creates a new random key file with mode 0600; fails if the file exists.
    pub fn generate_file(path: &Path) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        let key = Self::random()?;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut file = opts.open(path).map_err(|source| KeyError::Write { path: shown.clone(), source })?;
        let hex = Zeroizing::new(key.0.iter().map(|b| format!("{b:02x}")).collect::<String>());
        file.write_all(hex.as_bytes())
            .and_then(|()| file.write_all(b"\n"))
            .and_then(|()| file.sync_all())
            .map_err(|source| KeyError::Write { path: shown, source })?;
        Ok(key)
    }

    /// A 32-byte key for one purpose and context (e.g. the logbook of one tenant).
    pub fn derive(&self, purpose: &str, context: &[u8]) -> Zeroizing<[u8; 32]> {
        let hk = Hkdf::<Sha256>::new(Some(b"samtal master key v1"), self.0.as_slice());
        let mut info = Vec::with_capacity(purpose.len() + 1 + context.len());
        info.extend_from_slice(purpose.as_bytes());
        info.push(0);
        info.extend_from_slice(context);
        let mut out = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's 8160-byte limit, so expand cannot fail.
        let _ = hk.expand(&info, out.as_mut_slice());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hex_and_refuses_anything_else() {
        assert!(MasterKey::from_hex(&"ab".repeat(32)).is_ok());
        assert!(MasterKey::from_hex(&format!("{}\n", "ab".repeat(32))).is_ok());
        assert!(matches!(MasterKey::from_hex("abcd"), Err(KeyError::Format)));
        assert!(matches!(MasterKey::from_hex(&"zz".repeat(32)), Err(KeyError::Format)));
        assert!(matches!(MasterKey::from_hex(&"é".repeat(32)), Err(KeyError::Format)));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let k = MasterKey::from_hex(&"ab".repeat(32)).expect("key");
        assert_eq!(format!("{k:?}"), "MasterKey(..)");
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_context() {
        let k = MasterKey::from_hex(&"01".repeat(32)).expect("key");
        let a = k.derive("logbook", b"acme");
        assert_eq!(*a, *k.derive("logbook", b"acme"));
        assert_ne!(*a, *k.derive("logbook", b"beta"));
        assert_ne!(*a, *k.derive("wrap", b"acme"));
    }

    #[test]
    fn generated_file_is_private_and_loads_back() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("master.key");
        let k = MasterKey::generate_file(&path).expect("generate");
        let again = MasterKey::load_file(&path).expect("load");
        assert_eq!(*k.derive("x", b""), *again.derive("x", b""));
        assert!(MasterKey::generate_file(&path).is_err(), "overwrote an existing key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            assert!(matches!(MasterKey::load_file(&path), Err(KeyError::Permissions(_))));
        }
    }
}
