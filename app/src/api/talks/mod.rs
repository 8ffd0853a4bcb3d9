//! Talks' server functions: my talks, a talk and its texts, status moves, the calendar file,
//! and the admin's templates and rounds. Each authorizes through the one guard: a talk's texts
//! only for its parties (`Need::TalkText` and kin, never by role), templates and rounds for
//! admins (`Need::Role`), who see statuses and dates but never a text.
mod add_addendum;
mod calendar_file;
mod create_template;
mod edit_template;
mod mark_ready;
mod my_talks;
mod private_note;
mod reassign_talk;
mod roll_out_round;
mod round_detail;
mod save_note;
mod save_preparation;
mod schedule_talk;
mod talk_detail;
mod talk_move;
mod talk_summary;
mod template_detail;
mod templates;
pub use add_addendum::*;
pub use calendar_file::*;
pub use create_template::*;
pub use edit_template::*;
pub use mark_ready::*;
pub use my_talks::*;
pub use private_note::*;
pub use reassign_talk::*;
pub use roll_out_round::*;
pub use round_detail::*;
pub use save_note::*;
pub use save_preparation::*;
pub use schedule_talk::*;
pub use talk_detail::*;
pub use talk_move::*;
pub use talk_summary::*;
pub use template_detail::*;
pub use templates::*;

#[cfg(feature = "ssr")]
pub(crate) use server_side::*;

#[cfg(feature = "ssr")]
mod server_side {
    pub(crate) use crate::api::checked_id;
    use crate::{
        core::{
            auth::guard::{self, Need, TalkParty},
            clock::SystemClock,
            logbook::{self, Action, Event, Outcome},
            talks::{access, talk::By, TalkError},
            tenancy::Tenant,
        },
        error::{AppError, Problem},
    };

    /// What a talk function needs of its caller.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum TalkNeed {
        Text,
        /// Either party, as themselves (see [`access::side`]).
        Party,
        Manager,
        Employee,
    }

    /// A caller the guard let through to one talk.
    pub(crate) struct Granted {
        pub tenant: Tenant,
        pub talk: access::Talk,
        pub party: TalkParty,
        pub by: By,
    }

    /// The one guard for a talk: the caller's standing to it is computed from the register,
    /// then `guard::require` decides. A refusal is logged with the talk's id and is 403.
    /// Text saves per account a minute: the editor saves a second after the last key, so a
    /// person typing in two tabs stays far below it; beyond it the answer is "busy, try again
    /// shortly", which the editor does by itself with the text kept.
    pub(crate) const SAVES_PER_MINUTE: u32 = 120;

    /// Takes one text save from the account's budget (`SAVES_PER_MINUTE`).
    pub(crate) fn take_save(g: &Granted) -> Result<(), AppError> {
        static SAVES: std::sync::OnceLock<crate::core::limits::Budget> = std::sync::OnceLock::new();
        let budget = SAVES.get_or_init(|| {
            crate::core::limits::Budget::new(SAVES_PER_MINUTE, std::time::Duration::from_secs(60), 100_000)
        });
        let key = format!("{}:{}", g.tenant.slug(), g.by.user);
        budget.take(&key, std::time::Instant::now()).map_err(|wait| AppError::Busy { seconds: wait.as_secs().max(1) })
    }

    pub(crate) async fn require_talk(talk_id: &str, need: TalkNeed) -> Result<Granted, AppError> {
        let id = checked_id(talk_id, Problem::NoSuchTalk)?;
        let (tenant, user) = crate::api::require(Need::SignedIn).await?;
        let talk = access::load(&tenant, id).await.map_err(talk_error)?;
        let (party, me) = access::party(&tenant, &user, &talk, &org_today(&tenant).await?).await.map_err(talk_error)?;
        let need = match need {
            TalkNeed::Text => Need::TalkText(&party),
            TalkNeed::Party => Need::TalkParty(&party),
            TalkNeed::Manager => Need::TalkManager(&party),
            TalkNeed::Employee => Need::TalkEmployee(&party),
        };
        match (guard::require(Some(&user), need), me) {
            (Ok(_), Some(person)) => {
                let by = By { actor: user.actor(), origin: crate::api::origin(), person, user: user.id.clone() };
                Ok(Granted { tenant, talk, party, by })
            }
            _ => {
                let event = Event::new(user.actor(), Action::AuthAccessDenied, Outcome::Denied)
                    .target(logbook::TargetType::Talk, logbook::Id::parse(id).map_err(|_| AppError::BadRequest)?)
                    .origin(crate::api::origin());
                if let Err(e) = logbook::record(&tenant, &SystemClock, &event).await {
                    tracing::error!(error = %e, "could not log a denied request");
                }
                Err(AppError::Forbidden)
            }
        }
    }

    /// Today in the organisation's time zone (`YYYY-MM-DD`): what "current" means for a
    /// reporting line and a roll-out.
    pub(crate) async fn org_today(tenant: &Tenant) -> Result<String, AppError> {
        let zone = crate::core::organisation::time_zone(tenant).await.map_err(crate::api::internal)?;
        Ok(crate::components::time::today_in(&zone))
    }

    /// The talks' refusals in words; faults as internal errors (logged, never shown).
    pub(crate) fn talk_error(e: TalkError) -> AppError {
        use TalkError as E;
        let p = match e {
            E::NoSuchTalk => Problem::NoSuchTalk,
            E::NoSuchTemplate => Problem::NoSuchTemplate,
            E::NoSuchRound => Problem::NoSuchRound,
            E::NoSuchUnit => Problem::NoSuchUnit,
            E::ShippedTemplate => Problem::ShippedTemplate,
            E::InvalidTitle => Problem::TemplateTitle,
            E::InvalidQuestion => Problem::Question,
            E::InvalidScale => Problem::Scale,
            E::TemplateTooLarge => Problem::TemplateTooLarge,
            E::EmptyTemplate => Problem::EmptyTemplate,
            E::RoundTooLarge => Problem::RoundTooLarge,
            E::DuplicateRound => Problem::DuplicateRound,
            E::NoSuchItem => Problem::NoSuchItem,
            E::InvalidDates => Problem::RoundDates,
            E::TooLong => Problem::TextTooLong,
            E::TooMany => Problem::TooManyAddenda,
            E::InvalidAnswer => Problem::InvalidAnswer,
            E::IllegalMove => Problem::IllegalMove,
            E::Locked => Problem::TalkLocked,
            E::Conflict { .. } => Problem::SaveConflict,
            E::InvalidTime => Problem::TalkTime,
            E::ManagerNotReady => Problem::ManagerNotReady,
            E::NoManager => Problem::NoCurrentManager,
            E::Crypto(c) if c.is_unreadable() => return AppError::Unreadable,
            other => return crate::api::internal(other),
        };
        AppError::Invalid(p)
    }

    /// Where a plain form about a talk goes back to.
    pub(crate) fn talk_page(id: &str) -> String {
        format!("/talks/{id}")
    }
}
