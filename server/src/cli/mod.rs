//! The `samtal` command line: one module per command family. Each family owns its arguments and
//! its handler; this module holds the parser, the shared error type and the entry point.
mod gdpr;
mod keys;
mod logbook;
mod migrate;
mod serve;
mod storage;
mod tenant;
mod user;

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use app::{core::tenancy::TenancyError, model::slug::Slug};
use clap::{Parser, Subcommand};

pub use gdpr::GdprCommand;
pub use keys::KeysCommand;
pub use logbook::LogbookCommand;
pub use migrate::MigrateArgs;
pub use serve::ServeArgs;
pub use storage::StorageArgs;
pub use tenant::TenantCommand;
pub use user::UserCommand;

use crate::telemetry;

#[derive(Debug, Parser)]
#[command(name = "samtal", version, about = "Salary talks, salary review and pay-equity analysis")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log format: `text` for people, `json` for log collectors; `auto` picks text on a terminal.
    #[arg(long, global = true, env = "SAMTAL_LOG_FORMAT", value_enum, default_value = "auto")]
    pub log_format: telemetry::LogFormat,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application.
    Serve(ServeArgs),
    /// Create, list, disable and enable tenants (customer organisations).
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Apply pending migrations to the catalog and every tenant database.
    Migrate(MigrateArgs),
    /// Read and check a tenant's logbook.
    #[command(subcommand)]
    Logbook(LogbookCommand),
    /// Manage sign-in accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// A tenant's data keys: list, rotate, rewrap.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// GDPR rights: replay erasures after a restore, check a receipt.
    #[command(subcommand)]
    Gdpr(GdprCommand),
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("the site folder {0} is missing; build it first (scripts/build.sh)")]
    SiteMissing(PathBuf),
    #[error("server failed: {0}")]
    Serve(std::io::Error),
    #[error("{0}")]
    Tenancy(#[from] TenancyError),
    #[error("invalid tenant name: {0}")]
    Slug(#[from] app::model::slug::SlugError),
    #[error("{0} of {1} tenants failed to migrate")]
    MigrateFailed(usize, usize),
    #[error("master key: {0}")]
    Key(#[from] app::core::keys::KeyError),
    #[error("{0}")]
    Logbook(#[from] app::core::logbook::LogbookError),
    #[error("{0}")]
    Usage(String),
    #[error("the logbook of {0} failed verification")]
    VerifyFailed(Slug),
    #[error("{0}")]
    Auth(#[from] app::core::auth::AuthError),
    #[error("{0}")]
    Crypto(#[from] app::core::crypto::CryptoError),
    #[error("e-mail: {0}")]
    Mail(#[from] app::core::mail::MailError),
    #[error("cannot write the output: {0}")]
    Output(std::io::Error),
    #[error("{0}")]
    Files(#[from] app::core::files::FilesError),
    #[error("{} holds a development master key, but none was chosen: pass --dev-master-key to use it (local trials only), or set SAMTAL_MASTER_KEY_FILE", .0.display())]
    DevKeyNotChosen(PathBuf),
    #[error("{0}")]
    Gdpr(#[from] app::core::gdpr::GdprError),
    #[error("TLS: {0}")]
    Tls(#[from] crate::tls::TlsError),
    #[error("no master key: set SAMTAL_MASTER_KEY_FILE (or SAMTAL_MASTER_KEY), or for a local trial start the server once with --generate-master-key")]
    NoMasterKey,
}

/// Prints a line for the person who started the server; a closed stdout must not stop it.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
pub(crate) use say;

pub fn main() -> ExitCode {
    // Before anything else, while this is the only thread: nothing after this sees the variable.
    storage::take_env_key();
    // Files this process makes are its own: tenant databases, WAL files, exports.
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("samtal: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve::run(args).await,
            Command::Tenant(cmd) => tenant::run(cmd).await,
            Command::Migrate(args) => migrate::run(args).await,
            Command::Logbook(cmd) => logbook::run(cmd).await,
            Command::User(cmd) => user::run(cmd).await,
            Command::Keys(cmd) => keys::run(cmd).await,
            Command::Gdpr(cmd) => gdpr::run(cmd).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("samtal: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Opens a tenant by slug whatever its status (administration reads disabled tenants too).
async fn open_any(slug: &str, storage: &StorageArgs) -> Result<app::core::tenancy::Tenant, CliError> {
    let slug = Slug::parse(slug)?;
    let tenancy = app::core::tenancy::Tenancy::open(storage.config(false)?).await?;
    let record =
        tenancy.catalog().get(&slug).await?.ok_or_else(|| CliError::Tenancy(TenancyError::NotFound(slug.clone())))?;
    Ok(tenancy.connect(&record).await?)
}
