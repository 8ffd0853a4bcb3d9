//! Server functions, one per file, grouped by area. Each is thin: authorize, call the core, map
//! errors. Endpoints are named explicitly so their URLs stay stable across builds.
pub mod organisation;
pub mod system;

/// The tenant this request was resolved to. Every tenant server function starts here; the
/// middleware has already refused requests without one, so a miss is a server fault.
#[cfg(feature = "ssr")]
pub fn tenant() -> Result<crate::core::tenancy::Tenant, crate::error::AppError> {
    leptos::prelude::use_context::<crate::core::tenancy::Tenant>().ok_or_else(|| {
        tracing::error!("server function called without a resolved tenant");
        crate::error::AppError::Internal
    })
}
