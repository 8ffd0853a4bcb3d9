use std::collections::HashMap;

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::admin::{logbook_choices, logbook_entries, LogChoices, LogRow, LogbookCsv},
    components::{
        auth::{use_frame, Gate},
        time::local_time,
    },
    i18n::{use_lang, use_texts, Texts},
    model::{auth::Role, format::percent_encode},
};

/// The filter as the address holds it: dates, an action name, an account id (the logbook's own
/// pseudonymous ids, never a name or e-mail) and the page.
#[derive(Debug, Clone, Default, PartialEq)]
struct Filter {
    from: String,
    to: String,
    user: String,
    action: String,
}

impl Filter {
    /// The filter and page this request's address asks for (each value cut to 64 characters).
    fn from_address() -> (Self, u32) {
        let q = use_query_map().get_untracked();
        let get = |k: &str| q.get(k).unwrap_or_default().chars().take(64).collect::<String>();
        let page = get("page").parse::<u32>().unwrap_or(0).min(100_000);
        (Self { from: get("from"), to: get("to"), user: get("user"), action: get("action") }, page)
    }

    fn query(&self, page: u32) -> String {
        let f = |k: &str, v: &str| if v.is_empty() { String::new() } else { format!("&{k}={}", percent_encode(v)) };
        format!(
            "?page={page}{}{}{}{}",
            f("from", &self.from),
            f("to", &self.to),
            f("user", &self.user),
            f("action", &self.action)
        )
    }
}

