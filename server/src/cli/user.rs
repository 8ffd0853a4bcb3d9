//! `samtal user`: create an account or make a new one-time link, printed for the operator.
use clap::Subcommand;

use super::{open_any, CliError, StorageArgs};

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

pub(super) async fn run(cmd: UserCommand) -> Result<(), CliError> {
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
    println!(
        "Account {} ({}). One-time link, valid 24 hours:",
        user.email,
        user.role.label(app::model::lang::Lang::En)
    );
    println!("{}{}", base.trim_end_matches('/'), app::model::auth::set_password_path(&token));
    Ok(())
}
