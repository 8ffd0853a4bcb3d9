//! `samtal tenant`: create, list, disable and enable tenants.
use app::{
    core::tenancy::{provision::StorageTarget, Tenancy},
    model::{format::iso_date, slug::Slug},
};
use clap::Subcommand;

use super::{CliError, StorageArgs};

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

pub(super) async fn run(cmd: TenantCommand) -> Result<(), CliError> {
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

fn backend_of(storage_url: &str) -> &'static str {
    if storage_url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    }
}
