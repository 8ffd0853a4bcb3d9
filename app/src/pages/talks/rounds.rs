use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::status_word;
use crate::{
    api::{
        people::org_units,
        talks::{list_rounds, list_templates, round_detail, ReassignTalk, RollOutRound},
    },
    components::{auth::use_frame, auth::Gate, notice::Notice, time::in_zone},
    i18n::{use_lang, use_texts, TalkTexts},
    model::{
        auth::Role,
        people::UnitView,
        talks::{RoundRow, RoundView, TemplateRow},
    },
};

/// Talk rounds: the ones rolled out, with how far they are, and the form that rolls a
/// template out to a unit and the units below it. Admins only.
#[component]
pub fn RoundsPage() -> impl IntoView {
    let t = use_texts().talks;
    let lang = use_lang();
    view! {
        <Title text=t.rounds />
        <Gate role=Role::Admin>
            <h1>{t.rounds}</h1>
            <p><a href="/admin/talk-templates" id="templates-link">{t.templates}</a></p>
            <Notice />
            <Suspense fallback=move || view! { <p role="status">{use_texts().frame.loading}</p> }>
                {Suspend::new(async move {
                    match (list_rounds().await, list_templates().await, org_units().await) {
                        (Ok(rounds), Ok(templates), Ok(units)) => view! { <Rounds rounds templates units t /> }.into_any(),
                        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                            view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Gate>
    }
}

#[component]
fn Rounds(
    rounds: Vec<RoundRow>,
    templates: Vec<TemplateRow>,
    units: Vec<UnitView>,
    t: &'static TalkTexts,
) -> impl IntoView {
    let today = crate::components::time::today_in(&use_frame().time_zone);
    view! {
        {if rounds.is_empty() {
            view! { <p class="empty">{t.no_rounds}</p> }.into_any()
        } else {
            view! {
                <ul class="rows" id="rounds">
                    {rounds.into_iter().map(|r| view! {
                        <li class="row">
                            <a class="row-main row-link" href=format!("/admin/rounds/{}", r.id)>{r.title.clone()}</a>
                            <span class="row-meta"><span class="unit-name">{r.unit.clone()}</span> " · " <time>{r.starts_on.clone()}</time> " – " <time>{r.ends_on.clone()}</time></span>
                            <span class="row-meta">{(t.completed_of)(r.completed, r.talks)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <section class="card" aria-labelledby="roll-out-title">
            <h2 id="roll-out-title">{t.roll_out}</h2>
            <p class="hint">{t.roll_out_hint}</p>
            <form class="form" method="post" action=RollOutRound::url() id="roll-out">
                <label for="round-title">{t.title}</label>
                <input id="round-title" name="title" required maxlength="200" />
                <label for="round-template">{t.template}</label>
                <select id="round-template" name="template_id">
                    {templates.into_iter().map(|tp| view! { <option value=tp.id>{tp.title}</option> }).collect_view()}
                </select>
                <label for="round-unit">{t.unit}</label>
                <select id="round-unit" name="unit_id">
                    {units.into_iter().map(|u| view! { <option value=u.id>{format!("{}{}", "- ".repeat(u.depth as usize), u.name)}</option> }).collect_view()}
                </select>
                <div class="field-pair">
                    <div class="form">
                        <label for="round-start">{t.starts_on}</label>
                        <input id="round-start" name="starts_on" type="date" required value=today.clone() />
                    </div>
                    <div class="form">
                        <label for="round-end">{t.ends_on}</label>
                        <input id="round-end" name="ends_on" type="date" required />
                    </div>
                </div>
                <button type="submit" class="button">{t.roll_out}</button>
            </form>
        </section>
    }
}

/// One round's progress per unit and its talks: statuses, names and dates, never a text.
#[component]
pub fn RoundPage() -> impl IntoView {
    let t = use_texts().talks;
    let lang = use_lang();
    let id = StoredValue::new(use_params_map().get_untracked().get("id").unwrap_or_default());
    view! {
        <Gate role=Role::Admin>
            <Notice />
            <Suspense fallback=move || view! { <p role="status">{use_texts().frame.loading}</p> }>
                {
                    let id = id.get_value();
                    Suspend::new(async move {
                        match round_detail(id).await {
                            Ok(round) => view! { <Round round t /> }.into_any(),
                            Err(e) => view! { <h1>{t.rounds}</h1><p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        }
                    })
                }
            </Suspense>
        </Gate>
    }
}

#[component]
fn Round(round: RoundView, t: &'static TalkTexts) -> impl IntoView {
    let zone = use_frame().time_zone;
    view! {
        <Title text=round.title.clone() />
        <h1>{round.title.clone()}</h1>
        <p><a href="/admin/rounds">{t.rounds}</a></p>
        <p class="lead">{round.unit.clone()} " · " <time>{round.starts_on.clone()}</time> " – " <time>{round.ends_on.clone()}</time></p>
        <section class="card" aria-labelledby="progress-title">
            <h2 id="progress-title">{t.progress}</h2>
            <table class="log" id="progress">
                <thead><tr>
                    <th scope="col">{t.unit}</th><th scope="col">{t.not_started}</th><th scope="col">{t.started}</th>
                    <th scope="col">{t.waiting}</th><th scope="col">{t.completed}</th>
                </tr></thead>
                <tbody>
                    {round.units.iter().map(|u| view! {
                        <tr>
                            <td data-label=t.unit>{u.unit.clone()}</td>
                            <td data-label=t.not_started>{u.not_started}</td>
                            <td data-label=t.started>{u.started}</td>
                            <td data-label=t.waiting>{u.waiting}</td>
                            <td data-label=t.completed>{u.completed}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section class="card" aria-labelledby="round-talks">
            <h2 id="round-talks">{t.talks}</h2>
            <ul class="rows" id="round-talk-list">
                {round.talks.iter().map(|r| view! {
                    <li class="row">
                        <span class="row-main"><strong>{r.employee.clone()}</strong></span>
                        <span class="row-meta">{t.manager} ": " {r.manager.clone().unwrap_or_else(|| "–".into())}</span>
                        <span class="row-meta"><span class="badge">{status_word(t, r.status)}</span> " · "
                            {r.scheduled_at.map(|s| in_zone(s, &zone)[..16].to_string()).unwrap_or_else(|| t.not_booked.to_string())}</span>
                        {r.manager_changed.then(|| view! {
                            <form class="row-actions" method="post" action=ReassignTalk::url()>
                                <input type="hidden" name="talk_id" value=r.id.clone() />
                                <input type="hidden" name="round_id" value=round.id.clone() />
                                <button type="submit" class="button secondary">{t.reassign}</button>
                            </form>
                        })}
                    </li>
                }).collect_view()}
            </ul>
            {round.more.then(|| view! { <p class="hint">{t.more_talks}</p> })}
        </section>
    }
}
