use std::io::IsTerminal;

use tracing_subscriber::{fmt, EnvFilter};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LogFormat {
    Auto,
    Text,
    Json,
}

/// Structured logs on stderr. The level comes from `RUST_LOG` (default `info`). What is logged is
/// ids, paths and outcomes; request bodies, query strings and headers never are.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = match format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => !std::io::stderr().is_terminal(),
    };
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // try_init: tests may initialise more than once.
    let _ = if json { builder.json().flatten_event(true).try_init() } else { builder.try_init() };
}
