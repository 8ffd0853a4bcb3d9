//! One talk: what a party sees of it (logged before any text is opened), both sides'
//! preparation, the manager's notes and private notes, status moves, the time, and addenda.
//! Callers decide who may call what with the one guard first; these functions check what the
//! talk's status allows, inside the write's transaction.
use std::collections::HashMap;

use super::{
    access::{load_in, Talk},
    clean_text, log_id,
    moves::{self, Move, Write},
    new_id, TalkError, ADDENDUM, MAX_ANSWER_CHARS, MAX_NOTE_CHARS, PRIVATE, TEXT,
};
use crate::{
    core::{
        auth::guard::TalkParty,
        clock::Clock,
        crypto::{self, Sealed},
        logbook::{self, Action, Actor, Event, Origin, Outcome, TargetType},
        tenancy::Tenant,
    },
    model::talks::{Addendum, Answer, Note, Preparation, Side, Status, TalkRow, TalkView, Versioned},
};

/// The row id of a talk's text of `kind` (`employee_prep`, `manager_prep`, `notes`, `actions`,
/// `comment`): fixed, so the text is bound to its talk and kind.
fn text_id(talk: &str, kind: &str) -> String {
    format!("{talk}-{kind}")
}

fn private_id(talk: &str, person: &str, user: &str) -> String {
    format!("{talk}-private-{person}-{user}")
}

fn prep_kind(side: Side) -> &'static str {
    match side {
        Side::Employee => "employee_prep",
        Side::Manager => "manager_prep",
    }
}

/// How much of one side's preparation a viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Hidden,
    /// The answers in words to the questions without a rating scale: a salary criterion's
    /// answer is the self-assessment, hidden (words and rating) until both sides are done, so
    /// neither anchors the other.
    WordsOnly,
    Full,
}

/// Who is looking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Employee,
    Manager,
    /// A manager higher in the reporting line: reads, never writes, no private notes.
    Line,
}

impl Viewer {
    pub fn of(p: &TalkParty) -> Option<Self> {
        if p.employee {
            Some(Viewer::Employee)
        } else if p.manager {
            Some(Viewer::Manager)
        } else if p.line {
            Some(Viewer::Line)
        } else {
            None
        }
    }
}

/// What `viewer` sees of (the employee's, the manager's) preparation. The employee's reaches
/// the manager only once she marks it ready; the ratings of both are revealed to each other
/// only when both are ready (or the employee is asked to confirm, which needs the manager's).
pub fn shown(t: &Talk, viewer: Viewer) -> (Shown, Shown) {
    let both = t.employee_ready_at.is_some() && t.manager_ready_at.is_some();
    match viewer {
        Viewer::Employee => {
            // Asked to confirm, she sees it all: her own preparation is ready or closed by then.
            let asked = t.employee_closed_at.is_some() || t.status >= Status::Waiting;
            let manager = if t.manager_ready_at.is_some() && (both || asked) { Shown::Full } else { Shown::Hidden };
            (Shown::Full, manager)
        }
        Viewer::Manager | Viewer::Line => {
            let employee = match (t.employee_ready_at.is_some(), both) {
                (false, _) => Shown::Hidden,
                (true, false) => Shown::WordsOnly,
                (true, true) => Shown::Full,
            };
            let manager =
                if viewer == Viewer::Manager || t.manager_ready_at.is_some() { Shown::Full } else { Shown::Hidden };
            (employee, manager)
        }
    }
}

fn cut(prep: Preparation, shown: Shown, body: &crate::model::talks::TemplateBody) -> Option<Preparation> {
    match shown {
        Shown::Hidden => None,
        Shown::Full => Some(prep),
        Shown::WordsOnly => Some(
            prep.into_iter()
                .filter(|(q, a)| !a.text.is_empty() && body.question(q).is_some_and(|q| q.scale.is_none()))
                .map(|(q, a)| (q, Answer { text: a.text, rating: None }))
                .collect(),
        ),
    }
}

async fn event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: &Actor,
    origin: &Origin,
    action: Action,
    talk: &str,
) -> Result<(), TalkError> {
    let e = Event::new(actor.clone(), action, Outcome::Success)
        .target(TargetType::Talk, log_id(talk)?)
        .origin(origin.clone());
    logbook::append(tx, tenant, clock, &e).await?;
    Ok(())
}

/// An addendum as stored: id, author's given and family name, sealed text, time.
type AddendumRow = (String, Option<String>, Option<String>, Vec<u8>, i64);

