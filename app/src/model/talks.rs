//! Talks as both sides see them: templates (sections and questions), a talk's status and what
//! of its texts a party may see. The texts themselves travel only in a [`TalkView`] the server
//! built for one party after logging the view.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The longest note, action list, comment or addendum, in characters: some 30 pages of text.
/// The pages give the same limit to the browser (`maxlength`), so a long text is stopped while
/// typing, not refused, and lost, on sending.
pub const MAX_NOTE_CHARS: usize = 50_000;
/// The longest answer to one question.
pub const MAX_ANSWER_CHARS: usize = 10_000;

/// Who answers a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnsweredBy {
    Employee,
    Manager,
    Both,
}

impl AnsweredBy {
    pub fn as_str(self) -> &'static str {
        match self {
            AnsweredBy::Employee => "employee",
            AnsweredBy::Manager => "manager",
            AnsweredBy::Both => "both",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "employee" => Some(AnsweredBy::Employee),
            "manager" => Some(AnsweredBy::Manager),
            "both" => Some(AnsweredBy::Both),
            _ => None,
        }
    }
    pub fn includes(self, side: Side) -> bool {
        matches!(
            (self, side),
            (AnsweredBy::Both, _) | (AnsweredBy::Employee, Side::Employee) | (AnsweredBy::Manager, Side::Manager)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub help: String,
    pub answered_by: AnsweredBy,
    /// A salary-criteria question is rated on this scale (level 1 is the first label); `None`
    /// for a question answered in words only.
    pub scale: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateBody {
    pub sections: Vec<Section>,
}

impl TemplateBody {
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }
}

/// The two parties of a talk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Employee,
    Manager,
}

/// One side's answer to one question.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
}

/// One side's preparation: answers by question id.
pub type Preparation = BTreeMap<String, Answer>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NotStarted,
    Started,
    Waiting,
    Completed,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::NotStarted, Status::Started, Status::Waiting, Status::Completed];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "not_started",
            Status::Started => "started",
            Status::Waiting => "waiting",
            Status::Completed => "completed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The texts of a talk that are not a preparation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// The shared notes the manager writes during and after the talk.
    Notes,
    /// The agreed actions.
    Actions,
    /// The manager's private notes, which only they can open.
    Private,
}

impl Note {
    pub fn as_str(self) -> &'static str {
        match self {
            Note::Notes => "notes",
            Note::Actions => "actions",
            Note::Private => "private",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "notes" => Some(Note::Notes),
            "actions" => Some(Note::Actions),
            "private" => Some(Note::Private),
            _ => None,
        }
    }
}

/// A text with the version an edit must name to replace it (0: never written).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versioned {
    pub text: String,
    pub version: i64,
}

/// A talk as one list row: statuses, dates and names, never a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TalkRow {
    pub id: String,
    pub round: String,
    pub employee: String,
    pub manager: Option<String>,
    pub status: Status,
    /// Unix seconds.
    pub scheduled_at: Option<i64>,
    /// The round's last day (`YYYY-MM-DD`): a talk not completed by then is overdue.
    pub due: String,
    /// (A round's page) the employee's manager today is not the talk's: an admin may hand it on.
    #[serde(default)]
    pub manager_changed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyTalksView {
    /// Talks this account holds as manager.
    pub holding: Vec<TalkRow>,
    /// This account's own talks, as employee.
    pub own: Vec<TalkRow>,
    /// Today in the organisation's time zone (`YYYY-MM-DD`), which the lists are grouped by.
    pub today: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addendum {
    pub author: Option<String>,
    /// Unix seconds.
    pub at: i64,
    pub text: String,
}

/// A talk as one party sees it. A text the viewer may not see is `None` (not empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TalkView {
    pub id: String,
    pub round: String,
    pub employee: String,
    pub manager: Option<String>,
    pub status: Status,
    pub scheduled_at: Option<i64>,
    pub duration_min: Option<i64>,
    pub due: String,
    pub time_zone: String,
    pub body: TemplateBody,
    /// The viewer's side; `None` for a manager higher in the reporting line, who reads only.
    pub side: Option<Side>,
    pub employee_ready_at: Option<i64>,
    pub manager_ready_at: Option<i64>,
    pub asked_at: Option<i64>,
    pub signed_at: Option<i64>,
    /// The talk row's version, for a status change or a new time.
    pub version: i64,
    pub employee_prep: Option<(Preparation, i64)>,
    pub manager_prep: Option<(Preparation, i64)>,
    pub notes: Versioned,
    pub actions: Versioned,
    pub comment: Option<String>,
    pub addenda: Vec<Addendum>,
    /// A text no longer matches what was signed (restored or copied in after sign-off).
    pub altered: bool,
}

/// A manager's own private notes on a talk, with what their page needs to say about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateNoteView {
    pub round: String,
    pub employee: String,
    pub status: Status,
    pub note: Versioned,
}

/// A template in the admin's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateRow {
    pub id: String,
    pub title: String,
    /// One of the two ready templates: copied, never edited.
    pub shipped: bool,
    pub questions: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateView {
    pub id: String,
    pub title: String,
    pub shipped: bool,
    pub body: TemplateBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundRow {
    pub id: String,
    pub title: String,
    pub unit: String,
    pub starts_on: String,
    pub ends_on: String,
    pub talks: u32,
    pub completed: u32,
}

/// Counts per status for one unit of a round: statuses and dates only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitProgress {
    pub unit: String,
    pub not_started: u32,
    pub started: u32,
    pub waiting: u32,
    pub completed: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundView {
    pub id: String,
    pub title: String,
    pub unit: String,
    pub starts_on: String,
    pub ends_on: String,
    pub units: Vec<UnitProgress>,
    pub talks: Vec<TalkRow>,
    /// More talks than listed.
    pub more: bool,
}

/// What rolling out a round made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolledOut {
    pub round_id: String,
    pub talks: u32,
    /// People in the units who have no manager and so got no talk.
    pub without_manager: u32,
}
