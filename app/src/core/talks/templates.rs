//! Talk templates: a title and ordered sections of questions, each with help text, who answers
//! it, and for a salary criterion a rating scale. Two ready templates ship with Samtal (a
//! salary talk on salary criteria and a yearly development talk); they are copied to be
//! changed, so an organisation always has them to start from.
use super::{clean_line, new_id, TalkError};
use crate::{
    core::{
        clock::Clock,
        logbook::{self, Action, Actor, Event, Origin, Outcome, TargetType},
        tenancy::Tenant,
    },
    model::{
        lang::Lang,
        talks::{AnsweredBy, Question, Section, TemplateBody, TemplateRow, TemplateView},
    },
};

pub const MAX_SECTIONS: usize = 30;
pub const MAX_QUESTIONS: usize = 40;
pub const MAX_SCALE: usize = 7;

/// A question as an admin's form sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionInput {
    pub text: String,
    pub help: String,
    pub answered_by: AnsweredBy,
    /// The scale's labels, lowest first; empty for a question answered in words.
    pub scale: Vec<String>,
}

/// One change to a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Rename(String),
    AddSection(String),
    RenameSection {
        section: String,
        title: String,
    },
    DeleteSection(String),
    /// Moves a section or a question one place up (or down).
    Move {
        item: String,
        up: bool,
    },
    AddQuestion {
        section: String,
        question: QuestionInput,
    },
    ChangeQuestion {
        question: String,
        input: QuestionInput,
    },
    DeleteQuestion(String),
}

fn short_id() -> Result<String, TalkError> {
    Ok(new_id()?[..12].to_string())
}

fn question(id: String, q: &QuestionInput) -> Result<Question, TalkError> {
    let text = clean_line(&q.text, 500).ok_or(TalkError::InvalidQuestion)?;
    let help = q.help.trim();
    if help.chars().count() > 2_000 || help.chars().any(|c| c.is_control() && c != '\n') {
        return Err(TalkError::InvalidQuestion);
    }
    let labels: Vec<String> = q.scale.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).map(str::to_string).collect();
    let scale = match labels.len() {
        0 => None,
        2..=MAX_SCALE if labels.iter().all(|l| clean_line(l, 60).is_some()) => Some(labels),
        _ => return Err(TalkError::InvalidScale),
    };
    Ok(Question { id, text, help: help.to_string(), answered_by: q.answered_by, scale })
}

/// Checks a body as a whole: sizes, ids unique.
pub(crate) fn check(body: &TemplateBody) -> Result<(), TalkError> {
    if body.sections.len() > MAX_SECTIONS || body.sections.iter().any(|s| s.questions.len() > MAX_QUESTIONS) {
        return Err(TalkError::TemplateTooLarge);
    }
    let mut ids: Vec<&str> =
        body.sections.iter().map(|s| s.id.as_str()).chain(body.questions().map(|q| q.id.as_str())).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != n {
        return Err(TalkError::NoSuchItem);
    }
    Ok(())
}

/// Applies one edit to a body.
pub fn apply(body: &mut TemplateBody, title: &mut String, edit: &Edit) -> Result<(), TalkError> {
    match edit {
        Edit::Rename(t) => *title = clean_line(t, 200).ok_or(TalkError::InvalidTitle)?,
        Edit::AddSection(t) => {
            if body.sections.len() >= MAX_SECTIONS {
                return Err(TalkError::TemplateTooLarge);
            }
            let title = clean_line(t, 200).ok_or(TalkError::InvalidTitle)?;
            body.sections.push(Section { id: short_id()?, title, questions: Vec::new() });
        }
        Edit::RenameSection { section, title } => {
            let s = body.sections.iter_mut().find(|s| &s.id == section).ok_or(TalkError::NoSuchItem)?;
            s.title = clean_line(title, 200).ok_or(TalkError::InvalidTitle)?;
        }
        Edit::DeleteSection(section) => {
            let before = body.sections.len();
            body.sections.retain(|s| &s.id != section);
            if body.sections.len() == before {
                return Err(TalkError::NoSuchItem);
            }
        }
        Edit::Move { item, up } => {
            let swap = |len: usize, i: usize| if *up { i.checked_sub(1) } else { (i + 1 < len).then_some(i + 1) };
            if let Some(i) = body.sections.iter().position(|s| &s.id == item) {
                if let Some(j) = swap(body.sections.len(), i) {
                    body.sections.swap(i, j);
                }
            } else {
                let s = body.sections.iter_mut().find(|s| s.questions.iter().any(|q| &q.id == item));
                let s = s.ok_or(TalkError::NoSuchItem)?;
                let i = s.questions.iter().position(|q| &q.id == item).ok_or(TalkError::NoSuchItem)?;
                if let Some(j) = swap(s.questions.len(), i) {
                    s.questions.swap(i, j);
                }
            }
        }
        Edit::AddQuestion { section, question: q } => {
            let q = question(short_id()?, q)?;
            let s = body.sections.iter_mut().find(|s| &s.id == section).ok_or(TalkError::NoSuchItem)?;
            if s.questions.len() >= MAX_QUESTIONS {
                return Err(TalkError::TemplateTooLarge);
            }
            s.questions.push(q);
        }
        Edit::ChangeQuestion { question: id, input } => {
            let new = question(id.clone(), input)?;
            let q = body.sections.iter_mut().flat_map(|s| s.questions.iter_mut()).find(|q| &q.id == id);
            *q.ok_or(TalkError::NoSuchItem)? = new;
        }
        Edit::DeleteQuestion(id) => {
            let s = body.sections.iter_mut().find(|s| s.questions.iter().any(|q| &q.id == id));
            s.ok_or(TalkError::NoSuchItem)?.questions.retain(|q| &q.id != id);
        }
    }
    check(body)
}

