//! What the GDPR pages show: counts per kind and receipts, never a person's content.
use serde::{Deserialize, Serialize};

/// What an erasure would delete and keep, by kind (the kinds' names are the receipt's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureCounts {
    pub erased: Vec<(String, i64)>,
    pub kept: Vec<(String, i64)>,
}

/// One erasure in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureRow {
    pub id: String,
    pub erased_at_ms: i64,
    pub erased_by: String,
    pub reason: String,
}

/// One erasure's receipt as a page shows it, checked on the way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureView {
    pub id: String,
    pub erased_at: String,
    pub erased_at_ms: i64,
    pub erased_by: String,
    pub reason: String,
    pub personnummer_index: String,
    pub erased: Vec<(String, i64)>,
    pub kept: Vec<(String, i64)>,
    /// The MAC checks out under this organisation's key.
    pub genuine: bool,
}

/// The organisation's retention setting and who is past it today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionView {
    pub months: i64,
    pub auto_erase: bool,
    pub due: Vec<DueRow>,
}

/// Someone past the retention period (an admin sees the register anyway).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueRow {
    pub person_id: String,
    pub name: String,
    pub ended: String,
    /// Linked to an active admin account: never erased automatically.
    pub admin: bool,
}
