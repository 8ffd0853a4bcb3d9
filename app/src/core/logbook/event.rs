//! What an event may hold: ids and enums only. There is no constructor or field that takes
//! free text, so note text, salaries, names, e-mail addresses or personnummer cannot be logged
//! by accident; the few string-shaped values (ids, user agent) are validated on the way in.
//!
//! An id is not a string: this does not compile.
//! ```compile_fail
//! use app::core::logbook::{Action, Actor, Event, Outcome, TargetType};
//! let _ = Event::new(Actor::System, Action::TalkNoteViewed, Outcome::Success)
//!     .target(TargetType::Talk, "Salary 45 000 kr for Anna".to_string());
//! ```
//! Nor is there any detail or message field to put text in:
//! ```compile_fail
//! use app::core::logbook::{Action, Actor, Event, Outcome};
//! let mut e = Event::new(Actor::System, Action::TalkNoteViewed, Outcome::Success);
//! e.detail = "the note said ...".to_string();
//! ```
//! While this, with ids, does:
//! ```
//! use app::core::logbook::{Action, Actor, Event, Id, Outcome, TargetType};
//! let _ = Event::new(Actor::System, Action::TalkNoteViewed, Outcome::Success)
//!     .target(TargetType::Talk, Id::parse("42").unwrap());
//! ```
use std::net::IpAddr;

use serde::Serialize;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        pub enum $name { $($variant),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)* _ => None }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// Everything that can happen. New features add variants here.
    Action {
        TenantCreated => "tenant.created",
        TenantDisabled => "tenant.disabled",
        TenantEnabled => "tenant.enabled",
        OrganisationRenamed => "organisation.renamed",
        PasswordPolicyChanged => "organisation.password_policy.changed",
        OrganisationSettingsChanged => "organisation.settings.changed",
        AuthSignInSucceeded => "auth.sign_in.succeeded",
        AuthSignInFailed => "auth.sign_in.failed",
        AuthSignedOut => "auth.signed_out",
        AuthThrottled => "auth.sign_in.throttled",
        AuthSignInBusy => "auth.sign_in.busy",
        AuthPasswordChanged => "auth.password.changed",
        AuthPasswordCheckFailed => "auth.password.check_failed",
        AuthSessionRevoked => "auth.session.revoked",
        AuthSessionEvicted => "auth.session.evicted",
        AuthSessionsEndedByAdmin => "auth.sessions.ended_by_admin",
        AuthResetLinkIssued => "auth.reset_link.issued",
        AuthCsrfRejected => "auth.csrf.rejected",
        AuthAccessDenied => "auth.access.denied",
        UserCreated => "user.created",
        UserInvited => "user.invited",
        UserRoleChanged => "user.role.changed",
        UserDisabled => "user.disabled",
        UserEnabled => "user.enabled",
        TalkNoteViewed => "talk.note.viewed",
        LogbookPruned => "logbook.pruned",
        LogbookExported => "logbook.exported",
        DataKeyCreated => "keys.data_key.created",
        DataKeyRotated => "keys.data_key.rotated",
        DataKeyRetired => "keys.data_key.retired",
        FieldsRewrapped => "keys.rewrap.finished",
        RewrapInterrupted => "keys.rewrap.interrupted",
        MasterKeyRotated => "keys.master.rotated",
        FieldUnreadable => "crypto.field.unreadable",
        PersonCreated => "person.created",
        PersonUpdated => "person.updated",
        PersonDeleted => "person.deleted",
        PersonErased => "person.erased",
        PersonErasureReplayed => "person.erasure.replayed",
        PersonExported => "person.exported",
        PersonViewed => "person.viewed",
        PersonnummerRevealed => "person.personnummer.revealed",
        OrgUnitCreated => "org_unit.created",
        OrgUnitChanged => "org_unit.changed",
        OrgUnitDeleted => "org_unit.deleted",
        EmploymentCreated => "employment.created",
        EmploymentChanged => "employment.changed",
        EmploymentDeleted => "employment.deleted",
        PeopleImported => "people.imported",
        TalkViewed => "talk.viewed",
        TalkPrivateNoteViewed => "talk.private_note.viewed",
        TalkTextSaved => "talk.text.saved",
        TalkPreparationReady => "talk.preparation.ready",
        TalkStatusChanged => "talk.status.changed",
        TalkSignedOff => "talk.signed_off",
        TalkScheduled => "talk.scheduled",
        TalkAddendumAdded => "talk.addendum.added",
        TalkTemplateCreated => "talk_template.created",
        TalkTemplateChanged => "talk_template.changed",
        TalkTemplateDeleted => "talk_template.deleted",
        TalkRoundCreated => "talk_round.created",
        TalkReassigned => "talk.reassigned",
    }
);