fn parse_body(json: &str) -> Result<TemplateBody, TalkError> {
    serde_json::from_str(json).map_err(|e| TalkError::Db(sqlx::Error::Decode(Box::new(e))))
}

pub(crate) fn body_json(body: &TemplateBody) -> Result<String, TalkError> {
    serde_json::to_string(body).map_err(|e| TalkError::Db(sqlx::Error::Encode(Box::new(e))))
}

/// Adds the two ready templates, in the organisation's language, where they are missing.
pub async fn ensure_shipped(tenant: &Tenant, clock: &dyn Clock, lang: Lang) -> Result<(), TalkError> {
    for kind in ["salary", "development"] {
        let (title, body) = shipped(kind, lang)?;
        let now = clock.now_ms();
        let sql = "INSERT INTO talk_templates (id, title, body, shipped, created_at, updated_at) \
                   VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (shipped) DO NOTHING";
        sqlx::query(sql)
            .bind(new_id()?)
            .bind(title)
            .bind(body_json(&body)?)
            .bind(kind)
            .bind(now)
            .execute(tenant.db().pool())
            .await?;
    }
    Ok(())
}

pub async fn list(tenant: &Tenant) -> Result<Vec<TemplateRow>, TalkError> {
    let rows: Vec<(String, String, String, Option<String>)> =
        sqlx::query_as("SELECT id, title, body, shipped FROM talk_templates ORDER BY shipped IS NULL, title, id")
            .fetch_all(tenant.db().pool())
            .await?;
    rows.into_iter()
        .map(|(id, title, body, shipped)| {
            let body = parse_body(&body)?;
            Ok(TemplateRow { id, title, shipped: shipped.is_some(), questions: body.questions().count() as u32 })
        })
        .collect()
}

pub async fn get(tenant: &Tenant, id: &str) -> Result<TemplateView, TalkError> {
    let row: Option<(String, String, Option<String>)> =
        sqlx::query_as("SELECT title, body, shipped FROM talk_templates WHERE id = $1")
            .bind(id)
            .fetch_optional(tenant.db().pool())
            .await?;
    let (title, body, shipped) = row.ok_or(TalkError::NoSuchTemplate)?;
    Ok(TemplateView { id: id.to_string(), title, shipped: shipped.is_some(), body: parse_body(&body)? })
}

async fn log(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    action: Action,
    id: &str,
) -> Result<(), TalkError> {
    let event =
        Event::new(actor, action, Outcome::Success).target(TargetType::TalkTemplate, super::log_id(id)?).origin(origin);
    logbook::append(tx, tenant, clock, &event).await?;
    Ok(())
}

