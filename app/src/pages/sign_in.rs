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
    i18n::{use_texts, words, Lang},
};

/// E-mail and password. A wrong password, an unknown e-mail and a disabled account all read
/// "E-mail or password is wrong"; throttling says how long to wait.
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let signed_out = query.with_untracked(|q| q.get("signed_out").is_some());
    let next = safe_next(query.with_untracked(|q| q.get("next")));
    let t = use_texts();
    let lang = crate::i18n::use_lang();
    view! {
        <Title text=t.words.sign_in />
        <h1>{t.words.sign_in}</h1>
        {signed_out.then(|| view! { <p class="done" role="status">{t.sign_in.signed_out}</p> })}
        <Notice />
        <SignInForm next lang />
        <p class="hint">{t.sign_in.forgot}</p>
    }
}

/// The form; an island because it answers in place (an error stays next to the fields) and
/// then loads the page the person came for. Without a script it posts as it is.
#[island]
pub fn SignInForm(next: String, lang: Lang) -> impl IntoView {
    let w = words(lang);
    let email = NodeRef::<html::Input>::new();
    let password = NodeRef::<html::Input>::new();
    let outcome = Outcome::new(lang);
    let after = next.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let after = after.clone();
        outcome.run(sign_in(value_of(&email), value_of(&password), None), move |_| {
            reload_to(&after);
            Some(w.signed_in.into())
        });
    };
    view! {
        <form class="card form" method="post" action=SignIn::url() on:submit=on_submit>
            <input type="hidden" name="next" value=next />
            <label for="email">{w.email}</label>
            <input id="email" name="email" type="email" autocomplete="username" required maxlength="254"
                node_ref=email />
            <label for="password">{w.password}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required
                maxlength="128" node_ref=password />
            <button type="submit" class="button" disabled=move || outcome.busy.get()>{w.sign_in}</button>
            <OutcomeText outcome id="sign-in-result" />
        </form>
    }
}
