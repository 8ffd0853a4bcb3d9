use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::talks::{list_templates, template_detail, CreateTemplate, EditTemplate},
    components::{auth::Gate, notice::Notice},
    i18n::{use_lang, use_texts, TalkTexts},
    model::{
        auth::Role,
        talks::{AnsweredBy, Question, TemplateRow, TemplateView},
    },
};

/// The organisation's talk templates: the two ready ones (copied to change) and its own.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    let t = use_texts().talks;
    let lang = use_lang();
    view! {
        <Title text=t.templates />
        <Gate role=Role::Admin>
            <h1>{t.templates}</h1>
            <p><a href="/admin/rounds">{t.rounds}</a></p>
            <Notice />
            <Suspense fallback=move || view! { <p role="status">{use_texts().frame.loading}</p> }>
                {Suspend::new(async move {
                    match list_templates().await {
                        Ok(rows) => view! { <Templates rows t /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </Gate>
    }
}

#[component]
fn Templates(rows: Vec<TemplateRow>, t: &'static TalkTexts) -> impl IntoView {
    view! {
        <ul class="rows" id="templates">
            {rows.iter().map(|r| view! {
                <li class="row">
                    <a class="row-main row-link" href=format!("/admin/talk-templates/{}", r.id)>{r.title.clone()}</a>
                    <span class="row-meta">
                        {(t.questions)(r.questions)}
                        {r.shipped.then(|| view! { " · " <span class="badge">{t.ready_made}</span> })}
                    </span>
                    <form class="row-actions" method="post" action=CreateTemplate::url()>
                        <input type="hidden" name="from" value=r.id.clone() />
                        <input type="hidden" name="title" value=format!("{} ({})", r.title.chars().take(180).collect::<String>(), t.copy_suffix) />
                        <button type="submit" class="button secondary">{t.copy}</button>
                    </form>
                </li>
            }).collect_view()}
        </ul>
        <section class="card" aria-labelledby="new-template">
            <h2 id="new-template">{t.new_template}</h2>
            <form class="form" method="post" action=CreateTemplate::url()>
                <label for="template-title">{t.title}</label>
                <input id="template-title" name="title" required maxlength="200" />
                <button type="submit" class="button">{t.create}</button>
            </form>
        </section>
    }
}

/// One template: its sections and questions, with the forms that change them (a ready
/// template shows them without forms and is copied instead).
#[component]
pub fn TemplatePage() -> impl IntoView {
    let t = use_texts().talks;
    let lang = use_lang();
    let id = StoredValue::new(use_params_map().get_untracked().get("id").unwrap_or_default());
    view! {
        <Gate role=Role::Admin>
            <Notice />
            <Suspense fallback=move || view! { <p role="status">{use_texts().frame.loading}</p> }>
                {
                    let id = id.get_value();
                    Suspend::new(async move {
                        match template_detail(id).await {
                            Ok(tpl) => view! { <Template tpl t /> }.into_any(),
                            Err(e) => view! { <h1>{t.templates}</h1><p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        }
                    })
                }
            </Suspense>
        </Gate>
    }
}

fn op_form(id: &str, op: &'static str, item: &str, label: &'static str) -> impl IntoView {
    view! {
        <form class="inline" method="post" action=EditTemplate::url()>
            <input type="hidden" name="template_id" value=id.to_string() />
            <input type="hidden" name="op" value=op />
            <input type="hidden" name="item" value=item.to_string() />
            <button type="submit" class="button secondary">{label}</button>
        </form>
    }
}

#[component]
fn Template(tpl: TemplateView, t: &'static TalkTexts) -> impl IntoView {
    let edit = !tpl.shipped;
    let id = tpl.id.clone();
    view! {
        <Title text=tpl.title.clone() />
        <h1>{tpl.title.clone()}</h1>
        <p><a href="/admin/talk-templates">{t.templates}</a></p>
        {tpl.shipped.then(|| view! { <p class="hint">{t.ready_made_hint}</p> })}
        {edit.then(|| view! {
            <details>
                <summary>{t.rename}</summary>
                <form class="form" method="post" action=EditTemplate::url()>
                    <input type="hidden" name="template_id" value=id.clone() />
                    <input type="hidden" name="op" value="rename" />
                    <label for="rename-title">{t.title}</label>
                    <input id="rename-title" name="title" value=tpl.title.clone() required maxlength="200" />
                    <button type="submit" class="button">{t.save}</button>
                </form>
            </details>
        })}
        {tpl.body.sections.iter().map(|s| {
            let sid = s.id.clone();
            view! {
                <section class="card" aria-labelledby=format!("s-{sid}")>
                    <h2 id=format!("s-{sid}")>{s.title.clone()}</h2>
                    {edit.then(|| view! {
                        <div class="actions">
                            {op_form(&id, "up", &sid, t.up)}
                            {op_form(&id, "down", &sid, t.down)}
                            {op_form(&id, "delete_section", &sid, t.delete)}
                        </div>
                    })}
                    <ol class="rows">
                        {s.questions.iter().map(|q| view! {
                            <li class="row">
                                <QuestionLine q=q.clone() t />
                                {edit.then(|| view! {
                                    <div class="actions">
                                        {op_form(&id, "up", &q.id, t.up)}
                                        {op_form(&id, "down", &q.id, t.down)}
                                        {op_form(&id, "delete_question", &q.id, t.delete)}
                                    </div>
                                    <details>
                                        <summary>{t.change}</summary>
                                        <QuestionForm template=id.clone() op="change_question" item=q.id.clone() q=Some(q.clone()) t />
                                    </details>
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                    {edit.then(|| view! {
                        <details>
                            <summary>{t.add_question}</summary>
                            <QuestionForm template=id.clone() op="add_question" item=sid.clone() q=None t />
                        </details>
                    })}
                </section>
            }
        }).collect_view()}
        {edit.then(|| view! {
            <section class="card" aria-labelledby="add-section">
                <h2 id="add-section">{t.add_section}</h2>
                <form class="form" method="post" action=EditTemplate::url()>
                    <input type="hidden" name="template_id" value=id.clone() />
                    <input type="hidden" name="op" value="add_section" />
                    <label for="section-title">{t.title}</label>
                    <input id="section-title" name="title" required maxlength="200" />
                    <button type="submit" class="button">{t.add_section}</button>
                </form>
                <form class="form" method="post" action=EditTemplate::url()>
                    <input type="hidden" name="template_id" value=id.clone() />
                    <input type="hidden" name="op" value="delete" />
                    <p class="hint">{t.delete_template_hint}</p>
                    <button type="submit" class="button secondary">{t.delete_template}</button>
                </form>
            </section>
        })}
    }
}

fn by_word(t: &'static TalkTexts, by: AnsweredBy) -> &'static str {
    match by {
        AnsweredBy::Employee => t.by_employee,
        AnsweredBy::Manager => t.by_manager,
        AnsweredBy::Both => t.by_both,
    }
}

#[component]
fn QuestionLine(q: Question, t: &'static TalkTexts) -> impl IntoView {
    view! {
        <span class="row-main"><strong>{q.text.clone()}</strong></span>
        {(!q.help.is_empty()).then(|| view! { <span class="row-meta">{q.help.clone()}</span> })}
        <span class="row-meta">
            {by_word(t, q.answered_by)}
            {q.scale.clone().map(|s| view! { " · " {t.scale} ": " {s.join(" / ")} })}
        </span>
    }
}

#[component]
fn QuestionForm(
    template: String,
    op: &'static str,
    item: String,
    q: Option<Question>,
    t: &'static TalkTexts,
) -> impl IntoView {
    let f = |name: &str| format!("{op}-{item}-{name}");
    let by = q.as_ref().map(|q| q.answered_by).unwrap_or(AnsweredBy::Both);
    let scale = q.as_ref().and_then(|q| q.scale.clone()).map(|s| s.join("\n")).unwrap_or_default();
    view! {
        <form class="form" method="post" action=EditTemplate::url()>
            <input type="hidden" name="template_id" value=template />
            <input type="hidden" name="op" value=op />
            <input type="hidden" name="item" value=item.clone() />
            <label for=f("text")>{t.question}</label>
            <input id=f("text") name="text" required maxlength="500" value=q.as_ref().map(|q| q.text.clone()).unwrap_or_default() />
            <label for=f("help")>{t.help}</label>
            <textarea id=f("help") name="help" rows="2">{q.as_ref().map(|q| q.help.clone()).unwrap_or_default()}</textarea>
            <label for=f("by")>{t.answered_by}</label>
            <select id=f("by") name="answered_by">
                {[AnsweredBy::Employee, AnsweredBy::Manager, AnsweredBy::Both].map(|b| view! {
                    <option value=b.as_str() selected=b == by>{by_word(t, b)}</option>
                })}
            </select>
            <label for=f("scale")>{t.scale}</label>
            <p class="hint">{t.scale_hint}</p>
            <textarea id=f("scale") name="scale" rows="4">{scale}</textarea>
            <button type="submit" class="button">{t.save}</button>
        </form>
    }
}