/// A new template: an empty one with `title`, or a copy of `from` under `title`.
pub async fn create(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    title: &str,
    from: Option<&str>,
) -> Result<String, TalkError> {
    let title = clean_line(title, 200).ok_or(TalkError::InvalidTitle)?;
    let body = match from {
        Some(from) => get(tenant, from).await?.body,
        None => TemplateBody::default(),
    };
    let id = new_id()?;
    let now = clock.now_ms();
    let mut tx = tenant.db().pool().begin().await?;
    log(&mut tx, tenant, clock, actor, origin, Action::TalkTemplateCreated, &id).await?;
    sqlx::query("INSERT INTO talk_templates (id, title, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(&id)
        .bind(&title)
        .bind(body_json(&body)?)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a template the organisation made (a ready one is copied instead). Running rounds
/// keep the questions they were rolled out with.
pub async fn edit(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    id: &str,
    change: &Edit,
) -> Result<(), TalkError> {
    let mut tx = tenant.db().pool().begin().await?;
    // The logbook's head lock first: two admins editing one template take turns.
    log(&mut tx, tenant, clock, actor, origin, Action::TalkTemplateChanged, id).await?;
    let row: Option<(String, String, Option<String>)> =
        sqlx::query_as("SELECT title, body, shipped FROM talk_templates WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let (mut title, body, shipped) = row.ok_or(TalkError::NoSuchTemplate)?;
    if shipped.is_some() {
        return Err(TalkError::ShippedTemplate);
    }
    let mut body = parse_body(&body)?;
    apply(&mut body, &mut title, change)?;
    sqlx::query("UPDATE talk_templates SET title = $1, body = $2, updated_at = $3 WHERE id = $4")
        .bind(&title)
        .bind(body_json(&body)?)
        .bind(clock.now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(
    tenant: &Tenant,
    clock: &dyn Clock,
    actor: Actor,
    origin: Origin,
    id: &str,
) -> Result<(), TalkError> {
    let mut tx = tenant.db().pool().begin().await?;
    log(&mut tx, tenant, clock, actor, origin, Action::TalkTemplateDeleted, id).await?;
    let done =
        sqlx::query("DELETE FROM talk_templates WHERE id = $1 AND shipped IS NULL").bind(id).execute(&mut *tx).await?;
    if done.rows_affected() != 1 {
        return Err(TalkError::NoSuchTemplate);
    }
    tx.commit().await?;
    Ok(())
}

/// The two ready templates' words.
fn shipped(kind: &str, lang: Lang) -> Result<(String, TemplateBody), TalkError> {
    let sv = lang == Lang::Sv;
    let mut n = 0;
    let mut q = |text: &str, help: &str, by: AnsweredBy, scale: bool| {
        n += 1;
        let scale = scale.then(|| {
            if sv {
                ["Når inte upp", "Når delvis upp", "Når upp", "Överträffar"]
            } else {
                ["Below expectations", "Partly meets", "Meets", "Exceeds"]
            }
            .map(String::from)
            .to_vec()
        });
        Question { id: format!("q{n}"), text: text.into(), help: help.into(), answered_by: by, scale }
    };
    let s = |id: &str, title: &str, questions: Vec<Question>| Section { id: id.into(), title: title.into(), questions };
    use AnsweredBy::{Both, Employee, Manager};
    let (title, sections) = match (kind, sv) {
        ("salary", true) => (
            "Lönesamtal",
            vec![
                s(
                    "s1",
                    "Året som gått",
                    vec![
                        q(
                            "Vad har du gjort under året som du är nöjd med?",
                            "Tänk på uppdrag, resultat och samarbete.",
                            Employee,
                            false,
                        ),
                        q("Vad har varit svårt, och vad behövde du för att lyckas?", "", Employee, false),
                        q("Hur ser du på medarbetarens insatser under året?", "Ge konkreta exempel.", Manager, false),
                    ],
                ),
                s(
                    "s2",
                    "Lönekriterier",
                    vec![
                        q("Resultat och måluppfyllelse", "I vilken grad har målen för året nåtts?", Both, true),
                        q("Kompetens och yrkeskunnande", "Kunskap, omdöme och utveckling i rollen.", Both, true),
                        q("Samarbete", "Bidrag till gruppens arbete och arbetsmiljö.", Both, true),
                        q("Initiativ och ansvar", "Driver arbetet framåt och tar ansvar för helheten.", Both, true),
                    ],
                ),
                s(
                    "s3",
                    "Framåt",
                    vec![
                        q("Vad vill du utveckla till nästa år?", "", Employee, false),
                        q("Vad behöver medarbetaren för att nå nästa nivå?", "", Manager, false),
                    ],
                ),
            ],
        ),
        ("salary", false) => (
            "Salary talk",
            vec![
                s(
                    "s1",
                    "The past year",
                    vec![
                        q(
                            "What did you do this year that you are pleased with?",
                            "Think of assignments, results and teamwork.",
                            Employee,
                            false,
                        ),
                        q("What was hard, and what did you need to succeed?", "", Employee, false),
                        q(
                            "How do you see the employee's contribution this year?",
                            "Give concrete examples.",
                            Manager,
                            false,
                        ),
                    ],
                ),
                s(
                    "s2",
                    "Salary criteria",
                    vec![
                        q("Results and goals", "How far were the year's goals reached?", Both, true),
                        q("Competence and skill", "Knowledge, judgement and growth in the role.", Both, true),
                        q("Collaboration", "Contribution to the team's work and working environment.", Both, true),
                        q(
                            "Initiative and responsibility",
                            "Moves the work forward and takes responsibility for the whole.",
                            Both,
                            true,
                        ),
                    ],
                ),
                s(
                    "s3",
                    "Ahead",
                    vec![
                        q("What do you want to develop next year?", "", Employee, false),
                        q("What does the employee need to reach the next level?", "", Manager, false),
                    ],
                ),
            ],
        ),
        (_, true) => (
            "Utvecklingssamtal",
            vec![
                s(
                    "s1",
                    "Arbetet i dag",
                    vec![
                        q("Hur trivs du med dina arbetsuppgifter?", "", Employee, false),
                        q(
                            "Hur fungerar arbetsmiljön och arbetsbelastningen?",
                            "Både den fysiska och den sociala arbetsmiljön.",
                            Both,
                            false,
                        ),
                    ],
                ),
                s(
                    "s2",
                    "Utveckling",
                    vec![
                        q("Vilka kunskaper vill du utveckla?", "", Employee, false),
                        q("Vilka möjligheter ser du för medarbetaren?", "", Manager, false),
                    ],
                ),
                s(
                    "s3",
                    "Mål för nästa år",
                    vec![q("Vilka mål kommer vi överens om?", "Gärna mätbara och med datum.", Both, false)],
                ),
            ],
        ),
        (_, false) => (
            "Development talk",
            vec![
                s(
                    "s1",
                    "Work today",
                    vec![
                        q("How do you like your work?", "", Employee, false),
                        q(
                            "How are the working environment and the workload?",
                            "Both the physical and the social environment.",
                            Both,
                            false,
                        ),
                    ],
                ),
                s(
                    "s2",
                    "Development",
                    vec![
                        q("What skills do you want to develop?", "", Employee, false),
                        q("What opportunities do you see for the employee?", "", Manager, false),
                    ],
                ),
                s(
                    "s3",
                    "Goals for next year",
                    vec![q("What goals do we agree on?", "Measurable and with dates, if possible.", Both, false)],
                ),
            ],
        ),
    };
    Ok((title.to_string(), TemplateBody { sections }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str, scale: &[&str]) -> QuestionInput {
        QuestionInput {
            text: text.into(),
            help: String::new(),
            answered_by: AnsweredBy::Both,
            scale: scale.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn edits_keep_order_ids_and_limits() {
        let (mut title, mut body) = shipped("salary", Lang::Sv).expect("shipped");
        check(&body).expect("the shipped template is valid");
        let first = body.sections[0].id.clone();
        apply(&mut body, &mut title, &Edit::Move { item: first.clone(), up: false }).expect("move");
        assert_eq!(body.sections[1].id, first);
        apply(&mut body, &mut title, &Edit::Move { item: "q1".into(), up: true }).expect("top stays top");
        apply(&mut body, &mut title, &Edit::Move { item: "q2".into(), up: true }).expect("move q2");
        assert_eq!(body.sections[1].questions[0].id, "q2");
        let s = body.sections[0].id.clone();
        apply(
            &mut body,
            &mut title,
            &Edit::AddQuestion { section: s.clone(), question: input("Ny fråga", &["Låg", "Hög"]) },
        )
        .expect("add");
        assert_eq!(
            body.sections[0].questions.last().map(|q| q.scale.clone()),
            Some(Some(vec!["Låg".into(), "Hög".into()]))
        );
        for bad in [input("", &[]), input("x", &["one"]), input("x", &["1", "2", "3", "4", "5", "6", "7", "8"])] {
            assert!(apply(&mut body, &mut title, &Edit::AddQuestion { section: s.clone(), question: bad }).is_err());
        }
        assert!(matches!(
            apply(&mut body, &mut title, &Edit::DeleteQuestion("nope".into())),
            Err(TalkError::NoSuchItem)
        ));
        apply(&mut body, &mut title, &Edit::DeleteSection(s)).expect("delete");
        assert_eq!(body.sections.len(), 2);
        assert!(matches!(apply(&mut body, &mut title, &Edit::Rename("\u{7}".into())), Err(TalkError::InvalidTitle)));
        for _ in body.sections.len()..MAX_SECTIONS {
            apply(&mut body, &mut title, &Edit::AddSection("Del".into())).expect("room");
        }
        assert!(matches!(
            apply(&mut body, &mut title, &Edit::AddSection("Del".into())),
            Err(TalkError::TemplateTooLarge)
        ));
    }

    #[test]
    fn both_ready_templates_in_both_languages_ask_both_sides() {
        for kind in ["salary", "development"] {
            for lang in [Lang::Sv, Lang::En] {
                let (_, body) = shipped(kind, lang).expect("shipped");
                check(&body).expect("valid");
                assert!(body.questions().any(|q| q.answered_by.includes(crate::model::talks::Side::Employee)));
                assert!(body.questions().any(|q| q.answered_by.includes(crate::model::talks::Side::Manager)));
            }
        }
        assert!(shipped("salary", Lang::Sv).expect("s").1.questions().any(|q| q.scale.is_some()));
    }
}
