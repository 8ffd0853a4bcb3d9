use leptos::{html, prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

use crate::{
    api::auth::{set_password, SetPassword},
    components::{
        form::{new_password, value_of, NewPasswordFields, Outcome, OutcomeText},
        notice::Notice,
    },
    i18n::{use_lang, use_texts, words, Lang},
    model::auth::token_from_fragment,
};

/// Sets a password from a one-time link. The token is in the link's fragment, which only the
/// browser sees (never a server log): the form island reads it and posts it with the password.
/// Without a script nothing can read the fragment, so the form asks for the code instead.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    view! {
        <Title text=t.sign_in.set_password_title />
        <h1>{t.sign_in.set_password_title}</h1>
        <Notice />
        <SetPasswordForm lang />
    }
}

#[island]
pub fn SetPasswordForm(lang: Lang) -> impl IntoView {
    let w = words(lang);
    let token = RwSignal::new(None::<String>);
    Effect::new(move || {
        let hash = window().location().hash().unwrap_or_default();
        token.set(token_from_fragment(&hash).map(str::to_string));
    });
    let code = NodeRef::<html::Input>::new();
    let new = NodeRef::<html::Input>::new();
    let repeat = NodeRef::<html::Input>::new();
    let outcome = Outcome::new(lang);
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
                    {w.password_is_set} " " <a href="/sign-in">{w.sign_in}</a>
                </p>
            }.into_any()
        } else {
            view! {
                <form class="card form" method="post" action=SetPassword::url() on:submit=on_submit>
                    {move || match token.get() {
                        Some(t) => view! { <input type="hidden" name="token" value=t /> }.into_any(),
                        None => view! {
                            <label for="token">{w.one_time_code}</label>
                            <p class="hint" id="token-hint">{w.one_time_code_hint}</p>
                            <input id="token" name="token" type="text" required maxlength="100" autocomplete="off"
                                aria-describedby="token-hint" node_ref=code />
                        }.into_any(),
                    }}
                    <p class="hint">{w.password_hint}</p>
                    <NewPasswordFields new repeat name="password" lang />
                    <button type="submit" class="button" id="set-password-submit" disabled=move || outcome.busy.get()>{w.set_password}</button>
                    <OutcomeText outcome id="set-password-result" />
                </form>
            }.into_any()
        }}
    }
}
