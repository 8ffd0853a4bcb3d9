//! Small helpers the forms share. Every form posts to its server function's URL with fields
//! named as its arguments, so it works before its island has hydrated and without any script:
//! the server function then answers with a redirect (`api::answer_form`). Never a GET that
//! would put a password in the URL.
use leptos::{html, prelude::*};

use crate::{
    error::{AppError, Problem},
    i18n::{words, Lang},
};

/// The current text of an input.
pub fn value_of(input: &NodeRef<html::Input>) -> String {
    input.get().map(|i| i.value()).unwrap_or_default()
}

/// The selected value of a `<select>`.
pub fn selected(select: &NodeRef<html::Select>) -> String {
    select.get().map(|s| s.value()).unwrap_or_default()
}

/// Where a form's outcome is said: errors are announced at once, successes politely.
#[derive(Clone, Copy)]
pub struct Outcome {
    /// The page's language: errors are said in it.
    pub lang: Lang,
    pub busy: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
    pub done: RwSignal<Option<String>>,
}

impl Outcome {
    pub fn new(lang: Lang) -> Self {
        Self { lang, busy: RwSignal::new(false), error: RwSignal::new(None), done: RwSignal::new(None) }
    }

    /// Runs `call` in the background, shows its error or `ok`'s message.
    pub fn run<T: 'static, F>(self, call: F, ok: impl FnOnce(T) -> Option<String> + 'static)
    where
        F: std::future::Future<Output = Result<T, AppError>> + 'static,
    {
        self.busy.set(true);
        self.error.set(None);
        self.done.set(None);
        leptos::task::spawn_local(async move {
            match call.await {
                Ok(v) => self.done.set(ok(v)),
                Err(e) => self.error.set(Some(e.message(self.lang))),
            }
            self.busy.set(false);
        });
    }
}

/// The message line under a form.
#[component]
pub fn OutcomeText(outcome: Outcome, #[prop(optional)] id: &'static str) -> impl IntoView {
    view! {
        <p class="outcome" id=id aria-live="polite">
            {move || outcome.error.get().map(|e| view! { <span class="error" role="alert">{e}</span> })}
            {move || outcome.done.get().map(|d| view! { <span class="done">{d}</span> })}
        </p>
    }
}

/// The new password, twice: labelled, and marked for password managers to fill and remember.
/// `name` is the server function's argument the first field posts as; the second posts as
/// `repeat`, which the server compares when no script did.
#[component]
pub fn NewPasswordFields(
    new: NodeRef<html::Input>,
    repeat: NodeRef<html::Input>,
    name: &'static str,
    lang: Lang,
) -> impl IntoView {
    let w = words(lang);
    view! {
        <label for="new-password">{w.new_password}</label>
        <input id="new-password" name=name type="password" autocomplete="new-password" required maxlength="128"
            node_ref=new />
        <label for="repeat-password">{w.repeat_password}</label>
        <input id="repeat-password" name="repeat" type="password" autocomplete="new-password" required
            maxlength="128" node_ref=repeat />
    }
}

/// The new password when both fields agree; otherwise the form says so and nothing is sent.
pub fn new_password(new: &NodeRef<html::Input>, repeat: &NodeRef<html::Input>, outcome: Outcome) -> Option<String> {
    let (n, r) = (value_of(new), value_of(repeat));
    if n != r {
        outcome.error.set(Some(AppError::Invalid(Problem::PasswordsDiffer).message(outcome.lang)));
        return None;
    }
    Some(n)
}
