//! Authorization in one place: every server function states what it needs and asks here.
use super::{users::User, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need<'a> {
    /// Signed in, any role.
    SignedIn,
    /// At least this role (admin ⊇ manager ⊇ employee).
    Role(Role),
    /// The account itself, or an admin.
    SelfOrAdmin(&'a str),
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
}
