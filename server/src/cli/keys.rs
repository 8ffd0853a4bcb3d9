//! `samtal keys`: a tenant's data keys — list them, rotate to a new one, rewrap fields onto it —
//! and the rotation of the master key that wraps them all.
use std::{
    ops::ControlFlow,
    path::PathBuf,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use clap::Subcommand;

use super::{open_any, say, CliError, StorageArgs};

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// The tenant's keys: versions, states and encryption counts, never values.
    List {
        tenant: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Make a new current data key for new writes. Fields sealed before keep their key until
    /// `keys rewrap` moves them. Running servers follow within seconds.
    Rotate {
        tenant: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Re-encrypt every field sealed under an older data key with the current one, in batches.
    /// Safe to stop (Ctrl-C finishes the batch at hand) or kill: the next run resumes. Old keys
    /// that no field uses any more are destroyed at the end.
    Rewrap {
        tenant: String,
        /// Rows per transaction.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        batch: u32,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Rewrap every tenant's keys under a new master key (only the wrapping changes; no field
    /// is re-encrypted). Stop the servers first; each tenant moves in one transaction, so a
    /// stopped run is resumed by running it again. Then give the servers the new key file.
    RotateMaster {
        /// The new master key (64 hex characters, mode 0600), e.g. made by `openssl rand -hex 32`.
        #[arg(long)]
        new_key_file: PathBuf,
        /// Tenants rewrapped at once.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
        concurrency: u32,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

pub(super) async fn run(cmd: KeysCommand) -> Result<(), CliError> {
    use app::core::{clock::SystemClock, crypto, logbook::Actor};
    match cmd {
        KeysCommand::List { tenant, storage } => {
            let t = open_any(&tenant, &storage).await?;
            let keys = crypto::list_keys(t.db()).await?;
            if keys.is_empty() {
                say!("no keys yet: the first is made when the first field is sealed");
            }
            for k in keys {
                say!(
                    "{:<6} v{:<4} {:<8} {:>12} encryptions  created {}{}",
                    k.purpose,
                    k.version,
                    k.state.as_str(),
                    k.sealed_count,
                    app::model::format::iso_date(k.created_at / 1000),
                    k.retired_at
                        .map(|r| format!("  retired {}", app::model::format::iso_date(r / 1000)))
                        .unwrap_or_default()
                );
            }
        }
        KeysCommand::Rotate { tenant, storage } => {
            let t = open_any(&tenant, &storage).await?;
            let version = crypto::rotate(&t, &SystemClock, Actor::System).await?;
            say!("data key v{version} is now current for {tenant}; run `samtal keys rewrap {tenant}` to move older fields onto it");
        }
        KeysCommand::Rewrap { tenant, batch, storage } => {
            let t = open_any(&tenant, &storage).await?;
            let stop = Arc::new(AtomicBool::new(false));
            let watcher = {
                let stop = stop.clone();
                tokio::spawn(async move {
                    if tokio::signal::ctrl_c().await.is_ok() {
                        stop.store(true, Ordering::SeqCst);
                    }
                })
            };
            let bar = indicatif::ProgressBar::new(0).with_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} rows ({eta} left)")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let report = crypto::rewrap(&t, &SystemClock, crypto::FIELDS, batch, Actor::System, |p| {
                bar.set_message(format!("{}.{}", p.field.table, p.field.column));
                bar.set_length(p.total);
                bar.set_position(p.done);
                if stop.load(Ordering::SeqCst) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .await;
            bar.finish_and_clear();
            watcher.abort();
            let report = report?;
            let Some(target) = report.target_version else {
                say!("{tenant} has no data key yet: nothing to rewrap");
                return Ok(());
            };
            say!("{} field(s) re-encrypted under data key v{target}", report.rewrapped);
            if report.interrupted {
                say!("stopped before the end; run the same command again to go on");
            }
            for v in &report.retired {
                say!("data key v{v} is no longer used and was destroyed");
            }
            for v in &report.kept {
                say!(
                    "data key v{v} is no longer used; it is kept until {} minutes after its replacement (a server may still hold it), then a rewrap destroys it",
                    crypto::RETIRE_GRACE_MS / 60_000
                );
            }
            if report.unreadable > 0 {
                return Err(CliError::Usage(format!(
                    "{} stored value(s) could not be decrypted and were left as they are (logged as crypto.field.unreadable); no key was destroyed",
                    report.unreadable
                )));
            }
        }
        KeysCommand::RotateMaster { new_key_file, concurrency, storage } => {
            let new = app::core::keys::MasterKey::load_file(&new_key_file)?;
            let tenancy = app::core::tenancy::Tenancy::open(storage.config(false)?).await?;
            let bar = indicatif::ProgressBar::new(0).with_style(
                indicatif::ProgressStyle::with_template("rewrapping [{bar:30}] {pos}/{len} tenants")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let report = tenancy
                .rotate_master(&new, concurrency as usize, |done, total| {
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                })
                .await;
            bar.finish_and_clear();
            let report = report?;
            for (slug, n) in &report.rewrapped {
                say!("{slug}: {n} key(s) rewrapped under the new master key");
            }
            if report.already_done > 0 {
                say!("{} tenant(s) were already under the new master key", report.already_done);
            }
            for (slug, why) in &report.failed {
                say!("{slug}: FAILED, left under the old master key: {why}");
            }
            if !report.failed.is_empty() {
                return Err(CliError::Usage(format!(
                    "{} tenant(s) were not rewrapped; fix the cause and run the same command again",
                    report.failed.len()
                )));
            }
            say!("done in {:.1} s: start the servers with the new key file", report.elapsed.as_secs_f64());
        }
    }
    Ok(())
}
