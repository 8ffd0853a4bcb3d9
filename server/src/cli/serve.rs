//! `samtal serve`: the web server, its background jobs and graceful shutdown.
use std::{net::SocketAddr, path::PathBuf};

use app::{
    core::{
        db::PoolLimits,
        tenancy::{provision::StorageTarget, Routing, Tenancy},
    },
    model::slug::Slug,
};
use clap::Args;

use super::{say, CliError, StorageArgs};
use crate::{http, jobs};

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
    /// The certificate chain (PEM) to serve TLS 1.3 with, beside `--tls-key`. Without both,
    /// plain HTTP: for running behind a reverse proxy or a service mesh that ends TLS. Sent
    /// SIGHUP, the server reads both files again; a pair that does not load is refused and the
    /// one in use stays.
    #[arg(long, env = "SAMTAL_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of `--tls-cert`.
    #[arg(long, env = "SAMTAL_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Seconds a client has to send a request's headers (and, on a kept-alive connection, to
    /// start the next request) before the connection is closed.
    #[arg(long, env = "SAMTAL_HEADER_READ_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub header_read_timeout: u64,
    /// Seconds SIGTERM waits for open requests to finish before the server exits (the pools are
    /// closed after).
    #[arg(long, env = "SAMTAL_DRAIN_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(0..=600))]
    pub drain_seconds: u64,
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
    /// A reverse proxy (address or CIDR range) whose X-Forwarded-For / Forwarded and
    /// X-Forwarded-Proto headers are believed; repeatable. Without one, no forwarding header is.
    #[arg(long, env = "SAMTAL_TRUSTED_PROXY", value_delimiter = ',', value_parser = crate::client::parse_net)]
    pub trusted_proxy: Vec<ipnet::IpNet>,
    /// Which header the trusted proxy writes; only that one is read.
    #[arg(long, env = "SAMTAL_FORWARDED_HEADER", value_enum, default_value = "x-forwarded-for")]
    pub forwarded_header: crate::client::ForwardedHeader,
    #[command(flatten)]
    pub storage: StorageArgs,
}

pub(super) async fn run(args: ServeArgs) -> Result<(), CliError> {
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
    let http_config = http::HttpConfig {
        addr: args.addr,
        site_root: args.site_root,
        max_body_bytes: args.max_body_bytes,
        trusted_proxies: crate::client::TrustedProxies::new(args.trusted_proxy.clone()).reading(args.forwarded_header),
        scheme: if args.tls_cert.is_some() { crate::client::Scheme::Https } else { crate::client::Scheme::Http },
    };
    // Read before anything listens: a broken pair stops the start with a clear message.
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            Some((crate::tls::Certificates::new(crate::tls::load(cert, key)?), cert.clone(), key.clone()))
        }
        _ => None,
    };
    let mut state = app::core::state::AppState::new(tenancy.clone());
    if let Ok(url) = std::env::var("SAMTAL_SMTP_URL") {
        let need = |what: &str| CliError::Usage(format!("SAMTAL_SMTP_URL is set, so {what} is needed too"));
        let from = args.smtp_from.as_deref().ok_or_else(|| need("--smtp-from (SAMTAL_SMTP_FROM)"))?;
        let base = args.mail_link_base.as_deref().ok_or_else(|| need("--mail-link-base (SAMTAL_MAIL_LINK_BASE)"))?;
        state = state.with_mailer(app::core::mail::Mailer::new(&url, from, base)?);
        say!("One-time links are e-mailed as {from}.");
    }
    let auth = state.auth.clone();
    let router = http::router(&http_config, state);
    let listener = http::bind(http_config.addr).map_err(|source| CliError::Bind { addr: http_config.addr, source })?;
    let local = listener.local_addr().map_err(CliError::Serve)?;
    let reaper = jobs::spawn_pool_reaper(tenancy.clone());
    let pruner = jobs::spawn_logbook_pruner(tenancy.clone(), retention);
    let retention_job = jobs::spawn_retention(tenancy.clone());
    let (stop_summaries, stopped) = tokio::sync::watch::channel(false);
    let summaries = jobs::spawn_anonymous_summaries(tenancy.clone(), auth.clone(), stopped);
    let shutdown = shutdown_signal();
    tracing::info!(%local, "samtal is listening");
    let scheme = if tls.is_some() { "https" } else { "http" };
    say!("Samtal is running at {scheme}://{local}/");
    match &args.single_tenant {
        Some(slug) => say!("Serving only tenant {slug}, on any host name."),
        None => {
            let port = local.port();
            say!("Tenants are served at {scheme}://<tenant>.{}:{port}/", args.base_domain);
            if tenancy.catalog().get(&demo).await?.is_some() {
                say!("Demo organisation: {scheme}://demo.{}:{port}/", args.base_domain);
                let accounts = args.storage.data_dir.join("demo-accounts.txt");
                if accounts.exists() {
                    say!("Demo sign-in details: {}", accounts.display());
                }
            }
        }
    }
    let limits = crate::serve_loop::Limits {
        header_read: std::time::Duration::from_secs(args.header_read_timeout),
        drain: std::time::Duration::from_secs(args.drain_seconds),
    };
    match tls {
        Some((certs, cert, key)) => {
            let reload = spawn_certificate_reload(certs.clone(), cert, key);
            let listener =
                crate::tls::TlsListener::new(listener, crate::tls::server_config(certs)?).map_err(CliError::Serve)?;
            crate::serve_loop::serve(listener, router, limits, shutdown).await;
            reload.abort();
        }
        None => crate::serve_loop::serve(listener, router, limits, shutdown).await,
    }
    reaper.abort();
    pruner.abort();
    retention_job.abort();
    // Whatever was still being counted is written before the pools close.
    let _ = stop_summaries.send(true);
    if let Err(e) = summaries.await {
        tracing::error!(error = %e, "the logbook summary job failed");
    }
    tenancy.pools().close_all().await;
    tracing::info!("samtal stopped cleanly");
    Ok(())
}

