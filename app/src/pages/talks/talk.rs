use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{editor::NoteEditor, status_word};
use crate::{
    api::talks::{private_note, talk_detail, AddAddendum, CalendarFile, SavePreparation, ScheduleTalk, TalkMove},
    components::{
        notice::Notice,
        time::{in_zone, local_input},
    },
    i18n::{use_lang, use_texts, TalkTexts},
    model::talks::{Answer, Note, Question, Side, Status, TalkView},
};

/// One talk, for its employee, the manager who holds it, or a manager above in the line (who
/// reads only). The server logs the view before it answers and refuses everyone else (403,
/// logged), admins too.
#[component]
pub fn TalkPage() -> impl IntoView {
    let lang = use_lang();
    let t = use_texts().talks;
    let id = StoredValue::new(use_params_map().get_untracked().get("id").unwrap_or_default());
    view! {
        <crate::components::auth::Gate>
            <Notice />
            <Suspense fallback=move || view! { <p role="status">{use_texts().frame.loading}</p> }>
                {
                    let id = id.get_value();
                    Suspend::new(async move {
                        match talk_detail(id).await {
                            Ok(talk) => view! { <Talk talk /> }.into_any(),
                            Err(e) => view! {
                                <h1>{t.talk_title}</h1>
                                <p class="error" role="alert">{e.message(lang)}</p>
                                <p><a href="/talks">{t.back}</a></p>
                            }.into_any(),
                        }
                    })
                }
            </Suspense>
        </crate::components::auth::Gate>
    }
}

#[component]
fn Talk(talk: TalkView) -> impl IntoView {
    let t = use_texts().talks;
    let title = format!("{}: {}", talk.round, talk.employee);
    let side = talk.side;
    let open = talk.status < Status::Waiting;
    let my_ready = match side {
        Some(Side::Employee) => talk.employee_ready_at.is_some(),
        Some(Side::Manager) => talk.manager_ready_at.is_some(),
        None => true,
    };
    let can_prepare = side.is_some() && open && !my_ready;
    let when = talk
        .scheduled_at
        .map(|s| {
            format!(
                "{} {}",
                &in_zone(s, &talk.time_zone)[..16],
                talk.duration_min.map(|m| (t.minutes_long)(m)).unwrap_or_default()
            )
        })
        .unwrap_or_else(|| t.not_booked.to_string());
    let manager = talk.manager.clone().unwrap_or_else(|| "–".into());
    view! {
        <Title text=title.clone() />
        <h1>{talk.round.clone()}</h1>
        {talk.altered.then(|| view! { <p class="error" role="alert" id="altered">{t.altered}</p> })}
        <p><a href="/talks">{t.back}</a></p>
        <nav class="actions jump" aria-label=t.on_this_page>
            <a href="#prep-title">{t.preparation}</a>
            <a href="#notes-title">{t.notes_title}</a>
        </nav>
        <section class="card" aria-labelledby="talk-facts">
            <h2 id="talk-facts" class="visually-hidden">{t.talk_title}</h2>
            <dl class="facts">
                <dt>{t.employee}</dt><dd id="talk-employee">{talk.employee.clone()}</dd>
                <dt>{t.manager}</dt><dd>{manager}</dd>
                <dt>{t.status}</dt><dd><span class="badge" id="talk-status" data-status=talk.status.as_str()>{status_word(t, talk.status)}</span></dd>
                <dt>{t.when}</dt><dd id="talk-when">{when}</dd>
                <dt>{t.due}</dt><dd><time>{talk.due.clone()}</time></dd>
            </dl>
            {(side == Some(Side::Manager) && talk.status != Status::Completed).then(|| view! { <Schedule talk=talk.clone() t /> })}
            {(side.is_some() && talk.scheduled_at.is_some()).then(|| view! {
                <form method="post" action=CalendarFile::url() class="actions">
                    <input type="hidden" name="talk_id" value=talk.id.clone() />
                    <button type="submit" class="button secondary" id="calendar">{t.add_to_calendar}</button>
                </form>
            })}
        </section>
        <Preparations talk=talk.clone() can_prepare t />
        <Notes talk=talk.clone() t />
        {talk.comment.clone().map(|c| view! {
            <section class="card" aria-labelledby="comment-title">
                <h2 id="comment-title">{t.comment}</h2>
                <p class="prose" id="talk-comment">{c}</p>
            </section>
        })}
        {(talk.status == Status::Completed).then(|| view! { <Signed talk=talk.clone() t /> })}
        <Moves talk t />
    }
}

