//! `samtal gdpr`: replay the erasure ledger after a restore, check a receipt, answer "was this
//! personnummer erased?".
use clap::Subcommand;

use super::{CliError, StorageArgs};

#[derive(Debug, Subcommand)]
pub enum GdprCommand {
    /// Erase again every person the erasure ledger lists that the tenant's database still holds
    /// (run it after restoring the database from a backup; running it again changes nothing).
    ReplayErasures {
        tenant: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Check an erasure receipt (a JSON file, or `-` for standard input): exit 0 if this
    /// organisation signed it unchanged, 1 otherwise.
    VerifyReceipt {
        tenant: String,
        file: std::path::PathBuf,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// The records of processing (GDPR Art. 30): the categories of personal data held with their
    /// counts, the number of persons, the retention settings and the keys in use (versions and
    /// states, never a value).
    Report {
        tenant: String,
        /// Days the logbook keeps events (the server's `--logbook-retention-days`).
        #[arg(long, env = "SAMTAL_LOGBOOK_RETENTION_DAYS", default_value_t = 90)]
        logbook_retention_days: u32,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Read one personnummer from standard input (never from the command line, where other users
    /// of the machine could see it) and list the erasures recorded for it.
    WasErased {
        tenant: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

async fn open(
    slug: &str,
    storage: &StorageArgs,
) -> Result<(std::sync::Arc<app::core::tenancy::Tenancy>, app::core::tenancy::Tenant), CliError> {
    use app::core::tenancy::{Tenancy, TenancyError};
    let slug = app::model::slug::Slug::parse(slug)?;
    let tenancy = Tenancy::open(storage.config(false)?).await?;
    let record =
        tenancy.catalog().get(&slug).await?.ok_or_else(|| CliError::Tenancy(TenancyError::NotFound(slug.clone())))?;
    let tenant = tenancy.connect(&record).await?;
    Ok((tenancy, tenant))
}

pub(super) async fn run(cmd: GdprCommand) -> Result<(), CliError> {
    use app::core::{clock::SystemClock, gdpr};
    match cmd {
        GdprCommand::ReplayErasures { tenant, storage } => {
            let (tenancy, t) = open(&tenant, &storage).await?;
            let r = gdpr::replay(&t, tenancy.catalog(), &SystemClock).await?;
            super::say!(
                "{tenant}: {} erasure(s) in the ledger; {} person(s) erased again",
                r.recorded,
                r.erased_again.len()
            );
        }
        GdprCommand::VerifyReceipt { tenant, file, storage } => {
            let text = if file.as_os_str() == "-" {
                let mut s = String::new();
                std::io::Read::read_to_string(
                    &mut std::io::Read::take(std::io::stdin(), gdpr::receipt::MAX_BYTES as u64 + 1),
                    &mut s,
                )
                .map_err(CliError::Output)?;
                s
            } else {
                std::fs::read_to_string(&file).map_err(CliError::Output)?
            };
            let (_tenancy, t) = open(&tenant, &storage).await?;
            match gdpr::Receipt::verify(&t, t.slug().as_str(), &text) {
                Ok(r) => {
                    super::say!("{tenant}: receipt {} is genuine: erasure at {} by {}", r.id, r.erased_at, r.erased_by)
                }
                Err(e) => return Err(CliError::Usage(format!("{tenant}: {e}"))),
            }
        }
        GdprCommand::Report { tenant, logbook_retention_days, storage } => {
            let (tenancy, t) = open(&tenant, &storage).await?;
            let now = app::core::clock::now_ms();
            let today = app::model::format::iso_date(now / 1000);
            let r = gdpr::report::report(&t, tenancy.catalog(), &today).await?;
            let name = tenancy.catalog().get(t.slug()).await?.map(|r| r.display_name).unwrap_or_default();
            super::say!("Records of processing (GDPR Art. 30): {name} ({tenant})");
            super::say!("As of {}, by Samtal {}", gdpr::receipt::rfc3339(now), env!("CARGO_PKG_VERSION"));
            super::say!("");
            super::say!("Persons in the register: {} ({} employed today)", r.persons, r.employed);
            super::say!("Purposes: salary talks, salary review and pay-equity surveys (Discrimination Act ch. 3)");
            super::say!("");
            super::say!("Categories of personal data (rows):");
            for (category, what, n) in &r.categories {
                super::say!("  {category:<24} {n:>8}  {what}");
            }
            super::say!(
                "  {:<24} {:>8}  erased persons' ids and personnummer blind indexes, with receipts (catalog)",
                "erasure ledger",
                r.erasures
            );
            super::say!("");
            super::say!("Retention:");
            super::say!(
                "  persons: {} months after their last employment ends; automatic erasure {}",
                r.retention.months,
                if r.retention.auto_erase { "on" } else { "off (listed for the admin)" }
            );
            super::say!(
                "  logbook: {logbook_retention_days} days (at least 90); oldest event {}",
                r.oldest_event_ms.map(gdpr::receipt::rfc3339).unwrap_or_else(|| "none".into())
            );
            let limits = app::core::auth::SessionLimits::default();
            super::say!(
                "  sessions: {} minutes idle, {} hours at most, then deleted",
                limits.idle.as_secs() / 60,
                limits.absolute.as_secs() / 3600
            );
            super::say!("");
            super::say!("Keys in use (never their values):");
            for k in &r.keys {
                super::say!(
                    "  {} v{}: {} since {}, {} sealings",
                    k.purpose,
                    k.version,
                    k.state.as_str(),
                    gdpr::receipt::rfc3339(k.created_at),
                    k.sealed_count
                );
            }
            super::say!(
                "  logbook chain key: {}",
                if r.logbook_key_pinned { "pinned in the database (wrapped)" } else { "derived from the master key" }
            );
            super::say!("  field encryption: AES-256-GCM, data keys wrapped under a key derived from the master key");
        }
        GdprCommand::WasErased { tenant, storage } => {
            use app::model::personnummer::{Day, Personnummer};
            let mut line = String::new();
            std::io::BufRead::read_line(&mut std::io::Read::take(std::io::stdin().lock(), 64), &mut line)
                .map_err(CliError::Output)?;
            let today = Day::from_unix(app::core::clock::now_ms() / 1000);
            let pnr = Personnummer::parse(line.trim(), today)
                .map_err(|e| CliError::Usage(format!("not a valid personnummer: {e}")))?;
            let (tenancy, t) = open(&tenant, &storage).await?;
            let index = app::core::people::pnr_index(&t, &SystemClock, &pnr).await.map_err(gdpr::GdprError::from)?;
            let found = gdpr::ledger::by_index(tenancy.catalog(), t.slug().as_str(), &index).await?;
            if found.is_empty() {
                super::say!("{tenant}: no erasure recorded for that personnummer");
            }
            for e in found {
                super::say!("{tenant}: erased at {} (receipt {})", gdpr::receipt::rfc3339(e.erased_at), e.id);
            }
        }
    }
    Ok(())
}
