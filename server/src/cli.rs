use std::{io::IsTerminal, net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc};

use app::{
    core::{
        db::PoolLimits,
        keys::MasterKey,
        tenancy::{provision::StorageTarget, Routing, Tenancy, TenancyConfig, TenancyError},
    },
    model::{format::iso_date, slug::Slug},
};
use clap::{Args, Parser, Subcommand};

use crate::{http, jobs, telemetry};

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
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account and print a one-time link (24 hours) for its owner to set a password.
    Create {
        tenant: String,
        #[arg(long)]
        email: String,
        /// The person's name as colleagues see it.
        #[arg(long)]
        name: String,
        /// admin (HR), manager or employee.
        #[arg(long, default_value = "employee")]
        role: String,
        /// Where the tenant is reached, for the printed link (default http://<tenant>.localhost:3000).
        #[arg(long)]
        url: Option<String>,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Print a new one-time link for an existing account to set a new password.
    Reset {
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        url: Option<String>,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum LogbookCommand {
    /// Walk the MAC chain and name the first modified, deleted or inserted event (exit 1).
    Verify {
        tenant: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// The newest events, optionally filtered.
    Tail {
        tenant: String,
        /// Only events on or after this date (YYYY-MM-DD, UTC).
        #[arg(long)]
        since: Option<String>,
        /// Only this action, e.g. auth.sign_in.failed.
        #[arg(long)]
        action: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Events from one date up to (not including) another as CSV on standard output. The export
    /// is itself logged.
    Export {
        tenant: String,
        /// First day, YYYY-MM-DD (UTC).
        #[arg(long)]
        from: String,
        /// Day after the last, YYYY-MM-DD (UTC).
        #[arg(long)]
        to: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

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
}

impl StorageArgs {
    fn config(&self, generate_key: bool) -> Result<TenancyConfig, CliError> {
        let key = self.master_key(generate_key)?;
        let mut c = TenancyConfig::new(&self.data_dir, Arc::new(key));
        c.catalog_url = self.catalog_url.clone();
        c.pg_db_prefix = self.pg_db_prefix.clone();
        Ok(c)
    }

    /// SAMTAL_MASTER_KEY, then --master-key-file, then a development key in the data
    /// directory (made on request only, with a warning).
    fn master_key(&self, generate: bool) -> Result<MasterKey, CliError> {
        if let Ok(hex) = std::env::var("SAMTAL_MASTER_KEY") {
            return Ok(MasterKey::from_hex(&zeroize::Zeroizing::new(hex))?);
        }
        if let Some(path) = &self.master_key_file {
            return Ok(MasterKey::load_file(path)?);
        }
        let dev = self.data_dir.join("master.key");
        if dev.exists() {
            tracing::warn!(path = %dev.display(), "using the development master key in the data directory; production must supply SAMTAL_MASTER_KEY_FILE");
            return Ok(MasterKey::load_file(&dev)?);
        }
        if generate {
            std::fs::create_dir_all(&self.data_dir).map_err(|e| CliError::Tenancy(e.into()))?;
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
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SAMTAL_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Folder with the built site (`pkg/samtal.{js,wasm,css}` and public files).
    #[arg(long, env = "SAMTAL_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Largest request body accepted, in bytes; larger ones get 413.
    #[arg(long, env = "SAMTAL_MAX_BODY_BYTES", default_value_t = http::DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Tenants live at <slug>.<base-domain>.
    #[arg(long, env = "SAMTAL_BASE_DOMAIN", default_value = "localhost")]
    pub base_domain: String,
    /// Serve exactly this tenant on any host name (a customer's own instance).
    #[arg(long, env = "SAMTAL_SINGLE_TENANT")]
    pub single_tenant: Option<String>,
    /// Most tenant connection pools open at once (least recently used are closed beyond it).
    #[arg(long, env = "SAMTAL_MAX_OPEN_TENANTS", default_value_t = 100)]
    pub max_open_tenants: usize,
    /// Connections per tenant pool. On PostgreSQL keep max-open-tenants × this below the
    /// server's max_connections (100 by default).
    #[arg(long, env = "SAMTAL_TENANT_CONNECTIONS", default_value_t = 4)]
    pub tenant_connections: u32,
    /// Create a `demo` tenant (SQLite) when there is no tenant at all. For local trials.
    #[arg(long)]
    pub create_demo_tenant: bool,
    /// Generate a development master key in the data directory when none is given. For local
    /// trials only.
    #[arg(long)]
    pub generate_master_key: bool,
    /// Days logbook events are kept before the daily prune removes them (at least 90).
    #[arg(long, env = "SAMTAL_LOGBOOK_RETENTION_DAYS", default_value_t = 90)]
    pub logbook_retention_days: u32,
    /// Sender of e-mailed one-time links, e.g. "Samtal <noreply@example.se>". E-mail is on when
    /// the environment holds SAMTAL_SMTP_URL (never a flag: it may hold a password).
    #[arg(long, env = "SAMTAL_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// Where e-mailed links point, `{tenant}` standing for the organisation, e.g.
    /// "https://{tenant}.samtal.example.se" (never taken from a request's Host header).
    #[arg(long, env = "SAMTAL_MAIL_LINK_BASE")]
    pub mail_link_base: Option<String>,
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a tenant and its database.
    Create {
        slug: String,
        /// The organisation's name as people see it, e.g. "Acme AB".
        #[arg(long)]
        name: String,
        /// Create the tenant's database on this PostgreSQL cluster instead of SQLite.
        #[arg(long)]
        postgres: Option<String>,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// List tenants.
    List {
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Stop serving a tenant (its pages answer 403); data is kept.
    Disable {
        slug: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Serve a disabled tenant again.
    Enable {
        slug: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    /// Tenants migrated at the same time.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    #[command(flatten)]
    pub storage: StorageArgs,
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
    #[error("e-mail: {0}")]
    Mail(#[from] app::core::mail::MailError),
    #[error("cannot write the output: {0}")]
    Output(std::io::Error),
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

pub fn main() -> ExitCode {
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
            Command::Serve(args) => serve(args).await,
            Command::Tenant(cmd) => tenant(cmd).await,
            Command::Migrate(args) => migrate(args).await,
            Command::Logbook(cmd) => logbook_cmd(cmd).await,
            Command::User(cmd) => user_cmd(cmd).await,
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

async fn serve(args: ServeArgs) -> Result<(), CliError> {
    if !args.site_root.join("pkg").is_dir() {
        return Err(CliError::SiteMissing(args.site_root));
    }
    let mut config = args.storage.config(args.generate_master_key)?;
    config.routing = match &args.single_tenant {
        Some(slug) => Routing::Single(Slug::parse(slug)?),
        None => Routing::Subdomain { base_domain: args.base_domain.to_ascii_lowercase() },
    };
    config.max_open_tenants = args.max_open_tenants;
    config.tenant_limits = PoolLimits { max_connections: args.tenant_connections.max(1), ..PoolLimits::default() };
    let tenancy = Tenancy::open(config).await?;
    let retention = app::core::logbook::Retention::days(args.logbook_retention_days)?;
    let demo = Slug::parse("demo")?;
    if args.create_demo_tenant && tenancy.catalog().list().await?.is_empty() {
        tenancy.create_tenant(&demo, "Demo AB", StorageTarget::Sqlite).await?;
        create_demo_accounts(&tenancy, &demo, &args.storage.data_dir).await?;
        tracing::info!("created the demo tenant");
    }
    let http_config =
        http::HttpConfig { addr: args.addr, site_root: args.site_root, max_body_bytes: args.max_body_bytes };
    let mut state = app::core::state::AppState::new(tenancy.clone());
    if let Ok(url) = std::env::var("SAMTAL_SMTP_URL") {
        let need = |what: &str| CliError::Usage(format!("SAMTAL_SMTP_URL is set, so {what} is needed too"));
        let from = args.smtp_from.as_deref().ok_or_else(|| need("--smtp-from (SAMTAL_SMTP_FROM)"))?;
        let base = args.mail_link_base.as_deref().ok_or_else(|| need("--mail-link-base (SAMTAL_MAIL_LINK_BASE)"))?;
        state = state.with_mailer(app::core::mail::Mailer::new(&url, from, base)?);
        say!("One-time links are e-mailed as {from}.");
    }
    let router = http::router(&http_config, state);
    let listener = http::bind(http_config.addr).map_err(|source| CliError::Bind { addr: http_config.addr, source })?;
    let local = listener.local_addr().map_err(CliError::Serve)?;
    let reaper = jobs::spawn_pool_reaper(tenancy.clone());
    let pruner = jobs::spawn_logbook_pruner(tenancy.clone(), retention);
    let shutdown = shutdown_signal();
    tracing::info!(%local, "samtal is listening");
    say!("Samtal is running at http://{local}/");
    match &args.single_tenant {
        Some(slug) => say!("Serving only tenant {slug}, on any host name."),
        None => {
            let port = local.port();
            say!("Tenants are served at http://<tenant>.{}:{port}/", args.base_domain);
            if tenancy.catalog().get(&demo).await?.is_some() {
                say!("Demo organisation: http://demo.{}:{port}/", args.base_domain);
                let accounts = args.storage.data_dir.join("demo-accounts.txt");
                if accounts.exists() {
                    say!("Demo sign-in details: {}", accounts.display());
                }
            }
        }
    }
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(CliError::Serve)?;
    reaper.abort();
    pruner.abort();
    tenancy.pools().close_all().await;
    tracing::info!("samtal stopped cleanly");
    Ok(())
}

async fn tenant(cmd: TenantCommand) -> Result<(), CliError> {
    match cmd {
        TenantCommand::Create { slug, name, postgres, storage } => {
            let slug = Slug::parse(&slug)?;
            let tenancy = Tenancy::open(storage.config(false)?).await?;
            let target = match postgres {
                Some(cluster_url) => StorageTarget::Postgres { cluster_url },
                None => StorageTarget::Sqlite,
            };
            let rec = tenancy.create_tenant(&slug, &name, target).await?;
            println!("Created tenant {} ({}), storage {}", rec.slug, rec.display_name, backend_of(&rec.storage_url));
        }
        TenantCommand::List { storage } => {
            let tenancy = Tenancy::open(storage.config(false)?).await?;
            let list = tenancy.catalog().list().await?;
            println!("{:<24} {:<13} {:<9} {:<10} NAME", "SLUG", "STATUS", "STORAGE", "CREATED");
            for r in &list {
                println!(
                    "{:<24} {:<13} {:<9} {:<10} {}",
                    r.slug.as_str(),
                    r.status.as_str(),
                    backend_of(&r.storage_url),
                    iso_date(r.created_at / 1000),
                    r.display_name
                );
            }
            println!("{} tenant(s)", list.len());
        }
        TenantCommand::Disable { slug, storage } => set_enabled(&slug, &storage, false).await?,
        TenantCommand::Enable { slug, storage } => set_enabled(&slug, &storage, true).await?,
    }
    Ok(())
}

async fn set_enabled(slug: &str, storage: &StorageArgs, enable: bool) -> Result<(), CliError> {
    let slug = Slug::parse(slug)?;
    let tenancy = Tenancy::open(storage.config(false)?).await?;
    tenancy.set_enabled(&slug, enable).await?;
    println!("Tenant {slug} {}", if enable { "enabled" } else { "disabled" });
    Ok(())
}

/// Opens a tenant by slug whatever its status (administration reads disabled tenants too).
async fn open_any(slug: &str, storage: &StorageArgs) -> Result<app::core::tenancy::Tenant, CliError> {
    let slug = Slug::parse(slug)?;
    let tenancy = Tenancy::open(storage.config(false)?).await?;
    let record =
        tenancy.catalog().get(&slug).await?.ok_or_else(|| CliError::Tenancy(TenancyError::NotFound(slug.clone())))?;
    Ok(tenancy.connect(&record).await.map_err(TenancyError::Storage)?)
}

fn date_ms(flag: &str, value: &str) -> Result<i64, CliError> {
    app::model::format::parse_iso_date(value)
        .map(|s| s * 1000)
        .ok_or_else(|| CliError::Usage(format!("{flag} must be a date like 2026-11-24, got {value:?}")))
}

async fn logbook_cmd(cmd: LogbookCommand) -> Result<(), CliError> {
    use app::core::{
        clock::SystemClock,
        logbook::{self, Action, Actor, Event, Filter, Id, Outcome, TargetType},
    };
    use std::io::Write;
    match cmd {
        LogbookCommand::Verify { tenant, storage } => {
            let t = open_any(&tenant, &storage).await?;
            let r = logbook::verify(&t).await?;
            match &r.problem {
                None => println!(
                    "{tenant}: chain intact; {} event(s) checked (seq {}..{})",
                    r.checked, r.from_seq, r.head_seq
                ),
                Some(p) => {
                    println!("{tenant}: {p}");
                    return Err(CliError::VerifyFailed(t.slug().clone()));
                }
            }
        }
        LogbookCommand::Tail { tenant, since, action, limit, storage } => {
            let action = match action {
                Some(a) => Some(Action::parse(&a).ok_or_else(|| {
                    let known: Vec<_> = Action::ALL.iter().map(|a| a.as_str()).collect();
                    CliError::Usage(format!("unknown action {a:?}; known: {}", known.join(", ")))
                })?),
                None => None,
            };
            let from_ms = since.map(|s| date_ms("--since", &s)).transpose()?;
            let t = open_any(&tenant, &storage).await?;
            let filter = Filter {
                from_ms,
                action,
                limit: Some(limit.clamp(1, 10_000)),
                newest_first: true,
                ..Filter::default()
            };
            let mut events = logbook::list(&t, &filter).await?;
            events.reverse();
            for e in &events {
                println!(
                    "{:>8}  {}  {:<22} {:<24} {:<8} {}{}",
                    e.seq,
                    app::model::format::iso_datetime_utc(e.at_ms.div_euclid(1000)),
                    e.actor,
                    e.action,
                    e.outcome,
                    e.target_type.as_deref().map(|t| format!("{t}:")).unwrap_or_default(),
                    e.target_id.as_deref().unwrap_or(""),
                );
            }
        }
        LogbookCommand::Export { tenant, from, to, storage } => {
            let (from_ms, to_ms) = (date_ms("--from", &from)?, date_ms("--to", &to)?);
            if to_ms <= from_ms {
                return Err(CliError::Usage("--to must be after --from".into()));
            }
            let t = open_any(&tenant, &storage).await?;
            let events =
                logbook::list(&t, &Filter { from_ms: Some(from_ms), to_ms: Some(to_ms), ..Filter::default() }).await?;
            // Logged before the data leaves, like any read of sensitive data.
            // The period, as an id: 20261101-20261201.
            let period = format!("{}-{}", from.replace('-', ""), to.replace('-', ""));
            let period = Id::parse(&period).map_err(|e| CliError::Usage(e.to_string()))?;
            let event = Event::new(Actor::System, Action::LogbookExported, Outcome::Success)
                .target(TargetType::Logbook, period);
            logbook::record(&t, &SystemClock, &event).await?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            writeln!(out, "{}", logbook::CSV_HEADER).map_err(CliError::Output)?;
            for e in &events {
                writeln!(out, "{}", logbook::csv_row(e)).map_err(CliError::Output)?;
            }
            out.flush().map_err(CliError::Output)?;
        }
    }
    Ok(())
}

async fn user_cmd(cmd: UserCommand) -> Result<(), CliError> {
    use app::core::auth::{tokens, users, Role};
    use app::core::{clock::SystemClock, logbook::Actor};
    let (tenant_slug, url, storage) = match &cmd {
        UserCommand::Create { tenant, url, storage, .. } | UserCommand::Reset { tenant, url, storage, .. } => {
            (tenant.clone(), url.clone(), storage.clone())
        }
    };
    let t = open_any(&tenant_slug, &storage).await?;
    let base = url.unwrap_or_else(|| format!("http://{tenant_slug}.localhost:3000"));
    let (user, purpose) = match cmd {
        UserCommand::Create { email, name, role, .. } => {
            let role = Role::parse(&role)
                .ok_or_else(|| CliError::Usage("--role must be admin, manager or employee".into()))?;
            (users::create(&t, &SystemClock, Actor::System, &email, &name, role).await?, tokens::Purpose::Invite)
        }
        UserCommand::Reset { email, .. } => {
            let user = users::by_email(&t, &email).await?.ok_or(app::core::auth::AuthError::NoSuchUser)?;
            (user, tokens::Purpose::Reset)
        }
    };
    let token = tokens::issue(&t, &SystemClock, &user, purpose).await?;
    println!("Account {} ({}). One-time link, valid 24 hours:", user.email, user.role.label());
    println!("{}{}", base.trim_end_matches('/'), app::model::auth::set_password_path(&token));
    Ok(())
}

/// The demo tenant's accounts, with random passwords printed once and kept in a 0600 file in
/// the data directory. Demo only.
async fn create_demo_accounts(tenancy: &Tenancy, slug: &Slug, data_dir: &std::path::Path) -> Result<(), CliError> {
    use app::core::auth::{password::Hasher, random_token, users, Role};
    use app::core::{clock::SystemClock, logbook::Actor};
    let t = tenancy.open_active(slug).await.map_err(|e| CliError::Usage(e.to_string()))?;
    let hasher = Hasher::for_this_machine();
    let mut lines = vec!["Demo accounts (DEMO ONLY - never use these in production):".to_string()];
    for (email, name, role) in [
        ("admin@demo.example", "Hanna HR", Role::Admin),
        ("manager@demo.example", "Maja Manager", Role::Manager),
        ("employee@demo.example", "Erik Employee", Role::Employee),
    ] {
        let password = format!("demo-{}", &random_token()?[..16]);
        let u = users::create(&t, &SystemClock, Actor::System, email, name, role).await?;
        users::set_password(&t, &SystemClock, &hasher, &u, &password).await?;
        lines.push(format!("  {:<10} {email:<24} {password}", role.as_str()));
    }
    let text = lines.join("\n") + "\n";
    let path = data_dir.join("demo-accounts.txt");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    use std::io::Write as _;
    opts.open(&path).and_then(|mut f| f.write_all(text.as_bytes())).map_err(|e| CliError::Tenancy(e.into()))?;
    say!("{text}(also in {})", path.display());
    Ok(())
}

fn backend_of(storage_url: &str) -> &'static str {
    if storage_url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    }
}

async fn migrate(args: MigrateArgs) -> Result<(), CliError> {
    // Opening the catalog migrates it too.
    let tenancy: Arc<Tenancy> = Tenancy::open(args.storage.config(false)?).await?;
    let tty = std::io::stderr().is_terminal();
    let report = tenancy
        .migrate_all(args.concurrency, |done, total| {
            if tty {
                let width = 30;
                let filled = if total == 0 { width } else { done * width / total };
                eprint!("\r[{}{}] {done}/{total}", "#".repeat(filled), ".".repeat(width - filled));
                if done == total {
                    eprintln!();
                }
            }
        })
        .await?;
    let total = report.up_to_date + report.migrated.len() + report.failed.len();
    println!(
        "{total} tenant(s): {} up to date, {} migrated, {} failed, in {:.2} s",
        report.up_to_date,
        report.migrated.len(),
        report.failed.len(),
        report.elapsed.as_secs_f64()
    );
    for (slug, versions) in &report.migrated {
        println!("  migrated {slug}: applied {versions:?}");
    }
    for (slug, error) in &report.failed {
        println!("  FAILED   {slug}: {error}");
    }
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::MigrateFailed(report.failed.len(), total))
    }
}

/// Registers for Ctrl-C and SIGTERM now (so a signal that arrives right after start-up is not
/// lost) and returns a future that resolves on either; open requests then finish.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| tracing::error!(error = %e, "cannot listen for SIGTERM"))
        .ok();
    async move {
        let ctrl_c = async {
            if let Err(e) = tokio::signal::ctrl_c().await {
                tracing::error!(error = %e, "cannot listen for Ctrl-C");
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        let term = async {
            match term.as_mut() {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {},
            () = term => {},
        }
        tracing::info!("shutdown requested; finishing open requests");
    }
}
