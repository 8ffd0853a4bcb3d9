//! Where the data lives and the master key: the arguments every command shares.
use std::{
    path::PathBuf,
    sync::{Arc, Mutex},
};

use app::core::{keys::MasterKey, tenancy::TenancyConfig};
use clap::Args;

use super::CliError;

#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Folder for catalog.db and tenants/<slug>.db.
    #[arg(long, env = "SAMTAL_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// PostgreSQL URL for the catalog instead of <data-dir>/catalog.db.
    #[arg(long, env = "SAMTAL_CATALOG_URL", global = true)]
    pub catalog_url: Option<String>,
    /// Name prefix of tenant databases on PostgreSQL.
    #[arg(long, env = "SAMTAL_PG_DB_PREFIX", default_value = "samtal_", global = true)]
    pub pg_db_prefix: String,
    /// File holding the 32-byte master key as 64 hex characters (mode 0600). The key may also
    /// come from the SAMTAL_MASTER_KEY environment variable; it never goes into a database.
    #[arg(long, env = "SAMTAL_MASTER_KEY_FILE", global = true)]
    pub master_key_file: Option<PathBuf>,
    /// Use the development master key in <data-dir>/master.key (made by `serve
    /// --generate-master-key`). For local trials only; without this flag it is never used.
    #[arg(long, global = true)]
    pub dev_master_key: bool,
}

/// SAMTAL_MASTER_KEY, taken out of the process environment before any thread starts, so nothing
/// that later reads or dumps the environment sees it. (The kernel's copy of the initial
/// environment, /proc/PID/environ, stays readable to the same user and root: production uses a
/// key file.)
static ENV_KEY: Mutex<Option<zeroize::Zeroizing<String>>> = Mutex::new(None);

/// Call first in `main`, while the process has one thread.
pub fn take_env_key() {
    if let Some(v) = std::env::var_os("SAMTAL_MASTER_KEY") {
        std::env::remove_var("SAMTAL_MASTER_KEY");
        let key = zeroize::Zeroizing::new(v.to_string_lossy().into_owned());
        *ENV_KEY.lock().unwrap_or_else(|p| p.into_inner()) = Some(key);
    }
}

fn env_key() -> Option<zeroize::Zeroizing<String>> {
    ENV_KEY.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

impl StorageArgs {
    pub(super) fn config(&self, generate_key: bool) -> Result<TenancyConfig, CliError> {
        if self.catalog_url.is_none() || self.data_dir.exists() {
            let narrowed = app::core::files::secure_data_dir(&self.data_dir)?;
            if narrowed > 0 {
                tracing::warn!(count = narrowed, "took read access away from other users in the data directory");
            }
        }
        let key = self.master_key(generate_key)?;
        let mut c = TenancyConfig::new(&self.data_dir, Arc::new(key));
        c.catalog_url = self.catalog_url.clone();
        c.pg_db_prefix = self.pg_db_prefix.clone();
        Ok(c)
    }

    /// SAMTAL_MASTER_KEY, then --master-key-file; the development key in the data directory only
    /// when asked for (`--dev-master-key`, or `serve --generate-master-key`, which makes it when
    /// missing). A key file inside the data directory would travel with its backups: warned.
    fn master_key(&self, generate: bool) -> Result<MasterKey, CliError> {
        let dev = self.data_dir.join("master.key");
        let use_dev = generate || self.dev_master_key;
        if let Some(hex) = env_key() {
            self.warn_if_dev_key_unused(&dev, use_dev);
            return Ok(MasterKey::from_hex(&hex)?);
        }
        if let Some(path) = &self.master_key_file {
            if in_dir(path, &self.data_dir) {
                eprintln!(
                    "WARNING: the master key file {} is inside the data directory; it belongs outside \
                     it and its backups.",
                    path.display()
                );
            }
            self.warn_if_dev_key_unused(&dev, use_dev);
            return Ok(MasterKey::load_file(path)?);
        }
        if dev.exists() {
            if !use_dev {
                return Err(CliError::DevKeyNotChosen(dev));
            }
            tracing::warn!(path = %dev.display(), "using the development master key in the data directory; production must supply SAMTAL_MASTER_KEY_FILE");
            return Ok(MasterKey::load_file(&dev)?);
        }
        if generate {
            app::core::files::private_dir(&self.data_dir).map_err(|e| CliError::Tenancy(e.into()))?;
            let key = MasterKey::generate_file(&dev)?;
            eprintln!(
                "WARNING: generated a development master key in {} (mode 0600). Production must supply \
                 its own with SAMTAL_MASTER_KEY_FILE, kept outside the data directory and its backups.",
                dev.display()
            );
            return Ok(key);
        }
        Err(CliError::NoMasterKey)
    }

    fn warn_if_dev_key_unused(&self, dev: &std::path::Path, use_dev: bool) {
        if dev.exists() && !use_dev {
            eprintln!(
                "WARNING: {} holds a development master key; it is not used. Remove it from a production \
                 data directory.",
                dev.display()
            );
        }
    }
}

/// Whether `path` lies inside `dir` (both made absolute as far as they exist).
fn in_dir(path: &std::path::Path, dir: &std::path::Path) -> bool {
    let abs = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    abs(path).starts_with(abs(dir))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_environment_key_leaves_the_environment() {
        std::env::set_var("SAMTAL_MASTER_KEY", "ab".repeat(32));
        super::take_env_key();
        assert!(std::env::var_os("SAMTAL_MASTER_KEY").is_none());
        assert_eq!(super::env_key().as_deref().map(String::as_str), Some("ab".repeat(32).as_str()));
    }
}
