use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::people::{import_check, ImportApply, ImportDiscard, ImportRemap, ImportUpload},
    components::{auth::Gate, notice::Notice},
    i18n::{use_lang, use_texts, Lang, PeopleTexts},
    model::{auth::Role, people::ImportPreviewView},
};

/// The register's fields in the order the mapping form lists them.
const TARGETS: [&str; 13] = [
    "personnummer",
    "given_name",
    "family_name",
    "email",
    "employee_number",
    "gender",
    "unit",
    "job_title",
    "manager_personnummer",
    "start_date",
    "end_date",
    "rate",
    "monthly_salary",
];

/// The CSV import: upload (a file read in place by an island, or pasted), then every row
/// checked with its problems in words, the columns mapped, and only then one confirm that
/// imports everything in one transaction. Nothing is written before the confirm.
#[component]
pub fn ImportPage() -> impl IntoView {
    let t = &use_texts().people;
    let lang = use_lang();
    let step = use_query_map().get_untracked().get("step");
    view! {
        <Title text=t.import_title />
        <Gate role=Role::Admin>
            <h1>{t.import_title}</h1>
            <p><a href="/people">{t.back_to_list}</a></p>
            <Notice />
            {if step.as_deref() == Some("check") {
                view! {
                    <Suspense fallback=move || view! { <p role="status">{use_texts().frame.loading}</p> }>
                        {Suspend::new(async move {
                            match import_check().await {
                                Ok(Some(preview)) => view! { <Preview preview t /> }.into_any(),
                                Ok(None) => view! { <Upload lang /> }.into_any(),
                                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                            }
                        })}
                    </Suspense>
                }.into_any()
            } else {
                view! { <Upload lang /> }.into_any()
            }}
        </Gate>
    }
}

#[component]
fn Upload(lang: Lang) -> impl IntoView {
    let t = &use_texts().people;
    view! {
        <p class="lead">{t.import_lead}</p>
        <form class="card form" method="post" action=ImportUpload::url() id="import-upload">
            <label for="import-file">{t.file_label}</label>
            <CsvFilePicker lang />
            <label for="import-csv">{t.csv_label}</label>
            <p class="hint" id="import-csv-hint">{t.csv_hint}</p>
            <textarea id="import-csv" name="csv" required aria-describedby="import-csv-hint" spellcheck="false"></textarea>
            <button type="submit" class="button" id="import-check">{t.preview}</button>
        </form>
    }
}

#[component]
fn Preview(preview: ImportPreviewView, t: &'static PeopleTexts) -> impl IntoView {
    let ImportPreviewView { headers, mapping, file_problem, rows, new, updated, problem_rows, digest } = preview;
    let chosen = |target: &str| -> Option<usize> {
        mapping
            .split(';')
            .find_map(|p| p.split_once('=').filter(|(t, _)| *t == target).and_then(|(_, c)| c.parse().ok()))
    };
    let clean = file_problem.is_none() && problem_rows == 0 && !rows.is_empty();
    let (bad, good): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| !r.problems.is_empty());
    view! {
        <section class="card" aria-labelledby="mapping-title">
            <h2 id="mapping-title">{t.mapping_title}</h2>
            <p class="hint">{t.mapping_hint}</p>
            <form class="form" method="post" action=ImportRemap::url() id="import-mapping">
                {TARGETS.map(|target| {
                    let id = format!("map-{target}");
                    let now = chosen(target);
                    view! {
                        <label for=id.clone()>{(t.field)(target)}</label>
                        <select id=id name=target>
                            <option value="" selected=now.is_none()>{t.not_mapped}</option>
                            {headers.iter().enumerate().map(|(i, h)| {
                                view! { <option value=i.to_string() selected=now == Some(i)>{format!("{} ({})", h, i + 1)}</option> }
                            }).collect_view()}
                        </select>
                    }
                })}
                <button type="submit" class="button secondary" id="import-remap">{t.preview}</button>
            </form>
        </section>
        <section class="card" aria-labelledby="rows-title">
            <h2 id="rows-title">{t.rows_title}</h2>
            {file_problem.map(|p| view! { <p class="error" role="alert" id="import-file-problem">{(t.file_problem)(&p)}</p> })}
            <p id="import-summary" role="status">{(t.summary)(new, updated, problem_rows)}</p>
            {(!bad.is_empty()).then(|| view! {
                <p class="error">{t.fix_first}</p>
                <ul class="rows" id="import-problems">
                    {bad.into_iter().map(|r| view! {
                        <li class="row" data-line=r.line>
                            <span class="row-main"><strong>{(t.line)(r.line)}</strong> " " {r.name}</span>
                            <ul class="problem-list">
                                {r.problems.into_iter().map(|p| view! { <li>{(t.problem)(&p.code, p.detail.as_deref())}</li> }).collect_view()}
                            </ul>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!good.is_empty()).then(|| view! {
                <details>
                    <summary>{t.row_ok} " (" {good.len()} ")"</summary>
                    <ul class="rows" id="import-ok">
                        {good.into_iter().map(|r| view! {
                            <li class="row">
                                <span>{(t.line)(r.line)} " " {r.name} " "
                                    <span class="badge">{if r.update { t.row_update } else { t.row_new }}</span></span>
                            </li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
            {clean.then(|| view! {
                <form class="form" method="post" action=ImportApply::url() id="import-apply">
                    <input type="hidden" name="digest" value=digest />
                    <label class="check"><input type="checkbox" name="save_mapping" value="yes" />{t.save_mapping}</label>
                    <ImportConfirm lang=use_lang() rows=new + updated label=t.confirm.to_string() />
                </form>
            })}
            <form method="post" action=ImportDiscard::url()>
                <button type="submit" class="button secondary" id="import-discard">{t.show_all}</button>
            </form>
        </section>
    }
}

/// An island: reads the chosen file into the form's text field, so the admin picks a file as
/// usual; without a script the content is pasted instead (the field is the form's either way).
#[island]
fn CsvFilePicker(lang: Lang) -> impl IntoView {
    let error = RwSignal::new(None::<&'static str>);
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            leptos::task::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|v| v.as_string());
                let area = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("import-csv"))
                    .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
                match (text, area) {
                    (Some(text), Some(area)) => {
                        area.set_value(&text);
                        error.set(None);
                    }
                    _ => error.set(Some(crate::i18n::words(lang).file_read_failed)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, lang);
    };
    view! {
        <input id="import-file" type="file" accept=".csv,text/csv,text/plain" on:change=on_change />
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
}

/// An island: the confirm button, which shows while the import runs (one transaction, so all
/// rows or none) that it is working and on how many rows, and cannot be pressed twice. Without
/// a script it is a plain submit button.
#[island]
fn ImportConfirm(lang: Lang, rows: u32, label: String) -> impl IntoView {
    let busy = RwSignal::new(false);
    // The click itself submits the form; this only says what happens meanwhile, and a second
    // click while it runs is stopped.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if busy.get_untracked() {
            ev.prevent_default();
        }
        busy.set(true);
    };
    view! {
        <button type="submit" class="button" id="import-confirm" on:click=on_click
            aria-disabled=move || busy.get().then_some("true")>{label}</button>
        <div role="status" id="import-progress">
            {move || busy.get().then(|| view! {
                <progress aria-label=crate::i18n::words(lang).importing></progress>
                " " {(crate::i18n::words(lang).importing_rows)(rows)}
            })}
        </div>
    }
}
