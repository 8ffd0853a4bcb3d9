use leptos::{html, prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::auth::{sign_in, SignIn},
    components::{
        auth::{reload_to, safe_next},
        form::{value_of, Outcome, OutcomeText},
    },
};

/// E-mail and password. A wrong password, an unknown e-mail and a disabled account all read
/// "E-mail or password is wrong"; throttling says how long to wait.
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let email = NodeRef::<html::Input>::new();
    let password = NodeRef::<html::Input>::new();
    let outcome = Outcome::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let next = safe_next(query.with_untracked(|q| q.get("next")));
        outcome.run(sign_in(value_of(&email), value_of(&password)), move |_| {
            reload_to(&next);
            Some("Signed in.".into())
        });
    };
    view! {
        <Title text="Sign in" />
        <h1>"Sign in"</h1>
        {move || query.with(|q| q.get("signed_out").is_some()).then(|| view! {
            <p class="done" role="status">"You are signed out."</p>
        })}
        <form class="card form" method="post" action=SignIn::url() on:submit=on_submit>
            <label for="email">"E-mail"</label>
            <input id="email" name="email" type="email" autocomplete="username" required maxlength="254"
                node_ref=email />
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required
                maxlength="128" node_ref=password />
            <button type="submit" class="button" disabled=move || outcome.busy.get()>"Sign in"</button>
            <OutcomeText outcome id="sign-in-result" />
        </form>
        <p class="hint">"Forgot your password, or new here? Your HR administrator gives you a one-time link to set it."</p>
    }
}
