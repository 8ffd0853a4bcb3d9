use leptos::prelude::*;
use leptos_meta::Title;

use crate::{api::system::CheckServer, model::format::iso_datetime_utc};

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="" />
        <section class="hero" aria-labelledby="hero-title">
            <h1 id="hero-title">"Salary talks your people can trust"</h1>
            <p class="lead">
                "Samtal runs talk rounds, salary reviews and the yearly pay-equity survey, and keeps "
                "what is said in them private."
            </p>
        </section>
        <section class="card" aria-labelledby="promises-title">
            <h2 id="promises-title">"How Samtal treats your data"</h2>
            <ul class="promises">
                <li>"Each organisation has a database of its own."</li>
                <li>"Talk notes are encrypted; a copy of the database alone cannot read them."</li>
                <li>"Passwords are hashed with Argon2id and sign-in is throttled."</li>
                <li>"A tamper-evident logbook records who did what and when, never the data itself."</li>
                <li>"One person's data can be exported or erased everywhere at once."</li>
            </ul>
        </section>
        <ServerCheck />
    }
}

/// A button that calls the `check_server` server function and shows its answer: the smallest
/// proof that the page is hydrated and can talk to the server.
#[component]
fn ServerCheck() -> impl IntoView {
    let check = ServerAction::<CheckServer>::new();
    let pending = check.pending();
    let value = check.value();
    view! {
        <section class="card" aria-labelledby="status-title">
            <h2 id="status-title">"System status"</h2>
            <button
                id="check-server"
                type="button"
                class="button"
                disabled=move || pending.get()
                on:click=move |_| {
                    check.dispatch(CheckServer {});
                }
            >
                "Check the server"
            </button>
            <p id="server-result" role="status" aria-live="polite">
                {move || match value.get() {
                    None if pending.get() => "Checking…".into_any(),
                    None => "Not checked yet.".into_any(),
                    Some(Ok(status)) => view! {
                        "Server " {status.version} " is up. Server time "
                        <span class="nowrap">{iso_datetime_utc(status.server_time_unix)}</span>
                        ", running for " {status.uptime_seconds} " s."
                    }
                    .into_any(),
                    Some(Err(e)) => view! { <span class="error">{e.to_string()}</span> }.into_any(),
                }}
            </p>
        </section>
    }
}
