//! `samtal logbook`: verify the chain, tail it, export it as CSV.
use clap::Subcommand;

use super::{open_any, CliError, StorageArgs};

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

fn date_ms(flag: &str, value: &str) -> Result<i64, CliError> {
    app::model::format::parse_iso_date(value)
        .map(|s| s * 1000)
        .ok_or_else(|| CliError::Usage(format!("{flag} must be a date like 2026-11-24, got {value:?}")))
}

pub(super) async fn run(cmd: LogbookCommand) -> Result<(), CliError> {
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
            // Logged before the data leaves, like any read of sensitive data.
            // The period, as an id: 20261101-20261201.
            let period = format!("{}-{}", from.replace('-', ""), to.replace('-', ""));
            let period = Id::parse(&period).map_err(|e| CliError::Usage(e.to_string()))?;
            let event = Event::new(Actor::System, Action::LogbookExported, Outcome::Success)
                .target(TargetType::Logbook, period);
            logbook::record(&t, &SystemClock, &event).await?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            writeln!(out, "{}", logbook::CSV_HEADER).map_err(CliError::Output)?;
            // Streamed: one event in memory at a time, whatever the period holds.
            let filter = Filter { from_ms: Some(from_ms), to_ms: Some(to_ms), ..Filter::default() };
            logbook::for_each(&t, &filter, |e| writeln!(out, "{}", logbook::csv_row(&e)).map_err(CliError::Output))
                .await?;
            out.flush().map_err(CliError::Output)?;
        }
    }
    Ok(())
}
