//! Roles and account views both sides use.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Employee,
    Manager,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Employee => "employee",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "manager" => Some(Role::Manager),
            "employee" => Some(Role::Employee),
            _ => None,
        }
    }
    /// The word people see.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "HR administrator",
            Role::Manager => "Manager",
            Role::Employee => "Employee",
        }
    }
}

/// The signed-in person as the UI sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: String,
    pub display_name: String,
    pub role: Role,
}
