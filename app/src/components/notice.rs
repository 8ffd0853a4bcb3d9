//! What a plain form post did, shown on the page it redirected back to. The query holds codes
//! only (`?done=role`, `?error=throttled&wait=30`): a crafted link can pick one of these fixed
//! sentences, never make the page say words of its own.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    error::AppError,
    i18n::{texts, use_lang, DoneTexts},
};

/// The sentence for a `done` code.
pub fn done_text(code: &str, t: &'static DoneTexts) -> Option<&'static str> {
    Some(match code {
        "role" => t.role,
        "enabled" => t.enabled,
        "signed_out_everywhere" => t.signed_out_everywhere,
        "policy" => t.policy,
        "revoked" => t.revoked,
        "password" => t.password,
        "password_set" => t.password_set,
        "settings" => t.settings,
        "invited" => t.invited,
        "reset_link" => t.reset_link,
        "link_emailed" => t.link_emailed,
        "person_created" => t.person_created,
        "person_saved" => t.person_saved,
        "person_erased" => t.person_erased,
        "employment_saved" => t.employment_saved,
        "employment_deleted" => t.employment_deleted,
        "unit_created" => t.unit_created,
        "unit_saved" => t.unit_saved,
        "unit_deleted" => t.unit_deleted,
        "imported" => t.imported,
        "saved" => t.talk_saved,
        "ready" => t.talk_ready,
        "moved" => t.talk_moved,
        "scheduled" => t.talk_scheduled,
        "addendum" => t.talk_addendum,
        "created" => t.template_created,
        "deleted" => t.template_deleted,
        "rolled_out" => t.rolled_out,
        "reassigned" => t.reassigned,
        _ => return None,
    })
}

/// The outcome line at the top of a page, when the address carries one and the browser came
/// from one of our own pages (the redirect after our form): a link from elsewhere cannot make
/// a page claim that something happened.
#[component]
pub fn Notice() -> impl IntoView {
    if !came_from_our_site() {
        return ().into_any();
    }
    let q = use_query_map().get_untracked();
    let lang = use_lang();
    if let Some(text) = q.get("done").as_deref().and_then(|c| done_text(c, &texts(lang).done)) {
        return view! { <p class="done" role="status" id="notice">{text}</p> }.into_any();
    }
    let error =
        q.get("error").and_then(|code| AppError::from_query(&code, q.get("wait").as_deref(), q.get("why").as_deref()));
    match error {
        Some(e) => view! { <p class="error" role="alert" id="notice">{e.message(lang)}</p> }.into_any(),
        None => ().into_any(),
    }
}

/// `Sec-Fetch-Site` of this page's request: `same-origin` after our own form's redirect, `none`
/// or `cross-site` for a typed or e-mailed link. Browsers without Fetch Metadata send none.
fn came_from_our_site() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| p.headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).map(|v| v == "same-origin"))
            .unwrap_or(true)
    }
    #[cfg(not(feature = "ssr"))]
    {
        true
    }
}