/// Server HTML: the filter is a plain GET form and pages are links, so the logbook works
/// without any script; the CSV is a plain form post that the server answers with the file.
#[component]
pub fn LogbookPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    view! {
        <Title text=t.logbook.title />
        <Gate role=Role::Admin>
            <h1>{t.logbook.title}</h1>
            <p class="lead">{t.logbook.lead}</p>
            <Suspense fallback=move || view! { <p role="status">{t.frame.loading}</p> }>
                {Suspend::new(async move {
                    let (filter, page) = Filter::from_address();
                    let f = filter.clone();
                    let entries = logbook_entries(f.from, f.to, f.action, f.user, page);
                    match (logbook_choices().await, entries.await) {
                        (Ok(choices), entries) => view! { <Logbook choices entries filter page /> }.into_any(),
                        (Err(e), _) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </Gate>
    }
}

#[component]
fn Logbook(
    choices: LogChoices,
    entries: Result<crate::api::admin::LogPage, crate::error::AppError>,
    filter: Filter,
    page: u32,
) -> impl IntoView {
    // Names for the ids the logbook holds: shown here, never stored there.
    let names: HashMap<String, String> = choices.users.iter().cloned().collect();
    let f = filter.clone();
    let lang = use_lang();
    let all = use_texts();
    let t = &all.logbook;
    view! {
        <Filters c=choices filter=f />
        <section class="card" aria-labelledby="events-title">
            <h2 id="events-title">{t.events_title}</h2>
            {match entries {
                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                Ok(p) if p.rows.is_empty() => view! { <p id="log-empty" class="empty">{t.none}</p> }.into_any(),
                Ok(p) => {
                    let newer = (page > 0).then(|| filter.query(page - 1));
                    let older = p.has_more.then(|| filter.query(page + 1));
                    view! {
                        <table class="log" id="log-table">
                            <thead><tr>
                                <th scope="col">{(t.time_in)(&use_frame().time_zone)}</th><th scope="col">{t.who}</th>
                                <th scope="col">{t.what}</th><th scope="col">{t.on}</th>
                                <th scope="col">{t.outcome}</th><th scope="col">{t.ip}</th>
                            </tr></thead>
                            <tbody>{p.rows.into_iter().map(|r| row(r, &names, all)).collect_view()}</tbody>
                        </table>
                        <nav class="pager" aria-label=t.pages>
                            {newer.map(|href| view! { <a class="button secondary" id="log-newer" href=href>{t.newer}</a> })}
                            <span>{(t.page)(page + 1)}</span>
                            {older.map(|href| view! { <a class="button secondary" id="log-older" href=href>{t.older}</a> })}
                        </nav>
                    }.into_any()
                }
            }}
        </section>
        <section class="card" aria-labelledby="export-title">
            <h2 id="export-title">{t.export_title}</h2>
            <p class="hint">{t.export_hint}</p>
            <form method="post" action=LogbookCsv::url()>
                <input type="hidden" name="from" value=filter.from />
                <input type="hidden" name="to" value=filter.to />
                <input type="hidden" name="action" value=filter.action />
                <input type="hidden" name="user" value=filter.user />
                <button type="submit" class="button secondary" id="log-export">{t.download_csv}</button>
            </form>
        </section>
    }
}

/// The filter form: a GET to this page, with what was chosen kept. Dates are typed as ISO 8601
/// text: a date input would show the browser's locale (mm/dd/yyyy in en-US).
#[component]
fn Filters(c: LogChoices, filter: Filter) -> impl IntoView {
    let all = use_texts();
    let t = &all.logbook;
    view! {
        <form class="card form filters" method="get" action="/admin/logbook" aria-label=t.filter_label>
            <div class="field-pair">
                <div>
                    <label for="log-from">{t.from}</label>
                    <input id="log-from" name="from" type="text" inputmode="numeric" placeholder="2026-01-31" maxlength="10"
                        pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" autocomplete="off" value=filter.from />
                </div>
                <div>
                    <label for="log-to">{t.to}</label>
                    <input id="log-to" name="to" type="text" inputmode="numeric" placeholder="2026-12-31" maxlength="10"
                        pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" autocomplete="off" value=filter.to />
                </div>
            </div>
            <label for="log-user">{t.who}</label>
            <select id="log-user" name="user">
                <option value="">{t.anyone}</option>
                {c.users.into_iter().map(|(id, name)| {
                    let chosen = id == filter.user;
                    view! { <option value=id selected=chosen>{name}</option> }
                }).collect_view()}
            </select>
            <label for="log-action">{t.what}</label>
            <select id="log-action" name="action">
                <option value="">{t.any_action}</option>
                {c.actions.into_iter().map(|a| {
                    let chosen = a == filter.action;
                    let words = all.actions.words(&a).to_string();
                    view! { <option value=a selected=chosen>{words}</option> }
                }).collect_view()}
            </select>
            <button type="submit" class="button" id="log-apply">{t.show}</button>
        </form>
    }
}

fn row(r: LogRow, names: &HashMap<String, String>, all: &'static Texts) -> impl IntoView {
    let t = &all.logbook;
    let named = |who: &str| match who.strip_prefix("user:").and_then(|id| names.get(id)) {
        Some(n) => n.clone(),
        None => who.to_string(),
    };
    let outcome = match r.outcome.as_str() {
        "success" => t.success,
        "failure" => t.failure,
        "denied" => t.denied,
        _ => "",
    };
    let what = all.actions.words(&r.action).to_string();
    view! {
        <tr>
            <td data-label=t.time>{local_time(r.at_unix)}</td>
            <td data-label=t.who>{named(&r.actor)}</td>
            <td data-label=t.what>
                {what} " " <code class="tech">{r.action.clone()}</code>
                {(r.repeats > 1).then(|| view! { " " <span class="badge">{format!("× {}", r.repeats)}</span> })}
            </td>
            <td data-label=t.on>{named(&r.target)}</td>
            <td data-label=t.outcome>{outcome} " " <code class="tech">{r.outcome.clone()}</code></td>
            <td data-label=t.ip>{r.ip}</td>
        </tr>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use crate::i18n::{texts, Lang};

    #[test]
    fn every_event_type_has_words_in_both_languages() {
        for a in crate::core::logbook::Action::ALL {
            let name = a.as_str();
            let (sv, en) = (texts(Lang::Sv).actions.words(name), texts(Lang::En).actions.words(name));
            assert_ne!(en, name, "no English words for {name}");
            assert_ne!(sv, name, "no Swedish words for {name}");
            assert_ne!(sv, en, "{name} is not translated");
        }
    }
}
