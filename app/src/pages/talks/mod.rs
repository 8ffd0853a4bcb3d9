//! Talks' pages: my talks, a talk (phone first: the primary action sits at the bottom edge
//! where a thumb reaches it), its printable summary, and the admin's templates and rounds.
//! Server components with plain forms; the note editor is an island that autosaves.
mod editor;
mod mine;
mod rounds;
mod summary;
mod talk;
mod templates;

pub use mine::MyTalksPage;
pub use rounds::{RoundPage, RoundsPage};
pub use summary::TalkSummaryPage;
pub use talk::{PrivateNotesPage, TalkPage};
pub use templates::{TemplatePage, TemplatesPage};

use crate::{i18n::TalkTexts, model::talks::Status};

pub(crate) fn status_word(t: &'static TalkTexts, s: Status) -> &'static str {
    match s {
        Status::NotStarted => t.not_started,
        Status::Started => t.started,
        Status::Waiting => t.waiting,
        Status::Completed => t.completed,
    }
}
