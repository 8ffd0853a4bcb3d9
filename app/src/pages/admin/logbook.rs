use std::collections::HashMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::admin::{logbook_choices, logbook_csv, logbook_entries, LogChoices, LogRow},
    components::{auth::use_frame, time::local_time},
    components::{
        auth::Gate,
        form::{Outcome, OutcomeText},
    },
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
/// without any script; only the CSV download is an island.
#[component]
pub fn LogbookPage() -> impl IntoView {
    view! {
        <Title text="Logbook" />
        <Gate role=Role::Admin>
            <h1>"Logbook"</h1>
            <p class="lead">"Who did what, and when. It never holds the data itself."</p>
            <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
                {Suspend::new(async move {
                    let (filter, page) = Filter::from_address();
                    let f = filter.clone();
                    let entries = logbook_entries(f.from, f.to, f.action, f.user, page);
                    match (logbook_choices().await, entries.await) {
                        (Ok(choices), entries) => view! { <Logbook choices entries filter page /> }.into_any(),
                        (Err(e), _) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
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
    view! {
        <Filters c=choices filter=f />
        <section class="card" aria-labelledby="events-title">
            <h2 id="events-title">"Events, newest first"</h2>
            {match entries {
                Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                Ok(p) if p.rows.is_empty() => view! { <p id="log-empty">"No events match."</p> }.into_any(),
                Ok(p) => {
                    let newer = (page > 0).then(|| filter.query(page - 1));
                    let older = p.has_more.then(|| filter.query(page + 1));
                    view! {
                        <table class="log" id="log-table">
                            <thead><tr>
                                <th scope="col">{format!("Time ({})", use_frame().time_zone)}</th><th scope="col">"Who"</th>
                                <th scope="col">"What"</th><th scope="col">"On"</th>
                                <th scope="col">"Outcome"</th><th scope="col">"IP"</th>
                            </tr></thead>
                            <tbody>{p.rows.into_iter().map(|r| row(r, &names)).collect_view()}</tbody>
                        </table>
                        <nav class="pager" aria-label="Pages">
                            {newer.map(|href| view! { <a class="button secondary" id="log-newer" href=href>"Newer"</a> })}
                            <span>"Page " {page + 1}</span>
                            {older.map(|href| view! { <a class="button secondary" id="log-older" href=href>"Older"</a> })}
                        </nav>
                    }.into_any()
                }
            }}
        </section>
        <section class="card" aria-labelledby="export-title">
            <h2 id="export-title">"Export"</h2>
            <p class="hint">"Exports every event the filter above matches, as CSV. The export itself is logged."</p>
            <noscript><p class="hint">"The export needs JavaScript (the file is made in your browser); `samtal logbook export` makes it on the server."</p></noscript>
            <Export from=filter.from to=filter.to action=filter.action user=filter.user />
        </section>
    }
}

/// The filter form: a GET to this page, with what was chosen kept. Dates are typed as ISO 8601
/// text: a date input would show the browser's locale (mm/dd/yyyy in en-US).
#[component]
fn Filters(c: LogChoices, filter: Filter) -> impl IntoView {
    view! {
        <form class="card form filters" method="get" action="/admin/logbook" aria-label="Filter the logbook">
            <div class="field-pair">
                <div>
                    <label for="log-from">"From (YYYY-MM-DD, UTC)"</label>
                    <input id="log-from" name="from" type="text" inputmode="numeric" placeholder="2026-01-31" maxlength="10"
                        pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" autocomplete="off" value=filter.from />
                </div>
                <div>
                    <label for="log-to">"To (YYYY-MM-DD, UTC)"</label>
                    <input id="log-to" name="to" type="text" inputmode="numeric" placeholder="2026-12-31" maxlength="10"
                        pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" autocomplete="off" value=filter.to />
                </div>
            </div>
            <label for="log-user">"Who"</label>
            <select id="log-user" name="user">
                <option value="">"Anyone"</option>
                {c.users.into_iter().map(|(id, name)| {
                    let chosen = id == filter.user;
                    view! { <option value=id selected=chosen>{name}</option> }
                }).collect_view()}
            </select>
            <label for="log-action">"What"</label>
            <select id="log-action" name="action">
                <option value="">"Any action"</option>
                {c.actions.into_iter().map(|a| {
                    let chosen = a == filter.action;
                    view! { <option value=a.clone() selected=chosen>{action_words(&a)}</option> }
                }).collect_view()}
            </select>
            <button type="submit" class="button" id="log-apply">"Show"</button>
        </form>
    }
}

/// Prepares the CSV of what the filter matches and offers it as a download: an island, because
/// the file is made in the browser from the server function's answer.
#[island]
pub fn Export(from: String, to: String, action: String, user: String) -> impl IntoView {
    let export = Outcome::new();
    let csv_href = RwSignal::new(None::<String>);
    let filter = StoredValue::new((from, to, action, user));
    let ready = RwSignal::new(false);
    Effect::new(move || ready.set(true));
    let on_export = move |_| {
        let (from, to, action, user) = filter.get_value();
        csv_href.set(None);
        export.run(logbook_csv(from, to, action, user), move |csv| {
            let lines = csv.lines().count().saturating_sub(1);
            if let Some(old) = csv_href.get_untracked() {
                release_download(&old);
            }
            csv_href.set(download_url(&csv));
            Some(format!("{lines} events ready."))
        });
    };
    view! {
        <button type="button" class="button secondary" id="log-export" on:click=on_export
            disabled=move || !ready.get() || export.busy.get()>"Prepare CSV"</button>
        <OutcomeText outcome=export />
        {move || csv_href.get().map(|href| view! {
            <p><a id="log-download" href=href download="samtal-logbook.csv">"Download samtal-logbook.csv"</a></p>
        })}
    }
}

/// A `blob:` URL for the CSV: a `data:` URL would hit the browsers' 2 MB URL limit on a big
/// export. Released when replaced.
#[cfg(feature = "hydrate")]
fn download_url(csv: &str) -> Option<String> {
    use leptos::wasm_bindgen::JsValue;
    let parts = web_sys::js_sys::Array::of1(&JsValue::from_str(csv));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

#[cfg(feature = "hydrate")]
fn release_download(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}

// The server never renders a download link (it appears after a click).
#[cfg(not(feature = "hydrate"))]
fn download_url(_csv: &str) -> Option<String> {
    None
}

#[cfg(not(feature = "hydrate"))]
fn release_download(_url: &str) {}

fn row(r: LogRow, names: &HashMap<String, String>) -> impl IntoView {
    let named = |who: &str| match who.strip_prefix("user:").and_then(|id| names.get(id)) {
        Some(n) => n.clone(),
        None => who.to_string(),
    };
    view! {
        <tr>
            <td data-label="Time">{local_time(r.at_unix)}</td>
            <td data-label="Who">{named(&r.actor)}</td>
            <td data-label="What">
                {action_words(&r.action)} " " <code class="tech">{r.action.clone()}</code>
                {(r.repeats > 1).then(|| view! { " " <span class="badge">{format!("× {}", r.repeats)}</span> })}
            </td>
            <td data-label="On">{named(&r.target)}</td>
            <td data-label="Outcome">{r.outcome}</td>
            <td data-label="IP">{r.ip}</td>
        </tr>
    }
}

/// What an event type means, in words for an HR administrator; the technical name stays next
/// to it (and is what the filter and the export use).
fn action_words(action: &str) -> &str {
    match action {
        "tenant.created" => "Organisation created",
        "tenant.disabled" => "Organisation disabled",
        "tenant.enabled" => "Organisation enabled",
        "organisation.renamed" => "Organisation renamed",
        "organisation.password_policy.changed" => "Password rule changed",
        "auth.sign_in.succeeded" => "Signed in",
        "auth.sign_in.failed" => "Sign-in failed",
        "auth.signed_out" => "Signed out",
        "auth.sign_in.throttled" => "Sign-in refused: too many attempts",
        "auth.sign_in.busy" => "Sign-in refused: server busy",
        "auth.password.changed" => "Password changed",
        "auth.password.check_failed" => "Wrong current password",
        "auth.session.revoked" => "Signed out another session",
        "auth.session.evicted" => "Oldest session ended (too many)",
        "auth.sessions.ended_by_admin" => "Signed out everywhere by an admin",
        "auth.reset_link.issued" => "Reset link made",
        "auth.csrf.rejected" => "Request from another site refused",
        "auth.access.denied" => "Access refused",
        "user.created" => "Account created",
        "user.invited" => "Person invited",
        "user.role.changed" => "Role changed",
        "user.disabled" => "Account disabled",
        "user.enabled" => "Account enabled",
        "talk.note.viewed" => "Talk note read",
        "logbook.pruned" => "Old events removed (retention)",
        "logbook.exported" => "Logbook exported",
        other => other,
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn every_event_type_has_words() {
        for a in crate::core::logbook::Action::ALL {
            let name = a.as_str();
            assert_ne!(super::action_words(name), name, "no words for {name}");
        }
    }
}
