use leptos::{html, prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

use crate::{
    api::auth::{change_password, my_sessions, ChangePassword as ChangePasswordFn, RevokeSession, SessionView},
    components::time::local_time,
    components::{
        auth::Gate,
        form::{new_password, value_of, NewPasswordFields, Outcome, OutcomeText},
        notice::Notice,
    },
};

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Your account" />
        <Gate>
            <h1>"Your account"</h1>
            <Notice />
            <ChangePassword />
            // Loaded on the server while the page renders: no resource, nothing for the
            // browser to fetch again.
            <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
                {Suspend::new(async move {
                    match my_sessions().await {
                        Ok(list) => view! { <Sessions list /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </Gate>
    }
}

/// An island: it compares the two new passwords and answers in place. Without a script the
/// form posts as it is and the server compares them.
#[island]
pub fn ChangePassword() -> impl IntoView {
    let current = NodeRef::<html::Input>::new();
    let new = NodeRef::<html::Input>::new();
    let repeat = NodeRef::<html::Input>::new();
    let outcome = Outcome::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(n) = new_password(&new, &repeat, outcome) else { return };
        outcome.run(change_password(value_of(&current), n, None), |()| {
            Some("Password changed. Your other sessions are signed out.".into())
        });
    };
    view! {
        <section class="card" aria-labelledby="change-password-title">
            <h2 id="change-password-title">"Change password"</h2>
            <form class="form" method="post" action=ChangePasswordFn::url() on:submit=on_submit>
                <label for="current-password">"Current password"</label>
                <input id="current-password" name="current" type="password" autocomplete="current-password" required
                    maxlength="128" node_ref=current />
                <NewPasswordFields new repeat name="new_password" />
                <button type="submit" class="button" disabled=move || outcome.busy.get()>"Change password"</button>
                <OutcomeText outcome id="change-password-result" />
            </form>
        </section>
    }
}

/// Where this person is signed in, with a way to end any other session: plain forms, which
/// need no script; the server answers each with this page again.
#[component]
fn Sessions(list: Vec<SessionView>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">"Where you are signed in"</h2>
            <ul class="rows" id="sessions">
                {list.into_iter().map(|s| view! {
                    <li class="row">
                        <span class="row-main">
                            <strong>{s.device}</strong>
                            {s.current.then_some(" (this device)")}
                        </span>
                        <span class="row-meta">
                            "Signed in " {local_time(s.started_unix)}
                            ", last active " {local_time(s.last_seen_unix)}
                            {s.ip.map(|ip| format!(", from {ip}"))}
                        </span>
                        {(!s.current).then(|| view! {
                            <form method="post" action=RevokeSession::url()>
                                <input type="hidden" name="handle" value=s.handle />
                                <button type="submit" class="button secondary">"Sign out"</button>
                            </form>
                        })}
                    </li>
                }).collect_view()}
            </ul>
            <form method="post" action=RevokeSession::url()>
                <input type="hidden" name="all_others" value="true" />
                <button type="submit" class="button secondary" id="sign-out-others">"Sign out all other sessions"</button>
            </form>
        </section>
    }
}
