//! The `samtal` server: command line, HTTP router and middleware, background jobs.
#![forbid(unsafe_code)]

pub mod auth;
pub mod cli;
pub mod client;
pub mod error_page;
pub mod frame;
pub mod http;
pub mod jobs;
pub mod security;
pub mod serve_loop;
pub mod telemetry;
pub mod tenant;
pub mod tls;
