use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use clap::{Args, Parser, Subcommand};

use crate::{http, telemetry};

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
    let result = match cli.command {
        Command::Serve(args) => runtime.block_on(serve(args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "samtal stopped with an error");
            eprintln!("samtal: {e}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("the site folder {0} is missing; build it first (make build)")]
    SiteMissing(PathBuf),
    #[error("server failed: {0}")]
    Serve(std::io::Error),
}

async fn serve(args: ServeArgs) -> Result<(), CliError> {
    if !args.site_root.join("pkg").is_dir() {
        return Err(CliError::SiteMissing(args.site_root));
    }
    let config = http::HttpConfig {
        addr: args.addr,
        site_root: args.site_root,
        max_body_bytes: args.max_body_bytes,
    };
    let router = http::router(&config, app::core::state::AppState::new());
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| CliError::Bind { addr: config.addr, source })?;
    let local = listener.local_addr().map_err(CliError::Serve)?;
    tracing::info!(%local, "samtal is listening");
    println!("Samtal is running at http://{local}/");
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(CliError::Serve)?;
    tracing::info!("samtal stopped cleanly");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests then finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
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