/// Who a request acts as.
#[derive(Debug, Clone)]
pub struct By {
    pub actor: Actor,
    pub origin: Origin,
    /// The person the account is linked to.
    pub person: String,
    /// The account: a private note is its author's, person and account both.
    pub user: String,
}

/// The talk as `viewer` may see it, without the private notes ([`private_note`]). `talk.viewed`
/// is written before any text is opened; if that write fails nothing is returned.
pub async fn view(
    tenant: &Tenant,
    clock: &dyn Clock,
    by: &By,
    talk: &Talk,
    viewer: Viewer,
) -> Result<TalkView, TalkError> {
    let rows: Vec<(String, String, Vec<u8>, i64)> =
        sqlx::query_as("SELECT id, kind, body_sealed, version FROM talk_texts WHERE talk_id = $1")
            .bind(&talk.id)
            .fetch_all(tenant.db().pool())
            .await?;
    let addenda: Vec<AddendumRow> = sqlx::query_as(
        "SELECT a.id, p.given_name, p.family_name, a.body_sealed, a.created_at FROM talk_addenda a \
         LEFT JOIN persons p ON p.id = a.author_person_id WHERE a.talk_id = $1 ORDER BY a.created_at, a.id",
    )
    .bind(&talk.id)
    .fetch_all(tenant.db().pool())
    .await?;
    let mut tx = tenant.db().pool().begin().await?;
    event(&mut tx, tenant, clock, &by.actor, &by.origin, Action::TalkViewed, &talk.id).await?;
    tx.commit().await?;

    let mut texts: HashMap<String, (Vec<u8>, i64, String)> = HashMap::new();
    for (id, kind, body, version) in rows {
        texts.insert(kind, (body, version, id));
    }
    let open = |kind: &str| {
        let item = texts.get(kind).cloned();
        async move {
            match item {
                Some((body, version, id)) => {
                    let text: String = crypto::open(tenant, TEXT.at(&id), &Sealed::from_stored(body)).await?;
                    Ok::<_, TalkError>(Versioned { text, version })
                }
                None => Ok(Versioned::default()),
            }
        }
    };
    let (emp_shown, mgr_shown) = shown(talk, viewer);
    let prep = |side: Side, shown: Shown| {
        let kind = prep_kind(side);
        let fut = open(kind);
        async move {
            if shown == Shown::Hidden {
                return Ok::<_, TalkError>(None);
            }
            let v = fut.await?;
            let prep: Preparation = if v.text.is_empty() { Preparation::new() } else { parse_prep(&v.text)? };
            Ok(cut(prep, shown, &talk.body).map(|p| (p, v.version)))
        }
    };
    let employee_prep = prep(Side::Employee, emp_shown).await?;
    let manager_prep = prep(Side::Manager, mgr_shown).await?;
    let notes = open("notes").await?;
    let actions = open("actions").await?;
    let comment = match texts.contains_key("comment") {
        true => Some(open("comment").await?.text),
        false => None,
    };
    let mut shown_addenda = Vec::with_capacity(addenda.len());
    for (id, given, family, body, at) in addenda {
        let text: String = crypto::open(tenant, ADDENDUM.at(&id), &Sealed::from_stored(body)).await?;
        let author = given.zip(family).map(|(g, f)| format!("{g} {f}"));
        shown_addenda.push(Addendum { author, at: at / 1000, text });
    }
    let altered = match talk.status {
        Status::Completed => {
            let (signed,): (Option<String>,) = sqlx::query_as("SELECT signed_digest FROM talks WHERE id = $1")
                .bind(&talk.id)
                .fetch_one(tenant.db().pool())
                .await?;
            let stored: Vec<(String, Vec<u8>)> = texts.values().map(|(b, _, id)| (id.clone(), b.clone())).collect();
            match signed {
                Some(d) => d != signed_digest(tenant, clock, &talk.id, &opened(tenant, &stored).await?).await?,
                None => false,
            }
        }
        _ => false,
    };
    if altered {
        if let Ok(id) = crate::core::logbook::Id::parse(&talk.id) {
            crypto::record_unreadable(tenant, clock, by.actor.clone(), TargetType::Talk, id).await?;
        }
    }
    let (employee, manager) = names(tenant, talk).await?;
    let time_zone = crate::core::organisation::time_zone(tenant)
        .await
        .map_err(|e| TalkError::Db(sqlx::Error::Protocol(e.to_string())))?;
    Ok(TalkView {
        id: talk.id.clone(),
        round: talk.round_title.clone(),
        employee,
        manager,
        status: talk.status,
        scheduled_at: talk.scheduled_at.map(|ms| ms / 1000),
        duration_min: talk.duration_min,
        due: talk.ends_on.clone(),
        time_zone,
        body: talk.body.clone(),
        side: match viewer {
            Viewer::Employee => Some(Side::Employee),
            Viewer::Manager => Some(Side::Manager),
            Viewer::Line => None,
        },
        employee_ready_at: talk.employee_ready_at.map(|ms| ms / 1000),
        manager_ready_at: talk.manager_ready_at.map(|ms| ms / 1000),
        asked_at: talk.asked_at.map(|ms| ms / 1000),
        signed_at: talk.signed_at.map(|ms| ms / 1000),
        version: talk.version,
        employee_prep,
        manager_prep,
        notes,
        actions,
        comment,
        addenda: shown_addenda,
        altered,
    })
}

