use leptos::{html, prelude::*};
use leptos_meta::Title;

use crate::{
    api::auth::set_password,
    components::form::{new_password, NewPasswordFields, Outcome, OutcomeText},
    model::auth::token_from_fragment,
};

/// Sets a password from a one-time link. The token is in the link's fragment, which only the
/// browser sees; it is read after hydration and posted with the new password.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let token = RwSignal::new(None::<String>);
    let hydrated = RwSignal::new(false);
    Effect::new(move || {
        let hash = window().location().hash().unwrap_or_default();
        token.set(token_from_fragment(&hash).map(str::to_string));
        hydrated.set(true);
    });
    let new = NodeRef::<html::Input>::new();
    let repeat = NodeRef::<html::Input>::new();
    let outcome = Outcome::new();
    let saved = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(p) = new_password(&new, &repeat, outcome) else { return };
        let Some(t) = token.get_untracked() else { return };
        outcome.run(set_password(t, p), move |()| {
            saved.set(true);
            None
        });
    };
    view! {
        <Title text="Set your password" />
        <h1>"Set your password"</h1>
        {move || match (hydrated.get(), token.get().is_some(), saved.get()) {
            (_, _, true) => view! {
                <p class="done" role="status" id="password-saved">
                    "Your password is set. " <a href="/sign-in">"Sign in"</a>
                </p>
            }.into_any(),
            (false, _, _) => view! { <p role="status">"Loading…"</p> }.into_any(),
            (true, false, _) => view! {
                <p class="error" role="alert">{crate::error::AppError::BadLink.to_string()}</p>
            }.into_any(),
            (true, true, false) => view! {
                <form class="card form" on:submit=on_submit>
                    <p class="hint">"At least 12 characters (your organisation may ask for more). A few words you will remember work well; no other rules."</p>
                    <NewPasswordFields new repeat />
                    <button type="submit" class="button" id="set-password-submit" disabled=move || outcome.busy.get()>"Set password"</button>
                    <OutcomeText outcome id="set-password-result" />
                </form>
            }.into_any(),
        }}
    }
}
