use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::talks::talk_summary,
    components::time::in_zone,
    i18n::{use_lang, use_texts, TalkTexts},
    model::talks::{Answer, TalkView},
};

/// A completed talk's summary for printing (A4, the print style sheet drops the frame): the
/// questions with both sides' answers and ratings, the notes and actions, the comment, the
/// sign-off with dates and the addenda. Never the private notes. The same access as the talk.
#[component]
pub fn TalkSummaryPage() -> impl IntoView {
    let lang = use_lang();
    let t = use_texts().talks;
    let id = StoredValue::new(use_params_map().get_untracked().get("id").unwrap_or_default());
    view! {
        <crate::components::auth::Gate>
            <Suspense fallback=move || view! { <p role="status">{use_texts().frame.loading}</p> }>
                {
                    let id = id.get_value();
                    Suspend::new(async move {
                        match talk_summary(id).await {
                            Ok(talk) => view! { <Summary talk t /> }.into_any(),
                            Err(e) => view! { <h1>{t.summary}</h1><p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        }
                    })
                }
            </Suspense>
        </crate::components::auth::Gate>
    }
}

fn answer_line(a: Option<&Answer>, scale: &[String]) -> String {
    match a {
        None => "–".into(),
        Some(a) => {
            let rating = a.rating.map(|r| {
                let word = scale.get(usize::from(r).saturating_sub(1)).cloned().unwrap_or_default();
                format!("{r}/{} {word}. ", scale.len())
            });
            format!("{}{}", rating.unwrap_or_default(), a.text)
        }
    }
}

#[component]
fn Summary(talk: TalkView, t: &'static TalkTexts) -> impl IntoView {
    let zone = talk.time_zone.clone();
    let at = |s: Option<i64>| s.map(|s| in_zone(s, &zone)).unwrap_or_else(|| "–".into());
    let emp = talk.employee_prep.clone().map(|(p, _)| p).unwrap_or_default();
    let mgr = talk.manager_prep.clone().map(|(p, _)| p).unwrap_or_default();
    let manager = talk.manager.clone().unwrap_or_else(|| "–".into());
    view! {
        <Title text=format!("{}: {}", t.summary, talk.employee) />
        <article class="summary" id="summary">
            <h1>{talk.round.clone()}</h1>
            {talk.altered.then(|| view! { <p class="error" role="alert" id="altered">{t.altered}</p> })}
            <p class="no-print"><a href=format!("/talks/{}", talk.id)>{t.back}</a></p>
            <dl class="facts">
                <dt>{t.employee}</dt><dd>{talk.employee.clone()}</dd>
                <dt>{t.manager}</dt><dd>{manager.clone()}</dd>
                <dt>{t.when}</dt><dd>{at(talk.scheduled_at)}</dd>
            </dl>
            {talk.body.sections.iter().map(|s| view! {
                <section>
                    <h2>{s.title.clone()}</h2>
                    {s.questions.iter().map(|q| {
                        let scale = q.scale.clone().unwrap_or_default();
                        view! {
                            <h3>{q.text.clone()}</h3>
                            <dl class="facts">
                                {q.answered_by.includes(crate::model::talks::Side::Employee).then(|| view! {
                                    <dt>{talk.employee.clone()}</dt><dd class="prose">{answer_line(emp.get(&q.id), &scale)}</dd>
                                })}
                                {q.answered_by.includes(crate::model::talks::Side::Manager).then(|| view! {
                                    <dt>{manager.clone()}</dt><dd class="prose">{answer_line(mgr.get(&q.id), &scale)}</dd>
                                })}
                            </dl>
                        }
                    }).collect_view()}
                </section>
            }).collect_view()}
            <section>
                <h2>{t.notes}</h2>
                <p class="prose">{talk.notes.text.clone()}</p>
                <h2>{t.actions}</h2>
                <p class="prose">{talk.actions.text.clone()}</p>
                {talk.comment.clone().map(|c| view! { <h2>{t.comment}</h2><p class="prose">{c}</p> })}
            </section>
            <section class="signatures" aria-labelledby="signatures-title">
                <h2 id="signatures-title">{t.signatures}</h2>
                <div class="signature">
                    <p><strong>{manager.clone()}</strong></p>
                    <p>{t.asked_on} " " {at(talk.asked_at)}</p>
                </div>
                <div class="signature">
                    <p><strong>{talk.employee.clone()}</strong></p>
                    <p>{t.signed_on} " " {at(talk.signed_at)}</p>
                </div>
            </section>
            {(!talk.addenda.is_empty()).then(|| view! {
                <section>
                    <h2>{t.addenda}</h2>
                    {talk.addenda.iter().map(|a| view! {
                        <p class="row-meta">{a.author.clone().unwrap_or_else(|| "–".into())} " · " {in_zone(a.at, &zone)}</p>
                        <p class="prose">{a.text.clone()}</p>
                    }).collect_view()}
                </section>
            })}
        </article>
    }
}
