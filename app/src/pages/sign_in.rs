use leptos::{html, prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::auth::{sign_in, SignIn},
    components::{
        auth::{reload_to, safe_next},
        form::{value_of, Outcome, OutcomeText},
        notice::Notice,
    },
};

/// E-mail and password. A wrong password, an unknown e-mail and a disabled account all read
/// "E-mail or password is wrong"; throttling says how long to wait.
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let signed_out = query.with_untracked(|q| q.get("signed_out").is_some());
    let next = safe_next(query.with_untracked(|q| q.get("next")));
    view! {
        <Title text="Sign in" />
        <h1>"Sign in"</h1>
        {signed_out.then(|| view! { <p class="done" role="status">"You are signed out."</p> })}
        <Notice />
        <SignInForm next />
        <p class="hint">"Forgot your password, or new here? Your HR administrator gives you a one-time link to set it."</p>
    }
}

/// The form; an island because it answers in place (an error stays next to the fields) and
/// then loads the page the person came for. Without a script it posts as it is.
#[island]
pub fn SignInForm(next: String) -> impl IntoView {
    let email = NodeRef::<html::Input>::new();
    let password = NodeRef::<html::Input>::new();
    let outcome = Outcome::new();
    let after = next.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let after = after.clone();
        outcome.run(sign_in(value_of(&email), value_of(&password), None), move |_| {
            reload_to(&after);
            Some("Signed in.".into())
        });
    };
    view! {
        <form class="card form" method="post" action=SignIn::url() on:submit=on_submit>
            <input type="hidden" name="next" value=next />
            <label for="email">"E-mail"</label>
            <input id="email" name="email" type="email" autocomplete="username" required maxlength="254"
                node_ref=email />
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required
                maxlength="128" node_ref=password />
            <button type="submit" class="button" disabled=move || outcome.busy.get()>"Sign in"</button>
            <OutcomeText outcome id="sign-in-result" />
        </form>
    }
}
