//! The note editor: a plain form (it saves without any script), which a small island turns into
//! autosave. Typing is saved a second after the last key; the state line says Saved, Saving,
//! Not saved or Offline. What is not yet saved is also kept in this browser's `localStorage`
//! (until the server has it, and cleared at sign-out by `Clear-Site-Data`), so a dropped
//! network, a closed tab or a reload loses nothing; it is sent when the network returns. Each
//! save names the version it replaces: a save over a newer one (another tab, another device)
//! writes nothing and says so, never overwrites silently.
//!
//! The form itself is server HTML passed to the island as children (not hydrated): the island
//! is the state line and the listeners, found by the fields' ids. That keeps it to a few
//! kilobytes of the one bundle every page loads.
use leptos::{prelude::*, server_fn::ServerFn};

use crate::api::talks::SaveNote;

/// The editor's words, sent with the page (the bundle carries none of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorWords {
    pub saved: String,
    pub saving: String,
    pub unsaved: String,
    pub offline: String,
    pub conflict: String,
    pub failed: String,
    pub stale: String,
    pub save: String,
}

/// The form, server-rendered; with a script the [`Autosave`] island saves it as one types.
#[component]
pub fn NoteEditor(
    talk_id: String,
    kind: String,
    version: i64,
    text: String,
    label: String,
    hint: String,
    words: EditorWords,
) -> impl IntoView {
    let field = format!("note-{kind}");
    let (version_id, label_for) = (format!("{field}-version"), field.clone());
    let save = words.save.clone();
    let (island_talk, island_kind) = (talk_id.clone(), kind.clone());
    // One string, one line per state, in `State`'s order: the island reads it without a
    // deserializer of its own.
    let stale = words.stale.clone();
    let stale_id = format!("{field}-stale");
    // One string prop, one line each: the talk, the kind, the version, then a word per state in
    // `State`'s order. The island reads it without a deserializer of its own.
    let spec = [&island_talk, &island_kind, &version.to_string()]
        .into_iter()
        .chain([&words.saved, &words.saving, &words.unsaved, &words.offline, &words.conflict, &words.failed])
        .map(|w| w.replace('\n', " "))
        .collect::<Vec<_>>()
        .join("\n");
    view! {
        <Autosave spec>
            <input type="hidden" name="talk_id" value=talk_id />
            <input type="hidden" name="kind" value=kind />
            <input type="hidden" name="version" id=version_id value=version.to_string() />
            <label for=label_for>{label}</label>
            <p class="hint">{hint}</p>
            <textarea id=field name="text" rows="8" maxlength=crate::model::talks::MAX_NOTE_CHARS>{text}</textarea>
            <button type="submit" class="button secondary">{save}</button>
            // A draft this device kept that someone else's save overtook: shown (its label from
            // `data-label`, by the style sheet), never sent.
            <p class="prose stale" id=stale_id data-label=stale hidden></p>
        </Autosave>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum State {
    Saved,
    Saving,
    Unsaved,
    Offline,
    Conflict,
    /// Refused for good (signed off meanwhile, too long, signed out): not retried.
    Failed,
}

/// The form itself, so its submit (and every key in its text box) reaches the handlers; the
/// fields inside are the server's HTML. No signals: the state line is written straight into the
/// page, which keeps the island small.
#[island]
fn Autosave(spec: String, children: Children) -> impl IntoView {
    let mut lines = spec.splitn(4, '\n');
    let (talk_id, kind) = (lines.next().unwrap_or_default().to_string(), lines.next().unwrap_or_default().to_string());
    let version: i64 = lines.next().and_then(|v| v.parse().ok()).unwrap_or_default();
    let words = lines.next().unwrap_or_default().to_string();
    let field = format!("note-{kind}");
    let status = format!("{field}-state");
    #[cfg(feature = "hydrate")]
    let (on_input, on_submit) = autosave::wire(std::rc::Rc::new(autosave::Editor {
        status: status.clone(),
        field,
        words,
        talk_id,
        kind,
        version: std::cell::Cell::new(version),
        state: std::cell::Cell::new(State::Saved),
        busy: std::cell::Cell::new(false),
        retry: std::cell::Cell::new(false),
        timer: std::cell::Cell::new(None),
    }));
    #[cfg(not(feature = "hydrate"))]
    let (on_input, on_submit) = {
        let _ = (talk_id, kind, version, words, field);
        (|_: leptos::ev::Event| {}, |_: leptos::ev::SubmitEvent| {})
    };
    view! {
        <form class="form note-editor" method="post" action=SaveNote::url() on:input=on_input on:submit=on_submit>
            {children()}
            <p role="status" class="save-state" id=status></p>
        </form>
    }
}

#[cfg(feature = "hydrate")]
mod autosave {
    use std::{cell::Cell, rc::Rc, time::Duration};

    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    use super::State;
    use crate::{
        api::talks::save_note,
        error::{AppError, Problem},
    };

    /// A second after the last key.
    const DEBOUNCE: Duration = Duration::from_millis(1000);
    /// How soon an unsent text is tried again while the server cannot be reached.
    const RETRY: Duration = Duration::from_secs(5);

    pub(super) struct Editor {
        pub status: String,
        pub field: String,
        /// One line per state, in `State`'s order.
        pub words: String,
        pub talk_id: String,
        pub kind: String,
        pub version: Cell<i64>,
        pub state: Cell<State>,
        /// A save is on its way; `retry`: a retry is set for later.
        pub busy: Cell<bool>,
        pub retry: Cell<bool>,
        pub timer: Cell<Option<TimeoutHandle>>,
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window().and_then(|w| w.local_storage().ok().flatten())
    }

    fn element<T: JsCast>(id: &str) -> Option<T> {
        web_sys::window()?.document()?.get_element_by_id(id)?.dyn_into().ok()
    }

    impl Editor {
        fn key(&self) -> String {
            format!("samtal:draft:{}:{}", self.talk_id, self.kind)
        }
        fn area(&self) -> Option<web_sys::HtmlTextAreaElement> {
            element(&self.field)
        }
        fn text(&self) -> String {
            self.area().map(|a| a.value()).unwrap_or_default()
        }
        /// Says the state, once per change (the line is a live region: a screen reader would
        /// otherwise hear "not saved yet" at every key).
        fn set(&self, s: State) {
            if self.state.replace(s) == s && s != State::Saved {
                return;
            }
            if let Some(p) = element::<web_sys::Element>(&self.status) {
                p.set_text_content(self.words.split('\n').nth(s as usize));
            }
        }
        /// Keeps the unsent text, with the version it was typed over.
        fn keep(&self) {
            if let Some(s) = storage() {
                let _ = s.set_item(&self.key(), &format!("{}\n{}", self.version.get(), self.text()));
            }
        }
        /// Forgets the kept draft once the server has `saved`, unless another tab has kept
        /// a different text since.
        fn forget(&self, saved: &str) {
            if let Some(s) = storage() {
                let kept = s.get_item(&self.key()).ok().flatten();
                if kept.as_deref().and_then(|k| k.split_once('\n')).is_none_or(|(_, text)| text == saved) {
                    let _ = s.remove_item(&self.key());
                }
            }
        }
        /// Puts a draft kept from an earlier visit back: into the box (and sends it) when it
        /// was typed over the version the server still has; otherwise beside the box, to copy
        /// from, kept apart so typing here does not overwrite it.
        fn restore(self: &Rc<Self>) {
            let Some(s) = storage() else { return };
            let old = format!("{}:old", self.key());
            if let Some((v, text)) = s
                .get_item(&self.key())
                .ok()
                .flatten()
                .and_then(|k| k.split_once('\n').map(|(v, t)| (v.to_string(), t.to_string())))
            {
                match self.area() {
                    Some(a) if v == self.version.get().to_string() => {
                        if a.value() != text {
                            a.set_value(&text);
                            send(self.clone());
                        }
                    }
                    _ => {
                        let _ = s.set_item(&old, &text);
                        let _ = s.remove_item(&self.key());
                    }
                }
            }
            if let (Some(text), Some(p)) =
                (s.get_item(&old).ok().flatten(), element::<web_sys::Element>(&format!("{}-stale", self.field)))
            {
                p.set_text_content(Some(&text));
                let _ = p.remove_attribute("hidden");
            }
        }
    }

    /// A second after the last change, the text is sent.
    fn later(e: &Rc<Editor>) {
        if let Some(h) = e.timer.take() {
            h.clear();
        }
        let again = e.clone();
        e.timer.set(set_timeout_with_handle(move || send(again), DEBOUNCE).ok());
    }

    /// Sends the text now, unless a save is on its way (its answer sends what changed meanwhile)
    /// or the editor has stopped (a conflict or a refusal: nothing is sent over it).
    fn send(e: Rc<Editor>) {
        if matches!(e.state.get(), State::Conflict | State::Failed) || e.busy.get() {
            return;
        }
        e.busy.set(true);
        let text = e.text();
        e.set(State::Saving);
        leptos::task::spawn_local(async move {
            let result = save_note(e.talk_id.clone(), e.kind.clone(), e.version.get(), text.clone()).await;
            e.busy.set(false);
            match result {
                Ok(version) => {
                    e.version.set(version);
                    if e.text() == text {
                        e.forget(&text);
                        e.set(State::Saved);
                    } else {
                        e.keep();
                        e.set(State::Unsaved);
                        later(&e);
                    }
                }
                Err(AppError::Invalid(Problem::SaveConflict)) => e.set(State::Conflict),
                Err(AppError::Unreachable | AppError::Internal | AppError::Busy { .. }) => {
                    e.set(State::Offline);
                    if !e.retry.replace(true) {
                        set_timeout(
                            move || {
                                e.retry.set(false);
                                send(e);
                            },
                            RETRY,
                        );
                    }
                }
                Err(_) => e.set(State::Failed),
            }
        });
    }

    /// The input and submit handlers, after putting back what an earlier visit left unsent.
    pub(super) fn wire(
        e: Rc<Editor>,
    ) -> (impl Fn(leptos::ev::Event) + Clone, impl Fn(leptos::ev::SubmitEvent) + Clone) {
        e.set(State::Saved);
        e.restore();
        let on_input = {
            let e = e.clone();
            move |_: leptos::ev::Event| {
                if !matches!(e.state.get(), State::Conflict | State::Failed) {
                    e.set(State::Unsaved);
                }
                e.keep();
                later(&e);
            }
        };
        let on_submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if let Some(h) = e.timer.take() {
                h.clear();
            }
            send(e.clone());
        };
        (on_input, on_submit)
    }
}