/// The manager's own private note on `talk` (empty if none yet): opened only for the person and
/// account that wrote it, after `talk.private_note.viewed` is written.
pub async fn private_note(tenant: &Tenant, clock: &dyn Clock, by: &By, talk: &Talk) -> Result<Versioned, TalkError> {
    let row: Option<(String, Vec<u8>, i64)> = sqlx::query_as(
        "SELECT id, body_sealed, version FROM talk_private_notes \
         WHERE talk_id = $1 AND author_person_id = $2 AND author_user_id = $3",
    )
    .bind(&talk.id)
    .bind(&by.person)
    .bind(&by.user)
    .fetch_optional(tenant.db().pool())
    .await?;
    let mut tx = tenant.db().pool().begin().await?;
    event(&mut tx, tenant, clock, &by.actor, &by.origin, Action::TalkPrivateNoteViewed, &talk.id).await?;
    tx.commit().await?;
    match row {
        Some((id, body, version)) => {
            Ok(Versioned { text: crypto::open(tenant, PRIVATE.at(&id), &Sealed::from_stored(body)).await?, version })
        }
        None => Ok(Versioned::default()),
    }
}

/// What a sign-off seals: a keyed hash over the talk's texts (row ids and the opened texts, so
/// a rewrap under a new data key changes nothing), under the tenant's index key, which no
/// database holds unwrapped. A ciphertext put back from a backup after sign-off opens as it
/// did, but no longer matches.
async fn signed_digest(
    tenant: &Tenant,
    clock: &dyn Clock,
    talk_id: &str,
    rows: &[(String, Vec<u8>)],
) -> Result<String, TalkError> {
    use sha2::{Digest, Sha256};
    let mut rows: Vec<&(String, Vec<u8>)> = rows.iter().collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let mut h = Sha256::new();
    for (id, bytes) in rows {
        h.update((id.len() as u32).to_be_bytes());
        h.update(id.as_bytes());
        h.update((bytes.len() as u32).to_be_bytes());
        h.update(bytes);
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(crypto::blind_index(tenant, clock, "talk-signed", &format!("{talk_id}:{hex}")).await?)
}

/// The texts of `rows` (id, sealed bytes) opened, for [`signed_digest`].
async fn opened(tenant: &Tenant, rows: &[(String, Vec<u8>)]) -> Result<Vec<(String, Vec<u8>)>, TalkError> {
    let mut out = Vec::with_capacity(rows.len());
    for (id, bytes) in rows {
        let text: String = crypto::open(tenant, TEXT.at(id), &Sealed::from_stored(bytes.clone())).await?;
        out.push((id.clone(), text.into_bytes()));
    }
    Ok(out)
}

async fn stored_texts(tenant: &Tenant, talk_id: &str) -> Result<Vec<(String, Vec<u8>)>, TalkError> {
    Ok(sqlx::query_as("SELECT id, body_sealed FROM talk_texts WHERE talk_id = $1")
        .bind(talk_id)
        .fetch_all(tenant.db().pool())
        .await?)
}

/// The employee's and the manager's names.
pub async fn names(tenant: &Tenant, talk: &Talk) -> Result<(String, Option<String>), TalkError> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, given_name, family_name FROM persons WHERE id = $1 OR id = $2")
            .bind(&talk.person_id)
            .bind(talk.manager_person_id.as_deref().unwrap_or(""))
            .fetch_all(tenant.db().pool())
            .await?;
    let name = |id: &str| rows.iter().find(|(i, _, _)| i == id).map(|(_, g, f)| format!("{g} {f}"));
    Ok((name(&talk.person_id).unwrap_or_default(), talk.manager_person_id.as_deref().and_then(name)))
}

