//! A person's rights under the GDPR: what the person chain holds about someone ([`holdings`]),
//! erasure with a signed receipt and a ledger outside the tenant's database that a restore
//! replays ([`erase`], [`ledger`], [`receipt`]), and the export of everything about a person
//! ([`export`]).
pub mod erase;
pub mod export;
pub mod holdings;
pub mod ledger;
pub mod receipt;
pub mod report;
pub mod retention;

pub use erase::{erase, replay, Replayed};
pub use export::{export, PersonExport, Requester};
pub use holdings::{holdings, Holdings};
pub use receipt::Receipt;

use crate::core::{crypto::CryptoError, logbook, people::PeopleError};

#[derive(Debug, thiserror::Error)]
pub enum GdprError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("the erasure ledger (catalog): {0}")]
    Ledger(#[source] sqlx::Error),
    #[error("{0}")]
    Crypto(#[from] CryptoError),
    #[error("logbook: {0}")]
    Logbook(#[from] logbook::LogbookError),
    #[error("{0}")]
    People(#[from] PeopleError),
    #[error("talks: {0}")]
    Talk(String),
    #[error("no such person")]
    NoSuchPerson,
    #[error("the personal identity number typed is not this person's")]
    ConfirmationMismatch,
    #[error("the retention period is 1 to 120 months")]
    RetentionMonths,
    #[error("too many exports in the last hour")]
    TooManyExports,
    #[error("not past the retention period")]
    NotDue,
    #[error("no such receipt")]
    NoSuchReceipt,
    #[error("that is not an erasure receipt of this organisation")]
    NotAReceipt,
    #[error("the operating system's random source failed")]
    Random,
}

/// Logs that a typed personnummer was not the person's (`action` refused): a slip, or someone
/// trying numbers; then says so.
pub(crate) async fn wrong_number(
    tenant: &crate::core::tenancy::Tenant,
    clock: &dyn crate::core::clock::Clock,
    actor: logbook::Actor,
    origin: logbook::Origin,
    action: logbook::Action,
    person_id: &str,
) -> GdprError {
    let Ok(id) = logbook::Id::parse(person_id) else { return GdprError::NoSuchPerson };
    let refused = logbook::Event::new(actor, action, logbook::Outcome::Failure)
        .target(logbook::TargetType::Person, id)
        .origin(origin);
    match logbook::record(tenant, clock, &refused).await {
        Ok(_) => GdprError::ConfirmationMismatch,
        Err(e) => e.into(),
    }
}

pub(crate) fn new_id() -> Result<String, GdprError> {
    crate::core::ids::random_id().map_err(|_| GdprError::Random)
}
