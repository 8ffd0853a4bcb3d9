use leptos::prelude::*;
use leptos_meta::Title;

use super::status_word;
use crate::{
    api::talks::my_talks,
    components::{auth::Gate, notice::Notice, time::in_zone},
    i18n::{use_lang, use_texts, TalkTexts},
    model::talks::{MyTalksView, Status, TalkRow},
};

/// "My talks": the talks a manager holds, grouped as a phone shows them best (today, overdue,
/// upcoming, not yet booked, done), and the person's own talks.
#[component]
pub fn MyTalksPage() -> impl IntoView {
    let t = use_texts().talks;
    let lang = use_lang();
    view! {
        <Title text=t.my_title />
        <Gate>
            <h1>{t.my_title}</h1>
            <Notice />
            <Suspense fallback=move || view! { <p role="status">{use_texts().frame.loading}</p> }>
                {Suspend::new(async move {
                    match my_talks().await {
                        Ok(mine) => view! { <Lists mine /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </Gate>
    }
}

/// Which group a held talk falls in, by the organisation's today: held today; overdue (its
/// time or the round's last day has passed and it is not yet sent for an OK); waiting on the
/// employee's OK; upcoming; not booked; done.
fn group(row: &TalkRow, today: &str, zone: &str) -> usize {
    let day = row.scheduled_at.map(|s| in_zone(s, zone)[..10].to_string());
    match (row.status, day) {
        (Status::Completed, _) => 5,
        (_, Some(d)) if d == today => 0,
        (Status::Waiting, _) => 2,
        (_, Some(d)) if d.as_str() < today => 1,
        (_, _) if row.due.as_str() < today => 1,
        (_, Some(_)) => 3,
        (_, None) => 4,
    }
}

#[component]
fn Lists(mine: MyTalksView) -> impl IntoView {
    let t = use_texts().talks;
    let MyTalksView { holding, own, today, time_zone } = mine;
    let mut groups: [Vec<TalkRow>; 6] = Default::default();
    for row in holding.iter().cloned() {
        groups[group(&row, &today, &time_zone)].push(row);
    }
    let titles = [t.today, t.overdue, t.waiting, t.upcoming, t.unscheduled, t.done];
    let ids = ["talks-today", "talks-overdue", "talks-waiting", "talks-upcoming", "talks-unscheduled", "talks-done"];
    let nothing = holding.is_empty() && own.is_empty();
    view! {
        {nothing.then(|| view! { <p class="empty" id="no-talks">{t.no_talks}</p> })}
        {(!holding.is_empty()).then(|| view! {
            <h2>{t.holding}</h2>
            {groups.into_iter().zip(titles).zip(ids).filter(|((g, _), _)| !g.is_empty()).map(|((rows, title), id)| {
                let zone = time_zone.clone();
                view! {
                    <section class="card" aria-labelledby=format!("{id}-title")>
                        <h3 id=format!("{id}-title")>{title} " (" {rows.len()} ")"</h3>
                        <ul class="rows" id=id>
                            {rows.into_iter().map(|r| view! { <Row r zone=zone.clone() t show=Show::Employee /> }).collect_view()}
                        </ul>
                    </section>
                }
            }).collect_view()}
        })}
        {(!own.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="own-title">
                <h2 id="own-title">{t.own}</h2>
                <ul class="rows" id="talks-own">
                    {own.into_iter().map(|r| view! { <Row r zone=time_zone.clone() t show=Show::Manager /> }).collect_view()}
                </ul>
            </section>
        })}
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Show {
    Employee,
    Manager,
}

#[component]
fn Row(r: TalkRow, zone: String, t: &'static TalkTexts, show: Show) -> impl IntoView {
    let who = match show {
        Show::Employee => r.employee.clone(),
        Show::Manager => r.manager.clone().map(|m| format!("{}: {m}", t.manager)).unwrap_or_default(),
    };
    let when = r.scheduled_at.map(|s| in_zone(s, &zone)[..16].to_string()).unwrap_or_else(|| t.not_booked.to_string());
    view! {
        <li class="row">
            <a class="row-main row-link" href=format!("/talks/{}", r.id)><strong>{who}</strong></a>
            <span class="row-meta">{r.round.clone()} " · " <span class="badge">{status_word(t, r.status)}</span></span>
            <span class="row-meta"><time>{when}</time> " · " {t.due} " " <time>{r.due.clone()}</time></span>
        </li>
    }
}
