use leptos::{html, prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

use crate::{
    api::auth::{set_password, SetPassword},
    components::{
        form::{new_password, value_of, NewPasswordFields, Outcome, OutcomeText},
        notice::Notice,
    },
    model::auth::token_from_fragment,
};

/// Sets a password from a one-time link. The token is in the link's fragment, which only the
/// browser sees (never a server log): the form island reads it and posts it with the password.
/// Without a script nothing can read the fragment, so the form asks for the code instead.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    view! {
        <Title text="Set your password" />
        <h1>"Set your password"</h1>
        <Notice />
        <SetPasswordForm />
    }
}

#[island]
pub fn SetPasswordForm() -> impl IntoView {
    let token = RwSignal::new(None::<String>);
    Effect::new(move || {
        let hash = window().location().hash().unwrap_or_default();
        token.set(token_from_fragment(&hash).map(str::to_string));
    });
    let code = NodeRef::<html::Input>::new();
    let new = NodeRef::<html::Input>::new();
    let repeat = NodeRef::<html::Input>::new();
    let outcome = Outcome::new();
    let saved = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(p) = new_password(&new, &repeat, outcome) else { return };
        let t = token.get_untracked().unwrap_or_else(|| value_of(&code).trim().to_string());
        outcome.run(set_password(t, p, None), move |()| {
            saved.set(true);
            None
        });
    };
    view! {
        {move || if saved.get() {
            view! {
                <p class="done" role="status" id="password-saved">
                    "Your password is set. " <a href="/sign-in">"Sign in"</a>
                </p>
            }.into_any()
        } else {
            view! {
                <form class="card form" method="post" action=SetPassword::url() on:submit=on_submit>
                    {move || match token.get() {
                        Some(t) => view! { <input type="hidden" name="token" value=t /> }.into_any(),
                        None => view! {
                            <label for="token">"One-time code"</label>
                            <p class="hint" id="token-hint">"The part of your link after “#token=”."</p>
                            <input id="token" name="token" type="text" required maxlength="100" autocomplete="off"
                                aria-describedby="token-hint" node_ref=code />
                        }.into_any(),
                    }}
                    <p class="hint">"At least 12 characters (your organisation may ask for more). A few words you will remember work well; no other rules."</p>
                    <NewPasswordFields new repeat name="password" />
                    <button type="submit" class="button" id="set-password-submit" disabled=move || outcome.busy.get()>"Set password"</button>
                    <OutcomeText outcome id="set-password-result" />
                </form>
            }.into_any()
        }}
    }
}