fn parse_prep(json: &str) -> Result<Preparation, TalkError> {
    serde_json::from_str(json).map_err(|_| TalkError::Crypto(crypto::CryptoError::Plaintext("preparation")))
}

/// Checks a preparation against the talk's questions: only the side's own questions, ratings
/// on the question's scale, texts within bounds; empty answers dropped.
pub fn check_preparation(talk: &Talk, side: Side, prep: Preparation) -> Result<Preparation, TalkError> {
    let mut out = Preparation::new();
    for (qid, a) in prep {
        let q = talk.body.question(&qid).ok_or(TalkError::InvalidAnswer)?;
        if !q.answered_by.includes(side) {
            return Err(TalkError::InvalidAnswer);
        }
        let text = clean_text(&a.text, MAX_ANSWER_CHARS)?;
        let levels = q.scale.as_ref().map(Vec::len).unwrap_or(0);
        if let Some(r) = a.rating {
            if r == 0 || usize::from(r) > levels {
                return Err(TalkError::InvalidAnswer);
            }
        }
        if !text.trim().is_empty() || a.rating.is_some() {
            out.insert(qid, Answer { text, rating: a.rating });
        }
    }
    Ok(out)
}

/// Writes a versioned sealed row inside `tx`: replaces version `base` (0: none yet), or is a
/// conflict naming the version that is there.
async fn put_versioned(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &str,
    id: &str,
    base: i64,
    sealed: &[u8],
    now: i64,
    insert: (&str, &str, &str),
) -> Result<i64, TalkError> {
    let current: Option<(i64,)> = sqlx::query_as(&format!("SELECT version FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    let current = current.map(|(v,)| v).unwrap_or(0);
    if current != base {
        return Err(TalkError::Conflict { current });
    }
    if current == 0 {
        // `other`: the text's kind, or the private note's author person; `user` its account.
        let (talk_id, other, user) = insert;
        let sql = match table {
            "talk_texts" => {
                "INSERT INTO talk_texts (id, talk_id, kind, body_sealed, version, updated_at) VALUES ($1, $2, $3, $4, 1, $5)"
            }
            _ => {
                "INSERT INTO talk_private_notes (id, talk_id, author_person_id, body_sealed, version, updated_at, \
                 author_user_id) VALUES ($1, $2, $3, $4, 1, $5, $6)"
            }
        };
        let query = sqlx::query(sql).bind(id).bind(talk_id).bind(other).bind(sealed).bind(now);
        let query = if table == "talk_texts" { query } else { query.bind(user) };
        query.execute(&mut **tx).await?;
    } else {
        sqlx::query(&format!(
            "UPDATE {table} SET body_sealed = $1, version = version + 1, updated_at = $2 WHERE id = $3"
        ))
        .bind(sealed)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(current + 1)
}

/// The first text either side writes starts the talk.
async fn start_if_new(tx: &mut sqlx::Transaction<'static, sqlx::Any>, t: &Talk, now: i64) -> Result<(), TalkError> {
    if t.status == Status::NotStarted {
        sqlx::query("UPDATE talks SET status = 'started', version = version + 1, updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&t.id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn ready_at(t: &Talk, side: Side) -> Option<i64> {
    match side {
        Side::Employee => t.employee_ready_at,
        Side::Manager => t.manager_ready_at,
    }
}

/// Whether `side`'s preparation holds still: marked ready, or (the employee's) closed when she
/// was asked to confirm before marking it ready.
fn frozen(t: &Talk, side: Side) -> bool {
    ready_at(t, side).is_some() || (side == Side::Employee && t.employee_closed_at.is_some())
}

/// Marks `side` ready inside `tx`.
async fn set_ready(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    t: &Talk,
    side: Side,
    now: i64,
) -> Result<(), TalkError> {
    let column = match side {
        Side::Employee => "employee_ready_at",
        Side::Manager => "manager_ready_at",
    };
    sqlx::query(&format!("UPDATE talks SET {column} = $1, updated_at = $1 WHERE id = $2"))
        .bind(now)
        .bind(&t.id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Saves `side`'s preparation over version `base`, and with `ready` marks it ready in the same
/// transaction (so what is marked ready is what was saved). Refused once that side's
/// preparation holds still ([`frozen`]), and once the employee has been asked to confirm.
#[allow(clippy::too_many_arguments)]
pub async fn save_preparation(
    tenant: &Tenant,
    clock: &dyn Clock,
    by: &By,
    talk: &Talk,
    side: Side,
    base: i64,
    prep: Preparation,
    ready: bool,
) -> Result<i64, TalkError> {
    let prep = check_preparation(talk, side, prep)?;
    let json = serde_json::to_string(&prep).map_err(|e| TalkError::Db(sqlx::Error::Encode(Box::new(e))))?;
    let id = text_id(&talk.id, prep_kind(side));
    let sealed = crypto::seal(tenant, clock, TEXT.at(&id), &json).await?;
    let mut tx = tenant.db().pool().begin().await?;
    event(&mut tx, tenant, clock, &by.actor, &by.origin, Action::TalkTextSaved, &talk.id).await?;
    if ready {
        event(&mut tx, tenant, clock, &by.actor, &by.origin, Action::TalkPreparationReady, &talk.id).await?;
    }
    let t = load_in(&mut tx, &talk.id).await?;
    moves::may_write(t.status, Write::Preparation)?;
    if frozen(&t, side) {
        return Err(TalkError::IllegalMove);
    }
    let now = clock.now_ms();
    let version =
        put_versioned(&mut tx, "talk_texts", &id, base, sealed.as_bytes(), now, (&t.id, prep_kind(side), "")).await?;
    if ready {
        set_ready(&mut tx, &t, side, now).await?;
    }
    start_if_new(&mut tx, &t, now).await?;
    tx.commit().await?;
    Ok(version)
}

/// Marks `side`'s preparation ready: it no longer changes, and reaches the other side by the
/// rules of [`shown`].
pub async fn mark_ready(tenant: &Tenant, clock: &dyn Clock, by: &By, talk: &Talk, side: Side) -> Result<(), TalkError> {
    let mut tx = tenant.db().pool().begin().await?;
    event(&mut tx, tenant, clock, &by.actor, &by.origin, Action::TalkPreparationReady, &talk.id).await?;
    let t = load_in(&mut tx, &talk.id).await?;
    moves::may_write(t.status, Write::Preparation)?;
    if frozen(&t, side) {
        return Err(TalkError::IllegalMove);
    }
    let now = clock.now_ms();
    set_ready(&mut tx, &t, side, now).await?;
    start_if_new(&mut tx, &t, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Saves the shared notes, the agreed actions or the manager's own private notes over version
/// `base`; a save over an older version is a [`TalkError::Conflict`] and writes nothing.
pub async fn save_note(
    tenant: &Tenant,
    clock: &dyn Clock,
    by: &By,
    talk: &Talk,
    note: Note,
    base: i64,
    text: &str,
) -> Result<i64, TalkError> {
    let text = clean_text(text, MAX_NOTE_CHARS)?;
    let (field, table, id, write, other) = match note {
        Note::Private => (
            PRIVATE,
            "talk_private_notes",
            private_id(&talk.id, &by.person, &by.user),
            Write::Private,
            by.person.as_str(),
        ),
        Note::Notes => (TEXT, "talk_texts", text_id(&talk.id, "notes"), Write::Notes, "notes"),
        Note::Actions => (TEXT, "talk_texts", text_id(&talk.id, "actions"), Write::Notes, "actions"),
    };
    let sealed = crypto::seal(tenant, clock, field.at(&id), &text).await?;
    let mut tx = tenant.db().pool().begin().await?;
    event(&mut tx, tenant, clock, &by.actor, &by.origin, Action::TalkTextSaved, &talk.id).await?;
    let t = load_in(&mut tx, &talk.id).await?;
    moves::may_write(t.status, write)?;
    let now = clock.now_ms();
    let version = put_versioned(&mut tx, table, &id, base, sealed.as_bytes(), now, (&t.id, other, &by.user)).await?;
    if note != Note::Private {
        start_if_new(&mut tx, &t, now).await?;
    }
    tx.commit().await?;
    Ok(version)
}

/// Moves the talk's status, if the talk is still at `version` (else [`TalkError::Conflict`]), as
/// the party whose move it is (`m.by()`: the caller has been let through as that party). The
/// employee's sign-off may carry a comment; sending the talk back must.
pub async fn make_move(
    tenant: &Tenant,
    clock: &dyn Clock,
    by: &By,
    talk: &Talk,
    m: Move,
    version: i64,
    comment: Option<&str>,
) -> Result<Status, TalkError> {
    let comment = match comment.map(|c| clean_text(c, MAX_NOTE_CHARS)).transpose()? {
        Some(c) if !c.trim().is_empty() => Some(c),
        _ => None,
    };
    let comment_id = text_id(&talk.id, "comment");
    let sealed = match &comment {
        Some(c) if matches!(m, Move::SignOff | Move::SendBack) => {
            Some(crypto::seal(tenant, clock, TEXT.at(&comment_id), c).await?)
        }
        _ => None,
    };
    // What the sign-off seals: the texts as they are now (nothing but the comment can change
    // while waiting on OK), with the comment it carries.
    let signing = match m {
        Move::SignOff => {
            let mut rows: Vec<(String, Vec<u8>)> =
                stored_texts(tenant, &talk.id).await?.into_iter().filter(|(id, _)| id != &comment_id).collect();
            let mut plain = opened(tenant, &rows).await?;
            if let (Some(s), Some(c)) = (&sealed, &comment) {
                rows.push((comment_id.clone(), s.as_bytes().to_vec()));
                plain.push((comment_id.clone(), c.clone().into_bytes()));
            }
            let digest = signed_digest(tenant, clock, &talk.id, &plain).await?;
            Some((rows, digest))
        }
        _ => None,
    };
    let action = if m == Move::SignOff { Action::TalkSignedOff } else { Action::TalkStatusChanged };
    let mut tx = tenant.db().pool().begin().await?;
    event(&mut tx, tenant, clock, &by.actor, &by.origin, action, &talk.id).await?;
    let t = load_in(&mut tx, &talk.id).await?;
    let to = moves::next(t.status, m, m.by())?;
    if m == Move::SendBack && comment.is_none() {
        return Err(TalkError::InvalidAnswer);
    }
    if t.version != version {
        return Err(TalkError::Conflict { current: t.version });
    }
    if m == Move::AskForOk && t.manager_ready_at.is_none() {
        return Err(TalkError::ManagerNotReady);
    }
    let now = clock.now_ms();
    let (asked, signed) = match m {
        Move::AskForOk => (Some(now), None),
        Move::SignOff => (t.asked_at, Some(now)),
        _ => (None, None),
    };
    if m == Move::AskForOk && t.employee_ready_at.is_none() && t.employee_closed_at.is_none() {
        // She now sees the manager's assessment: hers stays hers, but no longer changes.
        sqlx::query("UPDATE talks SET employee_closed_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&t.id)
            .execute(&mut *tx)
            .await?;
    }
    if m == Move::SignOff && sealed.is_none() {
        // The comment that stays with the signed talk is the one given at sign-off (or none),
        // not an earlier send-back's the manager has acted on.
        sqlx::query("DELETE FROM talk_texts WHERE id = $1").bind(&comment_id).execute(&mut *tx).await?;
    }
    sqlx::query(
        "UPDATE talks SET status = $1, asked_at = $2, signed_at = $3, version = version + 1, updated_at = $4 WHERE id = $5",
    )
    .bind(to.as_str())
    .bind(asked)
    .bind(signed)
    .bind(now)
    .bind(&t.id)
    .execute(&mut *tx)
    .await?;
    if let Some(sealed) = sealed {
        sqlx::query("DELETE FROM talk_texts WHERE id = $1").bind(&comment_id).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO talk_texts (id, talk_id, kind, body_sealed, version, updated_at) VALUES ($1, $2, 'comment', $3, 1, $4)",
        )
        .bind(&comment_id)
        .bind(&t.id)
        .bind(sealed.as_bytes())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    if let Some((mut rows, digest)) = signing {
        // The texts signed are the texts stored, or nothing is signed.
        let mut now_stored: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT id, body_sealed FROM talk_texts WHERE talk_id = $1")
                .bind(&t.id)
                .fetch_all(&mut *tx)
                .await?;
        rows.sort();
        now_stored.sort();
        if rows != now_stored {
            return Err(TalkError::Conflict { current: t.version });
        }
        sqlx::query("UPDATE talks SET signed_digest = $1 WHERE id = $2")
            .bind(&digest)
            .bind(&t.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(to)
}

/// Sets (or clears) when the talk is held: unix seconds and minutes.
pub async fn schedule(
    tenant: &Tenant,
    clock: &dyn Clock,
    by: &By,
    talk: &Talk,
    at: Option<(i64, i64)>,
) -> Result<(), TalkError> {
    if let Some((_, minutes)) = at {
        if !(5..=480).contains(&minutes) {
            return Err(TalkError::InvalidTime);
        }
    }
    let mut tx = tenant.db().pool().begin().await?;
    event(&mut tx, tenant, clock, &by.actor, &by.origin, Action::TalkScheduled, &talk.id).await?;
    let t = load_in(&mut tx, &talk.id).await?;
    if t.status == Status::Completed {
        return Err(TalkError::Locked);
    }
    sqlx::query("UPDATE talks SET scheduled_at = $1, duration_min = $2, updated_at = $3 WHERE id = $4")
        .bind(at.map(|(s, _)| s * 1000))
        .bind(at.map(|(_, m)| m))
        .bind(clock.now_ms())
        .bind(&t.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The most addenda one talk takes: corrections, not a second conversation.
pub const MAX_ADDENDA: i64 = 50;

/// Adds a correction to a signed-off talk, with its author and time; the talk stays as signed.
pub async fn add_addendum(
    tenant: &Tenant,
    clock: &dyn Clock,
    by: &By,
    talk: &Talk,
    text: &str,
) -> Result<(), TalkError> {
    let text = clean_text(text, MAX_NOTE_CHARS)?;
    if text.trim().is_empty() {
        return Err(TalkError::InvalidAnswer);
    }
    let id = new_id()?;
    let sealed = crypto::seal(tenant, clock, ADDENDUM.at(&id), &text).await?;
    let mut tx = tenant.db().pool().begin().await?;
    event(&mut tx, tenant, clock, &by.actor, &by.origin, Action::TalkAddendumAdded, &talk.id).await?;
    let t = load_in(&mut tx, &talk.id).await?;
    moves::may_write(t.status, Write::Addendum)?;
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM talk_addenda WHERE talk_id = $1").bind(&t.id).fetch_one(&mut *tx).await?;
    if n >= MAX_ADDENDA {
        return Err(TalkError::TooMany);
    }
    sqlx::query(
        "INSERT INTO talk_addenda (id, talk_id, author_person_id, body_sealed, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(&t.id)
    .bind(&by.person)
    .bind(sealed.as_bytes())
    .bind(clock.now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

const ROW_SQL: &str = "SELECT t.id, r.title, e.given_name || ' ' || e.family_name, \
     m.given_name || ' ' || m.family_name, t.status, t.scheduled_at, r.ends_on \
     FROM talks t JOIN talk_rounds r ON r.id = t.round_id JOIN persons e ON e.id = t.person_id \
     LEFT JOIN persons m ON m.id = t.manager_person_id";

pub(crate) type Row = (String, String, String, Option<String>, String, Option<i64>, String);

pub(crate) fn rows(rows: Vec<Row>) -> Vec<TalkRow> {
    rows.into_iter()
        .map(|(id, round, employee, manager, status, at, due)| TalkRow {
            id,
            round,
            employee,
            manager,
            status: Status::parse(&status).unwrap_or(Status::NotStarted),
            scheduled_at: at.map(|ms| ms / 1000),
            due,
            manager_changed: false,
        })
        .collect()
}

/// The talks `person` holds as manager, and their own as employee: statuses, names and dates.
pub async fn mine(tenant: &Tenant, person: &str) -> Result<(Vec<TalkRow>, Vec<TalkRow>), TalkError> {
    let holding: Vec<Row> = sqlx::query_as(&format!(
        "{ROW_SQL} WHERE t.manager_person_id = $1 ORDER BY t.scheduled_at IS NULL, t.scheduled_at, e.name_key"
    ))
    .bind(person)
    .fetch_all(tenant.db().pool())
    .await?;
    let own: Vec<Row> = sqlx::query_as(&format!("{ROW_SQL} WHERE t.person_id = $1 ORDER BY r.starts_on DESC, t.id"))
        .bind(person)
        .fetch_all(tenant.db().pool())
        .await?;
    Ok((rows(holding), rows(own)))
}

pub(crate) const LIST_SQL: &str = ROW_SQL;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::talks::{AnsweredBy, Question, Section, TemplateBody};

    fn talk() -> Talk {
        let q = |id: &str, by, scale: bool| Question {
            id: id.into(),
            text: "?".into(),
            help: String::new(),
            answered_by: by,
            scale: scale.then(|| vec!["a".into(), "b".into(), "c".into(), "d".into()]),
        };
        Talk {
            id: "t".into(),
            round_id: "r".into(),
            round_title: "R".into(),
            body: TemplateBody {
                sections: vec![Section {
                    id: "s".into(),
                    title: "S".into(),
                    questions: vec![
                        q("e", AnsweredBy::Employee, false),
                        q("m", AnsweredBy::Manager, false),
                        q("b", AnsweredBy::Both, true),
                    ],
                }],
            },
            ends_on: "2026-12-31".into(),
            person_id: "p".into(),
            manager_person_id: Some("m".into()),
            status: Status::Started,
            scheduled_at: None,
            duration_min: None,
            employee_ready_at: None,
            employee_closed_at: None,
            manager_ready_at: None,
            asked_at: None,
            signed_at: None,
            version: 1,
        }
    }

    #[test]
    fn assessments_are_revealed_to_each_other_only_when_both_are_done() {
        let mut t = talk();
        assert_eq!(shown(&t, Viewer::Employee), (Shown::Full, Shown::Hidden));
        assert_eq!(shown(&t, Viewer::Manager), (Shown::Hidden, Shown::Full));
        assert_eq!(shown(&t, Viewer::Line), (Shown::Hidden, Shown::Hidden));
        t.employee_ready_at = Some(1);
        assert_eq!(shown(&t, Viewer::Manager), (Shown::WordsOnly, Shown::Full), "words, not the self-rating");
        assert_eq!(shown(&t, Viewer::Employee), (Shown::Full, Shown::Hidden));
        t.manager_ready_at = Some(2);
        assert_eq!(shown(&t, Viewer::Manager), (Shown::Full, Shown::Full));
        assert_eq!(shown(&t, Viewer::Employee), (Shown::Full, Shown::Full));
        let mut t = talk();
        t.manager_ready_at = Some(2);
        assert_eq!(shown(&t, Viewer::Employee), (Shown::Full, Shown::Hidden), "the manager being done is not enough");
        t.status = Status::Waiting;
        assert_eq!(shown(&t, Viewer::Employee), (Shown::Full, Shown::Full), "asked to confirm, she sees it all");
        assert_eq!(shown(&t, Viewer::Manager), (Shown::Hidden, Shown::Full), "an unready preparation stays hers");
        let prep: Preparation = [
            ("b".to_string(), Answer { text: "ok".into(), rating: Some(3) }),
            ("x".to_string(), Answer { text: String::new(), rating: Some(1) }),
        ]
        .into_iter()
        .collect();
        let mut prep = prep;
        prep.insert("e".into(), Answer { text: "mina ord".into(), rating: None });
        let words = cut(prep, Shown::WordsOnly, &t.body).expect("shown");
        assert_eq!(words.len(), 1, "a rated question's answer is the self-assessment: hidden, words too");
        assert_eq!(words.get("e").map(|a| a.text.as_str()), Some("mina ord"));
        let mut t = talk();
        t.manager_ready_at = Some(2);
        t.employee_closed_at = Some(3);
        assert_eq!(shown(&t, Viewer::Employee), (Shown::Full, Shown::Full), "closed: nothing of hers can follow his");
    }

    #[test]
    fn a_preparation_answers_only_its_own_questions_on_the_scale() {
        let t = talk();
        let one = |q: &str, text: &str, rating: Option<u8>| -> Preparation {
            [(q.to_string(), Answer { text: text.into(), rating })].into_iter().collect()
        };
        assert!(check_preparation(&t, Side::Employee, one("e", "bra", None)).is_ok());
        assert!(check_preparation(&t, Side::Employee, one("m", "x", None)).is_err(), "the manager's question");
        assert!(check_preparation(&t, Side::Manager, one("b", "", Some(4))).is_ok());
        assert!(check_preparation(&t, Side::Manager, one("b", "", Some(5))).is_err(), "off the scale");
        assert!(check_preparation(&t, Side::Manager, one("b", "", Some(0))).is_err());
        assert!(check_preparation(&t, Side::Employee, one("e", "", Some(1))).is_err(), "no scale to rate on");
        assert!(check_preparation(&t, Side::Employee, one("nope", "x", None)).is_err());
        assert!(check_preparation(&t, Side::Employee, one("e", &"x".repeat(MAX_ANSWER_CHARS + 1), None)).is_err());
        assert_eq!(check_preparation(&t, Side::Employee, one("e", "  ", None)).map(|p| p.len()).ok(), Some(0));
    }
}
