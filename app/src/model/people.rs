//! What the people pages show and islands receive: the register's records as views, with the
//! personnummer only masked (the whole number travels only in an admin's logged reveal).
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonListRow {
    pub id: String,
    pub name: String,
    pub employee_number: Option<String>,
    pub job_title: Option<String>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeoplePage {
    pub rows: Vec<PersonListRow>,
    pub total: u64,
    pub page: u32,
    pub pages: u32,
    /// `name`, `unit` or `number`.
    pub sort: String,
    /// The name search in force (from this browser's sealed search cookie, never the address).
    pub search: String,
    /// The viewer may add and edit people (admins).
    pub can_edit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmploymentView {
    pub id: String,
    pub unit_id: String,
    pub unit: String,
    pub job_title: String,
    pub manager_id: Option<String>,
    pub manager: Option<String>,
    pub start_date: String,
    pub end_date: Option<String>,
    pub rate_bp: i64,
    pub monthly_salary_ore: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonView {
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub employee_number: Option<String>,
    /// `female`, `male` or `other`.
    pub gender: String,
    pub gender_manual: bool,
    /// `19640823-****`.
    pub personnummer_masked: String,
    pub employments: Vec<EmploymentView>,
    pub can_edit: bool,
    /// The viewer's own record.
    pub is_me: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitView {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub depth: u32,
    pub people: i64,
}

/// A person who can be chosen as a manager in the employment form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagerChoice {
    pub id: String,
    pub name: String,
}