/// The demo tenant's accounts, with random passwords printed once and kept in a 0600 file in
/// the data directory. Demo only.
async fn create_demo_accounts(tenancy: &Tenancy, slug: &Slug, data_dir: &std::path::Path) -> Result<(), CliError> {
    use app::core::auth::{password::Hasher, random_token, users, Role};
    use app::core::{clock::SystemClock, logbook::Actor};
    let t = tenancy.open_active(slug).await.map_err(|e| CliError::Usage(e.to_string()))?;
    let hasher = Hasher::for_this_machine();
    let people =
        app::core::people::demo::populate(&t, &SystemClock).await.map_err(|e| CliError::Usage(e.to_string()))?;
    let mut lines = vec!["Demo accounts (DEMO ONLY - never use these in production):".to_string()];
    for (email, name, role, person) in [
        ("admin@demo.example", "Hanna Holm", Role::Admin, &people.admin),
        ("manager@demo.example", "Maja Magnusson", Role::Manager, &people.manager),
        ("employee@demo.example", "Erik Eriksson", Role::Employee, &people.employee),
    ] {
        let password = format!("demo-{}", &random_token()?[..16]);
        let u = users::create(&t, &SystemClock, Actor::System, email, name, role).await?;
        users::set_password(&t, &SystemClock, &hasher, &u, &password).await?;
        app::core::people::access::link_account(&t, &SystemClock, Actor::System, &u.id, Some(person))
            .await
            .map_err(|e| CliError::Usage(e.to_string()))?;
        lines.push(format!("  {:<10} {email:<24} {password}", role.as_str()));
    }
    // A round in progress, with the demo manager's talks in every status.
    app::core::talks::demo::populate(&t, &SystemClock, &people.manager)
        .await
        .map_err(|e| CliError::Usage(e.to_string()))?;
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

/// On SIGHUP, reads the certificate and key again: a pair that loads replaces the one in use
/// for new connections; one that does not is refused, logged, and the old one stays.
fn spawn_certificate_reload(
    certs: std::sync::Arc<crate::tls::Certificates>,
    cert: PathBuf,
    key: PathBuf,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let Ok(mut hup) = signal(SignalKind::hangup()) else { return };
            while hup.recv().await.is_some() {
                match crate::tls::load(&cert, &key) {
                    Ok(new) => {
                        certs.replace(new);
                        tracing::info!("TLS certificate reloaded");
                    }
                    Err(e) => tracing::error!(error = %e, "TLS certificate not reloaded; the one in use stays"),
                }
            }
        }
        #[cfg(not(unix))]
        let _ = (certs, cert, key);
    })
}
