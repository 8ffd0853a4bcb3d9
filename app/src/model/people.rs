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
    /// The sign-in account linked to the person, shown to admins only.
    pub account: Option<AccountChoice>,
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

/// One row of the import preview: its line, whose it is (names only) and what is wrong, as
/// codes the page puts in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRowView {
    pub line: u32,
    pub name: String,
    /// The row updates someone already registered (same personnummer).
    pub update: bool,
    pub problems: Vec<ImportProblem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProblem {
    /// `pnr_check`, `email`, `repeated`, `incomplete`, … (see `pages::people::import`).
    pub code: String,
    /// The field it is about (`job_title`), or the earlier line a repeat first appeared on.
    pub detail: Option<String>,
}

/// What a preview found. `digest` names exactly the file and mapping that were checked; the
/// apply step refuses anything else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreviewView {
    pub headers: Vec<String>,
    /// `target=column;…`
    pub mapping: String,
    /// A problem with the whole file (its code), when there is one; then there are no rows.
    pub file_problem: Option<String>,
    pub rows: Vec<ImportRowView>,
    pub new: u32,
    pub updated: u32,
    pub problem_rows: u32,
    pub digest: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportDone {
    pub created: u32,
    pub updated: u32,
    pub units_created: u32,
}

/// A sign-in account, as the person page's link form names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountChoice {
    pub id: String,
    pub email: String,
}
