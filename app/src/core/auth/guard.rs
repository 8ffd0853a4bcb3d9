//! Authorization in one place: every server function states what it needs and asks here.
use std::collections::HashSet;

use super::{users::User, Role};

/// Whose records in the people register an account reaches, as the register computed it for
/// this request (`core::people::access::reach`): an admin everyone, a manager their own and
/// their reporting line's (direct and indirect), an employee only their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Everyone,
    Only(HashSet<String>),
}

impl Reach {
    pub fn covers(&self, person_id: &str) -> bool {
        match self {
            Reach::Everyone => true,
            Reach::Only(ids) => ids.contains(person_id),
        }
    }
}

/// How an account stands to one talk, as `core::talks::access::party` computed it for this
/// request. A role gives nothing here: an admin reads no talk's text unless they are a party.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TalkParty {
    /// The talk is about the account's person.
    pub employee: bool,
    /// The account's person holds the talk, and the employee is in their reporting line today.
    pub manager: bool,
    /// The account's person is above the talk's manager in the employee's reporting line
    /// (reads, never writes).
    pub line: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need<'a> {
    /// Signed in, any role.
    SignedIn,
    /// At least this role (admin ⊇ manager ⊇ employee).
    Role(Role),
    /// The account itself, or an admin.
    SelfOrAdmin(&'a str),
    /// A person's record, within the account's reach.
    Person(&'a str, &'a Reach),
    /// A talk's texts: its employee, its manager, or a manager above in the reporting line.
    TalkText(&'a TalkParty),
    /// What either party writes as themselves: a preparation, an addendum, the calendar file.
    TalkParty(&'a TalkParty),
    /// What only the manager who holds the talk does: notes, private notes, status.
    TalkManager(&'a TalkParty),
    /// What only the talk's employee does: the sign-off.
    TalkEmployee(&'a TalkParty),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("sign in first")]
    NotSignedIn,
    #[error("you do not have access to this")]
    Forbidden,
}

pub fn require<'u>(user: Option<&'u User>, need: Need<'_>) -> Result<&'u User, Denied> {
    let user = user.ok_or(Denied::NotSignedIn)?;
    let ok = match need {
        Need::SignedIn => true,
        Need::Role(r) => user.role >= r,
        Need::SelfOrAdmin(id) => user.id == id || user.role == Role::Admin,
        // An admin's reach is everyone whatever was passed: the role decides, not the caller.
        Need::Person(id, reach) => user.role == Role::Admin || reach.covers(id),
        // The manager side needs a manager's role as well (an admin who manages people holds
        // their talks); reading down the line is for the manager role only, never an admin's.
        Need::TalkText(p) => {
            p.employee || (p.manager && user.role >= Role::Manager) || (p.line && user.role == Role::Manager)
        }
        Need::TalkParty(p) => p.employee || (p.manager && user.role >= Role::Manager),
        Need::TalkManager(p) => p.manager && user.role >= Role::Manager,
        Need::TalkEmployee(p) => p.employee,
    };
    if ok {
        Ok(user)
    } else {
        Err(Denied::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::auth::users::Status;

    fn user(role: Role) -> User {
        User {
            id: "u1".into(),
            email: "a@b.se".into(),
            display_name: "A".into(),
            role,
            status: Status::Active,
            password_hash: None,
        }
    }

    #[test]
    fn roles_nest_and_nobody_gets_in_unsigned() {
        assert_eq!(require(None, Need::SignedIn), Err(Denied::NotSignedIn));
        assert!(require(Some(&user(Role::Employee)), Need::Role(Role::Admin)).is_err());
        assert!(require(Some(&user(Role::Manager)), Need::Role(Role::Admin)).is_err());
        assert!(require(Some(&user(Role::Admin)), Need::Role(Role::Manager)).is_ok());
        assert!(require(Some(&user(Role::Employee)), Need::SelfOrAdmin("u1")).is_ok());
        assert!(require(Some(&user(Role::Employee)), Need::SelfOrAdmin("u2")).is_err());
        assert!(require(Some(&user(Role::Admin)), Need::SelfOrAdmin("u2")).is_ok());
    }

    #[test]
    fn a_person_is_reached_only_within_the_reach() {
        let line = Reach::Only(["p1".to_string(), "p2".to_string()].into_iter().collect());
        assert!(require(Some(&user(Role::Manager)), Need::Person("p2", &line)).is_ok());
        assert_eq!(require(Some(&user(Role::Manager)), Need::Person("p3", &line)), Err(Denied::Forbidden));
        assert_eq!(require(Some(&user(Role::Employee)), Need::Person("p3", &line)), Err(Denied::Forbidden));
        assert!(require(Some(&user(Role::Admin)), Need::Person("p3", &line)).is_ok());
        assert_eq!(require(None, Need::Person("p1", &Reach::Everyone)), Err(Denied::NotSignedIn));
    }

    #[test]
    fn a_talk_is_for_its_parties_whatever_the_role() {
        let none = TalkParty::default();
        let employee = TalkParty { employee: true, ..none };
        let manager = TalkParty { manager: true, ..none };
        let line = TalkParty { line: true, ..none };
        let admin = user(Role::Admin);
        assert_eq!(require(Some(&admin), Need::TalkText(&none)), Err(Denied::Forbidden), "an admin reads no text");
        assert!(require(Some(&user(Role::Employee)), Need::TalkText(&employee)).is_ok());
        assert!(require(Some(&user(Role::Employee)), Need::TalkManager(&employee)).is_err());
        assert!(require(Some(&user(Role::Manager)), Need::TalkManager(&manager)).is_ok());
        assert!(require(Some(&user(Role::Manager)), Need::TalkEmployee(&manager)).is_err());
        assert!(require(Some(&user(Role::Manager)), Need::TalkText(&line)).is_ok());
        assert!(require(Some(&user(Role::Manager)), Need::TalkManager(&line)).is_err(), "the line only reads");
        assert!(require(Some(&user(Role::Employee)), Need::TalkText(&line)).is_err(), "a demoted manager");
        assert!(require(Some(&user(Role::Employee)), Need::TalkManager(&manager)).is_err());
        assert!(require(Some(&user(Role::Employee)), Need::TalkText(&manager)).is_err(), "demoted: reads nothing");
        assert!(require(Some(&user(Role::Employee)), Need::TalkParty(&manager)).is_err());
        assert!(require(Some(&admin), Need::TalkText(&line)).is_err(), "an admin does not read down a line");
        assert!(require(Some(&admin), Need::TalkManager(&manager)).is_ok(), "an admin who holds the talk");
        assert!(require(Some(&user(Role::Employee)), Need::TalkParty(&employee)).is_ok());
    }
}