#[component]
fn Schedule(talk: TalkView, t: &'static TalkTexts) -> impl IntoView {
    let value = talk.scheduled_at.map(|s| local_input(s, &talk.time_zone)).unwrap_or_default();
    let minutes = talk.duration_min.unwrap_or(60).to_string();
    view! {
        <details>
            <summary id="schedule-open">{t.book}</summary>
            <form class="form" method="post" action=ScheduleTalk::url() id="schedule">
                <input type="hidden" name="talk_id" value=talk.id.clone() />
                <label for="when">{t.when} " (" {talk.time_zone.clone()} ")"</label>
                <input id="when" name="when" type="datetime-local" value=value />
                <label for="minutes">{t.minutes}</label>
                <input id="minutes" name="minutes" type="number" min="5" max="480" step="5" inputmode="numeric" value=minutes />
                <button type="submit" class="button">{t.save}</button>
            </form>
        </details>
    }
}

/// Each question with the viewer's own answer (a form while they prepare) and, as far as the
/// reveal rules allow, the other side's beside it.
#[component]
fn Preparations(talk: TalkView, can_prepare: bool, t: &'static TalkTexts) -> impl IntoView {
    let side = talk.side;
    let (mine, theirs, their_label) = match side {
        Some(Side::Employee) => (talk.employee_prep.clone(), talk.manager_prep.clone(), t.manager_answer),
        Some(Side::Manager) => (talk.manager_prep.clone(), talk.employee_prep.clone(), t.employee_answer),
        None => (None, talk.employee_prep.clone(), t.employee_answer),
    };
    let line_manager = side.is_none().then(|| talk.manager_prep.clone()).flatten();
    let version = mine.as_ref().map(|(_, v)| *v).unwrap_or(0);
    let mine = mine.map(|(p, _)| p).unwrap_or_default();
    let theirs_hidden = theirs.is_none();
    let theirs = theirs.map(|(p, _)| p);
    let hint = match (side, theirs_hidden) {
        (Some(Side::Employee), true) => Some(t.manager_hidden),
        (Some(Side::Manager), true) => Some(t.employee_hidden),
        _ => None,
    };
    let sections = talk.body.sections.clone();
    let body = move || {
        sections
            .iter()
            .map(|s| {
                view! {
                    <fieldset class="section">
                        <legend><h2>{s.title.clone()}</h2></legend>
                        {s.questions.iter().map(|q| view! {
                            <QuestionBlock q=q.clone() side mine=mine.get(&q.id).cloned() theirs=theirs.as_ref().map(|p| p.get(&q.id).cloned().unwrap_or_default())
                                line=line_manager.as_ref().map(|(p, _)| p.get(&q.id).cloned().unwrap_or_default())
                                editable=can_prepare their_label t />
                        }).collect_view()}
                    </fieldset>
                }
            })
            .collect_view()
    };
    let ready_line = match side {
        Some(Side::Employee) if talk.employee_ready_at.is_some() => Some(t.you_are_ready),
        Some(Side::Manager) if talk.manager_ready_at.is_some() => Some(t.you_are_ready),
        _ => None,
    };
    view! {
        <section class="card" aria-labelledby="prep-title">
            <h2 id="prep-title">{t.preparation}</h2>
            {hint.map(|h| view! { <p class="hint" id="reveal-hint">{h}</p> })}
            {ready_line.map(|r| view! { <p class="done" id="ready-line">{r}</p> })}
            {if can_prepare {
                view! {
                    <form class="form prep" method="post" action=SavePreparation::url() id="prep-form">
                        <input type="hidden" name="talk_id" value=talk.id.clone() />
                        <input type="hidden" name="version" value=version.to_string() />
                        {body()}
                        <p class="hint">{t.ready_hint}</p>
                        <div class="actions">
                            <button type="submit" class="button secondary" id="prep-save">{t.save}</button>
                            <button type="submit" class="button" name="ready" value="yes" id="prep-ready">{t.save_and_ready}</button>
                        </div>
                    </form>
                }.into_any()
            } else {
                view! { <div class="prep">{body()}</div> }.into_any()
            }}
        </section>
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
fn QuestionBlock(
    q: Question,
    side: Option<Side>,
    mine: Option<Answer>,
    theirs: Option<Answer>,
    line: Option<Answer>,
    editable: bool,
    their_label: &'static str,
    t: &'static TalkTexts,
) -> impl IntoView {
    let answers_mine = side.is_some_and(|s| q.answered_by.includes(s));
    let other = match side {
        Some(Side::Employee) => Side::Manager,
        _ => Side::Employee,
    };
    let answers_theirs = q.answered_by.includes(other);
    let mine = mine.unwrap_or_default();
    let scale = q.scale.clone().unwrap_or_default();
    let name = |f: &str| format!("answers[{}][{f}]", q.id);
    let field_id = format!("a-{}", q.id);
    let own = answers_mine.then(|| {
        if editable {
            let ratings = (!scale.is_empty()).then(|| view! {
                <fieldset class="scale" aria-describedby=format!("qh-{}", q.id)>
                    <legend>{t.rating}</legend>
                    {scale.iter().enumerate().map(|(i, label)| {
                        let v = (i + 1) as u8;
                        let id = format!("r-{}-{v}", q.id);
                        let label_for = id.clone();
                        view! {
                            <label class="check" for=label_for>
                                <input type="radio" id=id name=name("rating") value=v.to_string() checked=mine.rating == Some(v) />
                                {format!("{v}. {label}")}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            });
            view! {
                <label for=field_id.clone()>{t.your_answer}</label>
                <textarea id=field_id.clone() name=name("text") rows="4" maxlength=crate::model::talks::MAX_ANSWER_CHARS aria-describedby=format!("qh-{}", q.id)>{mine.text.clone()}</textarea>
                {ratings}
            }
            .into_any()
        } else {
            view! { <AnswerShown label=t.your_answer a=mine.clone() scale=scale.clone() /> }.into_any()
        }
    });
    let theirs = (answers_theirs && side.is_some())
        .then(|| theirs.map(|a| view! { <AnswerShown label=their_label a scale=scale.clone() /> }));
    let line = line.map(|a| view! { <AnswerShown label=t.manager_answer a scale=scale.clone() /> });
    view! {
        <div class="question" id=format!("q-{}", q.id)>
            <h3 id=format!("qh-{}", q.id)>{q.text.clone()}</h3>
            {(!q.help.is_empty()).then(|| view! { <p class="hint">{q.help.clone()}</p> })}
            <div class="answers">{own}{theirs}{line}</div>
        </div>
    }
}

#[component]
fn AnswerShown(label: &'static str, a: Answer, scale: Vec<String>) -> impl IntoView {
    let rating = a.rating.map(|r| {
        let word = scale.get(usize::from(r).saturating_sub(1)).cloned().unwrap_or_default();
        format!("{r}/{} {word}", scale.len())
    });
    view! {
        <div class="answer">
            <p class="answer-label">{label}</p>
            {rating.map(|r| view! { <p class="rating">{r}</p> })}
            <p class="prose">{if a.text.is_empty() { "–".to_string() } else { a.text.clone() }}</p>
        </div>
    }
}

/// The shared notes and agreed actions (the manager writes them until the employee is asked to
/// confirm), and for the manager a way to their private notes (a page of its own, so they are
/// never on the screen the employee may be looking at, and each read is logged).
#[component]
fn Notes(talk: TalkView, t: &'static TalkTexts) -> impl IntoView {
    let manager = talk.side == Some(Side::Manager);
    let writable = manager && talk.status < Status::Waiting;
    let editor = |note: Note,
                  label: &'static str,
                  hint: &'static str,
                  v: crate::model::talks::Versioned,
                  writable: bool| {
        if writable {
            view! {
                <NoteEditor talk_id=talk.id.clone() kind=note.as_str().to_string() version=v.version text=v.text label=label.to_string() hint=hint.to_string()
                    words=t.editor_words() />
            }
            .into_any()
        } else {
            view! {
                <h3>{label}</h3>
                <p class="prose" id=format!("note-{}", note.as_str())>{if v.text.is_empty() { "–".to_string() } else { v.text }}</p>
            }
            .into_any()
        }
    };
    view! {
        <section class="card" aria-labelledby="notes-title">
            <h2 id="notes-title">{t.notes_title}</h2>
            {editor(Note::Notes, t.notes, t.notes_hint, talk.notes.clone(), writable)}
            {editor(Note::Actions, t.actions, t.actions_hint, talk.actions.clone(), writable)}
        </section>
        {manager.then(|| view! {
            <section class="card private" aria-labelledby="private-title">
                <h2 id="private-title">{t.private}</h2>
                <p class="hint">{t.private_hint}</p>
                <p><a class="row-link" href=format!("/talks/{}/private", talk.id) id="private-link">{t.open_private}</a></p>
            </section>
        })}
    }
}

/// The manager's own private notes on a talk, on a page of their own.
#[component]
pub fn PrivateNotesPage() -> impl IntoView {
    let lang = use_lang();
    let t = use_texts().talks;
    let id = StoredValue::new(use_params_map().get_untracked().get("id").unwrap_or_default());
    view! {
        <Title text=t.private />
        <crate::components::auth::Gate>
            <h1>{t.private}</h1>
            <Notice />
            <Suspense fallback=move || view! { <p role="status">{use_texts().frame.loading}</p> }>
                {
                    let id = id.get_value();
                    Suspend::new(async move {
                        match private_note(id.clone()).await {
                            Ok(p) => {
                                let editable = p.status != Status::Completed;
                                view! {
                                    <p class="lead">{p.round.clone()} ": " {p.employee.clone()}</p>
                                    <p><a href=format!("/talks/{id}")>{t.back_to_talk}</a></p>
                                    <section class="card private">
                                        {if editable {
                                            view! {
                                                <NoteEditor talk_id=id.clone() kind="private".to_string() version=p.note.version
                                                    text=p.note.text label=t.private.to_string() hint=t.private_hint.to_string()
                                                    words=t.editor_words() />
                                            }.into_any()
                                        } else {
                                            view! { <p class="prose" id="note-private">{p.note.text}</p> }.into_any()
                                        }}
                                    </section>
                                }.into_any()
                            }
                            Err(e) => view! {
                                <p class="error" role="alert">{e.message(lang)}</p>
                                <p><a href="/talks">{t.back}</a></p>
                            }.into_any(),
                        }
                    })
                }
            </Suspense>
        </crate::components::auth::Gate>
    }
}

#[component]
fn Signed(talk: TalkView, t: &'static TalkTexts) -> impl IntoView {
    let signed = talk.signed_at.map(|s| in_zone(s, &talk.time_zone)).unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="signed-title">
            <h2 id="signed-title">{t.signed_off}</h2>
            <p id="signed-line">{(t.signed_by)(&talk.employee, &signed)}</p>
            <p><a href=format!("/talks/{}/summary", talk.id) id="summary-link">{t.summary}</a></p>
            <h3>{t.addenda}</h3>
            {if talk.addenda.is_empty() {
                view! { <p class="empty">{t.no_addenda}</p> }.into_any()
            } else {
                view! {
                    <ul class="rows" id="addenda">
                        {talk.addenda.iter().map(|a| view! {
                            <li class="row">
                                <span class="row-meta">{a.author.clone().unwrap_or_else(|| "–".into())} " · " {in_zone(a.at, &talk.time_zone)}</span>
                                <p class="prose">{a.text.clone()}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {talk.side.is_some().then(|| view! {
                <form class="form" method="post" action=AddAddendum::url() id="addendum-form">
                    <input type="hidden" name="talk_id" value=talk.id.clone() />
                    <label for="addendum">{t.add_addendum}</label>
                    <textarea id="addendum" name="text" rows="3" maxlength=crate::model::talks::MAX_NOTE_CHARS></textarea>
                    <button type="submit" class="button">{t.add_addendum}</button>
                </form>
            })}
        </section>
    }
}

/// The next step, in a bar at the bottom edge on a phone (where the thumb is).
#[component]
fn Moves(talk: TalkView, t: &'static TalkTexts) -> impl IntoView {
    let form = |action: &'static str, label: &'static str, primary: bool, comment: Option<(&'static str, bool)>| {
        let class = if primary { "button" } else { "button secondary" };
        let field = comment.map(|(label, required)| {
            let id = format!("comment-{action}");
            view! {
                <label for=id.clone()>{label}</label>
                <textarea id=id name="comment" rows="2" required=required maxlength=crate::model::talks::MAX_NOTE_CHARS></textarea>
            }
        });
        view! {
            <form class="form" method="post" action=TalkMove::url()>
                <input type="hidden" name="talk_id" value=talk.id.clone() />
                <input type="hidden" name="action" value=action />
                <input type="hidden" name="version" value=talk.version.to_string() />
                {field}
                <button type="submit" class=class id=format!("move-{action}")>{label}</button>
            </form>
        }
    };
    let moves = match (talk.side, talk.status) {
        (Some(Side::Manager), Status::NotStarted) => Some(view! { {form("start", t.start, true, None)} }.into_any()),
        (Some(Side::Manager), Status::Started) => Some(
            view! {
                {talk.manager_ready_at.is_none().then(|| view! { <p class="hint">{t.ask_hint}</p> })}
                {form("ask", t.ask, true, None)}
            }
            .into_any(),
        ),
        (Some(Side::Manager), Status::Waiting) => {
            Some(view! { <p class="hint">{t.waiting_hint}</p> {form("withdraw", t.withdraw, false, None)} }.into_any())
        }
        (Some(Side::Employee), Status::Waiting) => Some(
            view! {
                <p class="hint">{t.confirm_hint}</p>
                {form("sign_off", t.sign_off, true, Some((t.comment_optional, false)))}
                <details>
                    <summary>{t.send_back}</summary>
                    {form("send_back", t.send_back, false, Some((t.comment_required, true)))}
                </details>
            }
            .into_any(),
        ),
        _ => None,
    };
    moves.map(|m| view! { <section class="card move-bar" aria-label=t.next_step id="moves">{m}</section> })
}

impl TalkTexts {
    pub fn editor_words(&'static self) -> super::editor::EditorWords {
        super::editor::EditorWords {
            saved: self.saved.into(),
            saving: self.saving.into(),
            unsaved: self.unsaved.into(),
            offline: self.offline.into(),
            conflict: self.conflict.into(),
            failed: self.failed.into(),
            stale: self.stale.into(),
            save: self.save.into(),
        }
    }
}
