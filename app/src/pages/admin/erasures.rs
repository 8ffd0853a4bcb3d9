use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::gdpr::{erasure_detail, list_erasures, retention_status, ReceiptFile},
    components::{auth::use_frame, auth::Gate, notice::Notice, time::in_zone},
    i18n::{use_lang, use_texts, GdprTexts},
    model::{
        auth::Role,
        gdpr::{ErasureRow, ErasureView, RetentionView},
    },
};

fn by_words(g: &'static GdprTexts, by: &str) -> String {
    if by == "system" {
        g.by_system.to_string()
    } else {
        by.to_string()
    }
}

fn reason_words(g: &'static GdprTexts, reason: &str) -> &'static str {
    if reason == "retention" {
        g.by_retention
    } else {
        g.on_request
    }
}

/// The erasure ledger: each erasure's receipt id, time and who. Admins only.
#[component]
pub fn ErasuresPage() -> impl IntoView {
    let g = use_texts().gdpr;
    let lang = use_lang();
    view! {
        <Title text=g.erasures />
        <Gate role=Role::Admin>
            <h1>{g.erasures}</h1>
            <p>{g.erasures_intro}</p>
            <Suspense fallback=move || view! { <p role="status">{use_texts().frame.loading}</p> }>
                {Suspend::new(async move {
                    match (list_erasures().await, retention_status().await) {
                        (Ok(rows), Ok(retention)) => view! { <Erasures rows g /><Due retention g /> }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </Gate>
    }
}

#[component]
fn Erasures(rows: Vec<ErasureRow>, g: &'static GdprTexts) -> impl IntoView {
    let zone = use_frame().time_zone.clone();
    if rows.is_empty() {
        return view! { <p class="empty">{g.no_erasures}</p> }.into_any();
    }
    view! {
        <ul class="rows" id="erasures">
            {rows.into_iter().map(|r| view! {
                <li class="row">
                    <a class="row-main row-link" href=format!("/admin/erasures/{}", r.id)>
                        <time>{in_zone(r.erased_at_ms / 1000, &zone)}</time>
                    </a>
                    <span class="row-meta">{reason_words(g, &r.reason)} " · " <span class="tech">{by_words(g, &r.erased_by)}</span></span>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// One erasure's receipt: what went, what stays, whether the signature holds, and the file.
#[component]
pub fn ErasurePage() -> impl IntoView {
    let g = use_texts().gdpr;
    let lang = use_lang();
    let id = StoredValue::new(use_params_map().get_untracked().get("id").unwrap_or_default());
    view! {
        <Title text=g.receipt />
        <Gate role=Role::Admin>
            <h1>{g.receipt}</h1>
            <p><a href="/admin/erasures">{g.erasures}</a></p>
            <Notice />
            <Suspense fallback=move || view! { <p role="status">{use_texts().frame.loading}</p> }>
                {
                    let id = id.get_value();
                    Suspend::new(async move {
                        match erasure_detail(id).await {
                            Ok(r) => view! { <Receipt r g /> }.into_any(),
                            Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        }
                    })
                }
            </Suspense>
        </Gate>
    }
}

#[component]
fn Receipt(r: ErasureView, g: &'static GdprTexts) -> impl IntoView {
    let zone = use_frame().time_zone.clone();
    let counts = move |rows: Vec<(String, i64)>, id: &'static str| {
        view! {
            <dl class="facts counts" id=id>
                {rows.into_iter().map(|(kind, n)| view! { <dt>{(g.kinds)(&kind)}</dt><dd data-kind=kind>{n}</dd> }).collect_view()}
            </dl>
        }
    };
    let check = if r.genuine {
        view! { <p class="done" id="receipt-genuine">{g.genuine}</p> }.into_any()
    } else {
        view! { <p class="error" role="alert" id="receipt-altered">{g.not_genuine}</p> }.into_any()
    };
    view! {
        <p>{g.receipt_intro}</p>
        {check}
        <section class="card" aria-labelledby="receipt-facts">
            <h2 id="receipt-facts" class="visually-hidden">{g.receipt}</h2>
            <dl class="facts" id="receipt">
                <dt>{g.erased_at}</dt><dd><time datetime=r.erased_at.clone()>{in_zone(r.erased_at_ms / 1000, &zone)}</time></dd>
                <dt>{g.erased_by}</dt><dd class="tech">{by_words(g, &r.erased_by)}</dd>
                <dt>{g.reason}</dt><dd>{reason_words(g, &r.reason)}</dd>
                <dt>{g.index}</dt><dd><code class="index">{r.personnummer_index.clone()}</code><p class="hint">{g.index_hint}</p></dd>
            </dl>
        </section>
        <section class="card" aria-labelledby="receipt-erased">
            <h2 id="receipt-erased">{g.what_erased}</h2>
            {counts(r.erased, "receipt-erased-counts")}
            <h2>{g.what_kept}</h2>
            {counts(r.kept, "receipt-kept-counts")}
        </section>
        <form method="post" action=ReceiptFile::url() class="form" id="receipt-download">
            <input type="hidden" name="receipt_id" value=r.id.clone() />
            <button type="submit" class="button">{g.download}</button>
            <p class="hint">{g.verify_hint}</p>
        </form>
    }
}

/// Who is past the retention period: each erased from their own page (or by the daily job when
/// the organisation has turned automatic erasure on).
#[component]
fn Due(retention: RetentionView, g: &'static GdprTexts) -> impl IntoView {
    let intro = (g.due_intro)(retention.months, retention.auto_erase);
    view! {
        <section class="card" aria-labelledby="due">
            <h2 id="due">{g.due_title}</h2>
            <p>{intro}</p>
            {if retention.due.is_empty() {
                view! { <p class="empty">{g.no_due}</p> }.into_any()
            } else {
                view! {
                    <ul class="rows" id="due-list">
                        {retention.due.into_iter().map(|d| view! {
                            <li class="row">
                                <a class="row-main row-link" href=format!("/people/{}", d.person_id)>{d.name}</a>
                                <span class="row-meta">{g.ended_on} " " <time>{d.ended}</time>
                                    {d.admin.then(|| view! { " · " {g.admin_kept} })}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
