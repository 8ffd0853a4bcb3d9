//! `samtal migrate`: the catalog and every tenant database, a bounded number at a time.
use std::{io::IsTerminal, sync::Arc};

use app::core::tenancy::Tenancy;
use clap::Args;

use super::{CliError, StorageArgs};

#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    /// Tenants migrated at the same time.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    #[command(flatten)]
    pub storage: StorageArgs,
}

pub(super) async fn run(args: MigrateArgs) -> Result<(), CliError> {
    // Opening the catalog migrates it too.
    let tenancy: Arc<Tenancy> = Tenancy::open(args.storage.config(false)?).await?;
    let tty = std::io::stderr().is_terminal();
    let report = tenancy
        .migrate_all(args.concurrency, |done, total| {
            if tty {
                let width = 30;
                let filled = (done * width).checked_div(total).unwrap_or(width);
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
