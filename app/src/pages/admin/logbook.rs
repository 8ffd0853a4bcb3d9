use std::collections::HashMap;

use leptos::{html, prelude::*};
use leptos_meta::Title;

use crate::{
    api::admin::{logbook_choices, logbook_csv, logbook_entries, LogChoices, LogRow},
    components::{
        auth::Gate,
        form::{selected, value_of, Outcome, OutcomeText},
    },
    model::{auth::Role, format::iso_datetime_utc},
};

#[component]
pub fn LogbookPage() -> impl IntoView {
    view! {
        <Title text="Logbook" />
        <Gate role=Role::Admin>
            <Logbook />
        </Gate>
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Filter {
    from: String,
    to: String,
    user: String,
    action: String,
}

#[component]
fn Logbook() -> impl IntoView {
    let filter = RwSignal::new(Filter::default());
    let page = RwSignal::new(0u32);
    let entries =
        Resource::new(move || (filter.get(), page.get()), |(f, p)| logbook_entries(f.from, f.to, f.action, f.user, p));
    // Names for the ids the logbook holds: shown here, never stored there.
    let choices = Resource::new(|| (), |_| logbook_choices());
    let names = move || -> HashMap<String, String> {
        choices.get().and_then(Result::ok).map(|c| c.users.into_iter().collect()).unwrap_or_default()
    };
    let (from, to) = (NodeRef::<html::Input>::new(), NodeRef::<html::Input>::new());
    let (user, action) = (NodeRef::<html::Select>::new(), NodeRef::<html::Select>::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        filter.set(Filter {
            from: value_of(&from),
            to: value_of(&to),
            user: selected(&user),
            action: selected(&action),
        });
        page.set(0);
    };
    let export = Outcome::new();
    let csv_href = RwSignal::new(None::<String>);
    let on_export = move |_| {
        let f = filter.get_untracked();
        csv_href.set(None);
        export.run(logbook_csv(f.from, f.to, f.action, f.user), move |csv| {
            let lines = csv.lines().count().saturating_sub(1);
            if let Some(old) = csv_href.get_untracked() {
                release_download(&old);
            }
            csv_href.set(download_url(&csv));
            Some(format!("{lines} events ready."))
        });
    };
    view! {
        <h1>"Logbook"</h1>
        <p class="lead">"Who did what, and when. It never holds the data itself."</p>
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || choices.get().map(|r| r.map(|c| view! { <Filters c from to user action on_submit /> }))}
        </Suspense>
        <section class="card" aria-labelledby="events-title">
            <h2 id="events-title">"Events, newest first"</h2>
            <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || entries.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(p) if p.rows.is_empty() => view! { <p id="log-empty">"No events match."</p> }.into_any(),
                    Ok(p) => {
                        let names = names();
                        let has_more = p.has_more;
                        view! {
                            <table class="log" id="log-table">
                                <thead><tr>
                                    <th scope="col">"Time (UTC)"</th><th scope="col">"Who"</th>
                                    <th scope="col">"What"</th><th scope="col">"On"</th>
                                    <th scope="col">"Outcome"</th><th scope="col">"IP"</th>
                                </tr></thead>
                                <tbody>{p.rows.into_iter().map(|r| row(r, &names)).collect_view()}</tbody>
                            </table>
                            <div class="pager">
                                <button type="button" class="button secondary" id="log-newer"
                                    disabled=move || page.get() == 0
                                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Newer"</button>
                                <span>"Page " {move || page.get() + 1}</span>
                                <button type="button" class="button secondary" id="log-older"
                                    disabled=!has_more on:click=move |_| page.update(|p| *p += 1)>"Older"</button>
                            </div>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
        <section class="card" aria-labelledby="export-title">
            <h2 id="export-title">"Export"</h2>
            <p class="hint">"Exports every event the filter above matches, as CSV. The export itself is logged."</p>
            <button type="button" class="button secondary" id="log-export" on:click=on_export
                disabled=move || export.busy.get()>"Prepare CSV"</button>
            <OutcomeText outcome=export />
            {move || csv_href.get().map(|href| view! {
                <p><a id="log-download" href=href download="samtal-logbook.csv">"Download samtal-logbook.csv"</a></p>
            })}
        </section>
    }
}

/// The filter form. Rendered once (its resource never refetches), so what was typed stays. Dates
/// are typed as ISO 8601 text: a date input would show the browser's locale (mm/dd/yyyy in en-US).
#[component]
fn Filters(
    c: LogChoices,
    from: NodeRef<html::Input>,
    to: NodeRef<html::Input>,
    user: NodeRef<html::Select>,
    action: NodeRef<html::Select>,
    on_submit: impl Fn(leptos::ev::SubmitEvent) + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <form class="card form filters" on:submit=on_submit aria-label="Filter the logbook">
            <div class="field-pair">
                <div>
                    <label for="log-from">"From (YYYY-MM-DD, UTC)"</label>
                    <input id="log-from" type="text" inputmode="numeric" placeholder="2026-01-31" maxlength="10"
                        pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" autocomplete="off" node_ref=from />
                </div>
                <div>
                    <label for="log-to">"To (YYYY-MM-DD, UTC)"</label>
                    <input id="log-to" type="text" inputmode="numeric" placeholder="2026-12-31" maxlength="10"
                        pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" autocomplete="off" node_ref=to />
                </div>
            </div>
            <label for="log-user">"Who"</label>
            <select id="log-user" node_ref=user>
                <option value="">"Anyone"</option>
                {c.users.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
            </select>
            <label for="log-action">"What"</label>
            <select id="log-action" node_ref=action>
                <option value="">"Any action"</option>
                {c.actions.into_iter().map(|a| view! { <option value=a.clone()>{a.clone()}</option> }).collect_view()}
            </select>
            <button type="submit" class="button" id="log-apply">"Show"</button>
        </form>
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
            <td data-label="Time">{iso_datetime_utc(r.at_unix)}</td>
            <td data-label="Who">{named(&r.actor)}</td>
            <td data-label="What">
                {r.action}
                {(r.repeats > 1).then(|| view! { " " <span class="badge">{format!("× {}", r.repeats)}</span> })}
            </td>
            <td data-label="On">{named(&r.target)}</td>
            <td data-label="Outcome">{r.outcome}</td>
            <td data-label="IP">{r.ip}</td>
        </tr>
    }
}
