use leptos::prelude::*;
use leptos_meta::Title;

use crate::{components::auth::use_frame, model::auth::Role};

/// The start page: for a signed-in person, where to go next for their role; for anyone else,
/// what Samtal is and the way in. It says only what is built.
#[component]
pub fn HomePage() -> impl IntoView {
    match use_frame().me {
        Some(me) => view! {
            <Title text="Start" />
            <h1>"Hello, " {me.display_name.clone()}</h1>
            <ul class="start-links" aria-label="Where to go">
                <li><a class="card start-link" href="/account">
                    <strong>"Your account"</strong>
                    <span>"Password and where you are signed in."</span>
                </a></li>
                {(me.role == Role::Admin).then(|| view! {
                    <li><a class="card start-link" href="/admin/users">
                        <strong>"Users"</strong>
                        <span>"Invite people, change roles, hand out one-time links."</span>
                    </a></li>
                    <li><a class="card start-link" href="/admin/logbook">
                        <strong>"Logbook"</strong>
                        <span>"Who did what, and when."</span>
                    </a></li>
                })}
            </ul>
        }
        .into_any(),
        None => view! {
            <Title text="" />
            <section class="hero" aria-labelledby="hero-title">
                <h1 id="hero-title">"Salary talks your people can trust"</h1>
                <p class="lead">"Samtal is where your organisation prepares salary talks and salary reviews."</p>
                <p><a class="button" id="start-sign-in" href="/sign-in">"Sign in"</a></p>
            </section>
            <section class="card" aria-labelledby="promises-title">
                <h2 id="promises-title">"How Samtal treats your data today"</h2>
                <ul class="promises">
                    <li>"Each organisation has a database of its own."</li>
                    <li>"Passwords are hashed with Argon2id and sign-in is throttled."</li>
                    <li>"A tamper-evident logbook records who did what and when, never the data itself."</li>
                </ul>
            </section>
        }
        .into_any(),
    }
}
