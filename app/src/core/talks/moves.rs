//! A talk's status machine: Not started → Started → Waiting on OK → Completed, and what each
//! party may do in each status. Pure, so every pair is tested.
use super::TalkError;
use crate::model::talks::{Side, Status};

/// What a party asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// The manager opens the talk (also implied by the first text either side writes).
    Start,
    /// The manager asks the employee to confirm (needs the manager's preparation ready).
    AskForOk,
    /// The manager takes the request back to change the notes.
    Withdraw,
    /// The employee confirms: the talk is completed and locked.
    SignOff,
    /// The employee answers with a comment instead: back to the manager.
    SendBack,
}

impl Move {
    pub const ALL: [Move; 5] = [Move::Start, Move::AskForOk, Move::Withdraw, Move::SignOff, Move::SendBack];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "start" => Move::Start,
            "ask" => Move::AskForOk,
            "withdraw" => Move::Withdraw,
            "sign_off" => Move::SignOff,
            "send_back" => Move::SendBack,
            _ => return None,
        })
    }

    /// The party who makes this move.
    pub fn by(self) -> Side {
        match self {
            Move::Start | Move::AskForOk | Move::Withdraw => Side::Manager,
            Move::SignOff | Move::SendBack => Side::Employee,
        }
    }
}

/// The status after `m`, or why not.
pub fn next(status: Status, m: Move, side: Side) -> Result<Status, TalkError> {
    use Status::*;
    if status == Completed {
        return Err(TalkError::Locked);
    }
    if side != m.by() {
        return Err(TalkError::IllegalMove);
    }
    match (status, m) {
        (NotStarted, Move::Start) => Ok(Started),
        (Started, Move::AskForOk) => Ok(Waiting),
        (Waiting, Move::Withdraw) | (Waiting, Move::SendBack) => Ok(Started),
        (Waiting, Move::SignOff) => Ok(Completed),
        _ => Err(TalkError::IllegalMove),
    }
}

/// What may be written in `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// A side's preparation (until that side marks it ready).
    Preparation,
    /// The shared notes and agreed actions: before the employee is asked to confirm them.
    Notes,
    /// The manager's private notes: until sign-off.
    Private,
    /// A correction after sign-off.
    Addendum,
}

pub fn may_write(status: Status, w: Write) -> Result<(), TalkError> {
    use Status::*;
    match (status, w) {
        (Completed, Write::Addendum) => Ok(()),
        (Completed, _) => Err(TalkError::Locked),
        (_, Write::Addendum) => Err(TalkError::IllegalMove),
        (NotStarted | Started, Write::Preparation | Write::Notes) => Ok(()),
        (Waiting, Write::Preparation | Write::Notes) => Err(TalkError::IllegalMove),
        (_, Write::Private) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_legal_moves_move() {
        use Status::*;
        let legal = [
            (NotStarted, Move::Start, Started),
            (Started, Move::AskForOk, Waiting),
            (Waiting, Move::Withdraw, Started),
            (Waiting, Move::SendBack, Started),
            (Waiting, Move::SignOff, Completed),
        ];
        for status in Status::ALL {
            for m in Move::ALL {
                for side in [Side::Employee, Side::Manager] {
                    let got = next(status, m, side);
                    let locked = matches!(got, Err(TalkError::Locked));
                    match legal.iter().find(|(s, mv, _)| *s == status && *mv == m) {
                        Some((_, _, to)) if side == m.by() => assert_eq!(got.ok(), Some(*to), "{status:?} {m:?}"),
                        _ => assert!(got.is_err(), "{status:?} {m:?} by {side:?} must not move"),
                    }
                    if status == Completed {
                        assert!(locked, "a signed talk is locked");
                    }
                }
            }
        }
    }

    #[test]
    fn a_signed_talk_takes_only_addenda() {
        for w in [Write::Preparation, Write::Notes, Write::Private] {
            assert!(matches!(may_write(Status::Completed, w), Err(TalkError::Locked)));
        }
        assert!(may_write(Status::Completed, Write::Addendum).is_ok());
        assert!(may_write(Status::Started, Write::Addendum).is_err());
        assert!(may_write(Status::Waiting, Write::Notes).is_err(), "the text being confirmed holds still");
        assert!(may_write(Status::Waiting, Write::Private).is_ok());
        assert!(may_write(Status::NotStarted, Write::Notes).is_ok());
    }
}
