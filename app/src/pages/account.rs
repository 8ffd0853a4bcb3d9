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
    i18n::{use_lang, use_texts, words, Lang},
};

#[component]
pub fn AccountPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    view! {
        <Title text=t.account.title />
        <Gate>
            <h1>{t.account.title}</h1>
            <Notice />
            <ChangePassword lang />
            // Loaded on the server while the page renders: no resource, nothing for the
            // browser to fetch again.
            <Suspense fallback=|| view! { <p role="status">{use_texts().frame.loading}</p> }>
                {Suspend::new(async move {
                    match my_sessions().await {
                        Ok(list) => view! { <Sessions list /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <MyData lang />
        </Gate>
    }
}

/// One's own data (GDPR Art. 15 and 20): a file to take along, or a page to read and print.
#[component]
fn MyData(lang: Lang) -> impl IntoView {
    let g = use_texts().gdpr;
    view! {
        <section class="card" aria-labelledby="my-data-title">
            <h2 id="my-data-title">{g.my_data}</h2>
            <p>{g.my_data_text}</p>
            <form method="post" action=crate::api::gdpr::MyData::url() class="actions" id="my-data">
                <input type="hidden" name="lang" value=lang.code() />
                <button type="submit" class="button secondary" name="format" value="json" id="my-data-json">{g.download_json}</button>
                <button type="submit" class="button secondary" name="format" value="html" id="my-data-html">{g.view_print}</button>
            </form>
        </section>
    }
}

/// An island: it compares the two new passwords and answers in place. Without a script the
/// form posts as it is and the server compares them.
#[island]
pub fn ChangePassword(lang: Lang) -> impl IntoView {
    let w = words(lang);
    let current = NodeRef::<html::Input>::new();
    let new = NodeRef::<html::Input>::new();
    let repeat = NodeRef::<html::Input>::new();
    let outcome = Outcome::new(lang);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(n) = new_password(&new, &repeat, outcome) else { return };
        outcome.run(change_password(value_of(&current), n, None), |()| Some(w.password_changed.into()));
    };
    view! {
        <section class="card" aria-labelledby="change-password-title">
            <h2 id="change-password-title">{w.change_password}</h2>
            <form class="form" method="post" action=ChangePasswordFn::url() on:submit=on_submit>
                <label for="current-password">{w.current_password}</label>
                <input id="current-password" name="current" type="password" autocomplete="current-password" required
                    maxlength="128" node_ref=current />
                <NewPasswordFields new repeat name="new_password" lang />
                <button type="submit" class="button" disabled=move || outcome.busy.get()>{w.change_password}</button>
                <OutcomeText outcome id="change-password-result" />
            </form>
        </section>
    }
}

/// Where this person is signed in, with a way to end any other session: plain forms, which
/// need no script; the server answers each with this page again.
#[component]
fn Sessions(list: Vec<SessionView>) -> impl IntoView {
    let t = &use_texts().account;
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{t.sessions_title}</h2>
            <ul class="rows" id="sessions">
                {list.into_iter().map(|s| view! {
                    <li class="row">
                        <span class="row-main">
                            <strong>{s.device}</strong>
                            {s.current.then_some(t.this_device)}
                        </span>
                        <span class="row-meta">
                            {(t.session_times)(&local_time(s.started_unix), &local_time(s.last_seen_unix))}
                            {s.ip.map(|ip| (t.from_ip)(&ip))}
                        </span>
                        {(!s.current).then(|| view! {
                            <form method="post" action=RevokeSession::url()>
                                <input type="hidden" name="handle" value=s.handle />
                                <button type="submit" class="button secondary">{t.end_session}</button>
                            </form>
                        })}
                    </li>
                }).collect_view()}
            </ul>
            <form method="post" action=RevokeSession::url()>
                <input type="hidden" name="all_others" value="true" />
                <button type="submit" class="button secondary" id="sign-out-others">{t.end_other_sessions}</button>
            </form>
        </section>
    }
}
