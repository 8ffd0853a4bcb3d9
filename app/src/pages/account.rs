use leptos::{html, prelude::*};
use leptos_meta::Title;

use crate::{
    api::auth::{change_password, my_sessions, revoke_session},
    components::{
        auth::Gate,
        form::{new_password, value_of, NewPasswordFields, Outcome, OutcomeText},
    },
    model::format::iso_datetime_utc,
};

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Your account" />
        <Gate>
            <h1>"Your account"</h1>
            <ChangePassword />
            <Sessions />
        </Gate>
    }
}

#[component]
fn ChangePassword() -> impl IntoView {
    let current = NodeRef::<html::Input>::new();
    let new = NodeRef::<html::Input>::new();
    let repeat = NodeRef::<html::Input>::new();
    let outcome = Outcome::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(n) = new_password(&new, &repeat, outcome) else { return };
        outcome.run(change_password(value_of(&current), n), |()| {
            Some("Password changed. Your other sessions are signed out.".into())
        });
    };
    view! {
        <section class="card" aria-labelledby="change-password-title">
            <h2 id="change-password-title">"Change password"</h2>
            <form class="form" on:submit=on_submit>
                <label for="current-password">"Current password"</label>
                <input id="current-password" type="password" autocomplete="current-password" required
                    maxlength="128" node_ref=current />
                <NewPasswordFields new repeat />
                <button type="submit" class="button" disabled=move || outcome.busy.get()>"Change password"</button>
                <OutcomeText outcome id="change-password-result" />
            </form>
        </section>
    }
}

/// Where this person is signed in, with a way to end any other session.
#[component]
fn Sessions() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let list = Resource::new(move || version.get(), |_| my_sessions());
    let outcome = Outcome::new();
    let revoke = move |handle: Option<String>| {
        let all = handle.is_none();
        outcome.run(revoke_session(handle, all), move |n| {
            version.update(|v| *v += 1);
            Some(format!("{n} session(s) signed out."))
        });
    };
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">"Where you are signed in"</h2>
            <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(sessions) => view! {
                        <ul class="rows" id="sessions">
                            {sessions.into_iter().map(|s| {
                                let handle = s.handle.clone();
                                view! {
                                    <li class="row">
                                        <span class="row-main">
                                            <strong>{s.device}</strong>
                                            {s.current.then_some(" (this device)")}
                                        </span>
                                        <span class="row-meta">
                                            "Signed in " {iso_datetime_utc(s.started_unix)}
                                            ", last active " {iso_datetime_utc(s.last_seen_unix)}
                                            {s.ip.map(|ip| format!(", from {ip}"))}
                                        </span>
                                        {(!s.current).then(|| view! {
                                            <button type="button" class="button secondary"
                                                on:click=move |_| revoke(Some(handle.clone()))>"Sign out"</button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
            <button type="button" class="button secondary" id="sign-out-others"
                disabled=move || outcome.busy.get() on:click=move |_| revoke(None)>
                "Sign out all other sessions"
            </button>
            <OutcomeText outcome />
        </section>
    }
}
