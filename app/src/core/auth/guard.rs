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
}