string_enum!(
    TargetType {
        Tenant => "tenant",
        Organisation => "organisation",
        User => "user",
        Talk => "talk",
        Logbook => "logbook",
        DataKey => "data_key",
        Person => "person",
        OrgUnit => "org_unit",
        Employment => "employment",
        TalkTemplate => "talk_template",
        TalkRound => "talk_round",
    }
);

string_enum!(
    Outcome {
        Success => "success",
        Failure => "failure",
        Denied => "denied",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("an id is 1–64 characters of a–z, A–Z, 0–9, '-' or '_' and never a personnummer or e-mail")]
    Id,
}

/// An identifier of a row or account: an opaque token, never a name or personal number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Id(String);

/// Ten or twelve digits, with or without a separator: the shape of a personnummer.
fn looks_like_personnummer(s: &str) -> bool {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    let others = s.chars().filter(|c| !c.is_ascii_digit()).all(|c| c == '-' || c == '+');
    others && (digits.len() == 10 || digits.len() == 12)
}

impl Id {
    pub fn parse(s: &str) -> Result<Self, EventError> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !looks_like_personnummer(s);
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err(EventError::Id)
        }
    }

    pub fn from_seq(n: i64) -> Self {
        Self(n.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Actor {
    System,
    User(Id),
}

impl Actor {
    pub fn encode(&self) -> String {
        match self {
            Actor::System => "system".into(),
            Actor::User(id) => format!("user:{}", id.as_str()),
        }
    }
}

/// Where a request came from. The user agent is cut to 200 printable ASCII characters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

impl Origin {
    /// A request id outside the accepted shape is dropped; the IP and user agent are kept
    /// whatever it was.
    pub fn new(ip: Option<IpAddr>, user_agent: Option<&str>, request_id: Option<&str>) -> Self {
        let request_id = request_id
            .filter(|r| !r.is_empty() && r.len() <= 64 && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
            .map(str::to_string);
        let user_agent =
            user_agent.map(|ua| ua.chars().filter(|c| c.is_ascii() && !c.is_ascii_control()).take(200).collect());
        Self { ip, user_agent, request_id }
    }
}

/// One thing that happened, before it gets its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub actor: Actor,
    pub action: Action,
    pub target: Option<(TargetType, Id)>,
    pub outcome: Outcome,
    pub origin: Origin,
    /// How many occurrences this event stands for: 1, or the count of a summary of repeated
    /// anonymous refusals (see [`super::anonymous`]).
    pub repeats: i64,
}

impl Event {
    pub fn new(actor: Actor, action: Action, outcome: Outcome) -> Self {
        Self { actor, action, target: None, outcome, origin: Origin::default(), repeats: 1 }
    }

    pub fn target(mut self, kind: TargetType, id: Id) -> Self {
        self.target = Some((kind, id));
        self
    }

    pub fn origin(mut self, origin: Origin) -> Self {
        self.origin = origin;
        self
    }

    pub fn repeats(mut self, n: i64) -> Self {
        self.repeats = n.max(1);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_refuse_personal_data() {
        for bad in [
            "",
            "Anna Svensson",
            "anna@example.se",
            "640823-3234",
            "6408233234",
            "196408233234",
            "19640823-3234",
            "701063+2391",
            "45 000 kr",
            "a;DROP",
            &"x".repeat(65),
        ] {
            assert_eq!(Id::parse(bad), Err(EventError::Id), "{bad:?}");
        }
        for ok in ["42", "u_01HZX", "acme", "7f3c9a1e-2b44-4c1e-9d0a-3f1f2c7b8e11"] {
            assert!(Id::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn actions_round_trip_through_their_names() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(*a));
        }
        assert_eq!(Action::TalkNoteViewed.as_str(), "talk.note.viewed");
        assert_eq!(Action::parse("talk.note.text"), None);
    }

    #[test]
    fn origin_is_cleaned() {
        let o = Origin::new(None, Some("Mozilla/5.0\r\nX-Evil: 1 åäö"), Some("ab12"));
        assert_eq!(o.user_agent.as_deref(), Some("Mozilla/5.0X-Evil: 1 "));
        assert_eq!(o.request_id.as_deref(), Some("ab12"));
        let ip = "192.0.2.1".parse().ok();
        let o = Origin::new(ip, Some("ua"), Some("has space"));
        assert_eq!((o.ip, o.user_agent.as_deref(), o.request_id), (ip, Some("ua"), None), "only the bad field goes");
    }
}
