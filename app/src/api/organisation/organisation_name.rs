use leptos::prelude::*;

use crate::error::AppError;

/// The name of the organisation this address belongs to, read from its own database. Public:
/// every page's frame shows it (loaded by `server::frame`, not through this function) so
/// people know they are at the right place; this is the same answer for API clients.
#[server(endpoint = "organisation/name")]
pub async fn organisation_name() -> Result<String, AppError> {
    let tenant = crate::api::tenant()?;
    match crate::core::organisation::name(&tenant).await {
        Ok(Some(name)) => Ok(name),
        Ok(None) => Ok(tenant.slug().to_string()),
        Err(e) => {
            tracing::error!(tenant = %tenant.slug(), error = %e, "reading organisation name");
            Err(AppError::Internal)
        }
    }
}
