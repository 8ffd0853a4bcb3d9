use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{gender_options, gender_word};
use crate::{
    api::gdpr::erasure_preview,
    api::people::{
        manager_choices, org_units, person_detail, reveal_personnummer, unlinked_accounts, AddEmployment,
        ChangeEmployment, DeleteEmployment, ErasePerson, LinkAccount, UpdatePerson,
    },
    components::{auth::Gate, notice::Notice},
    i18n::{use_lang, use_texts, words, Lang, PeopleTexts},
    model::{
        format::{format_percent, format_sek},
        gdpr::ErasureCounts,
        people::{AccountChoice, EmploymentView, ManagerChoice, PersonView, UnitView},
    },
};

/// One person's record: details, employments and, for an admin, the forms that change them.
/// The server logs the view before it answers, and refuses (403, logged) anyone outside the
/// viewer's reach.
#[component]
pub fn PersonPage() -> impl IntoView {
    let lang = use_lang();
    let t = &use_texts().people;
    let id = StoredValue::new(use_params_map().get_untracked().get("id").unwrap_or_default());
    view! {
        <Gate>
            <Notice />
            <Suspense fallback=move || view! { <p role="status">{use_texts().frame.loading}</p> }>
                {
                    let id = id.get_value();
                    Suspend::new(async move {
                        let person = match person_detail(id).await {
                            Ok(p) => p,
                            Err(e) => {
                                return view! {
                                    <h1>{t.title}</h1>
                                    <p class="error" role="alert">{e.message(lang)}</p>
                                    <p><a href="/people">{t.back_to_list}</a></p>
                                }.into_any();
                            }
                        };
                        let choices = if person.can_edit {
                            match (org_units().await, manager_choices().await, unlinked_accounts().await) {
                                (Ok(u), Ok(m), Ok(a)) => Some((u, m, a)),
                                _ => None,
                            }
                        } else {
                            None
                        };
                        // What an erasure would reach, for the admin to see before anything goes.
                        let preview = if person.can_edit && !person.is_me {
                            erasure_preview(person.id.clone()).await.ok()
                        } else {
                            None
                        };
                        view! { <Person person choices preview lang /> }.into_any()
                    })
                }
            </Suspense>
        </Gate>
    }
}

#[component]
#[allow(clippy::type_complexity)]
fn Person(
    person: PersonView,
    choices: Option<(Vec<UnitView>, Vec<ManagerChoice>, Vec<AccountChoice>)>,
    preview: Option<ErasureCounts>,
    lang: Lang,
) -> impl IntoView {
    let t = &use_texts().people;
    let name = format!("{} {}", person.given_name, person.family_name);
    let gender = format!(
        "{}{}",
        gender_word(t, &person.gender),
        if person.gender_manual { format!(" ({})", t.set_by_hand) } else { String::new() }
    );
    let edit = person.can_edit.then(|| view! { <EditPerson person=person.clone() /> });
    let export = preview.is_some().then(|| view! { <Export id=person.id.clone() lang /> });
    let erase = preview.map(|preview| view! { <Erase id=person.id.clone() preview /> });
    let (units, managers, accounts) = choices.unwrap_or_default();
    let link =
        person.can_edit.then(|| view! { <Account id=person.id.clone() linked=person.account.clone() accounts /> });
    let can_edit = person.can_edit;
    view! {
        <Title text=name.clone() />
        <h1>{name}</h1>
        <p><a href="/people">{t.back_to_list}</a></p>
        <section class="card" aria-labelledby="facts-title">
            <h2 id="facts-title" class="visually-hidden">{t.title}</h2>
            <dl class="facts">
                <dt>{t.personnummer}</dt>
                <dd>
                    <span id="pnr">{person.personnummer_masked.clone()}</span>
                    {person.can_edit.then(|| view! { <RevealPnr person_id=person.id.clone() lang /> })}
                </dd>
                <dt>{t.email}</dt><dd>{person.email.clone().unwrap_or_else(|| "–".into())}</dd>
                <dt>{t.employee_number}</dt><dd>{person.employee_number.clone().unwrap_or_else(|| "–".into())}</dd>
                <dt>{t.gender}</dt><dd>{gender}</dd>
            </dl>
        </section>
        <section class="card" aria-labelledby="employments-title">
            <h2 id="employments-title">{t.employments}</h2>
            {if person.employments.is_empty() {
                view! { <p class="empty">{t.no_employments}</p> }.into_any()
            } else {
                view! {
                    <ul class="rows" id="employments">
                        {person.employments.clone().into_iter().map(|e| {
                            let forms = can_edit.then(|| view! {
                                <EmploymentForms e=e.clone() units=units.clone() managers=managers.clone() />
                            });
                            view! { <li class="row"><Employment e=e.clone() t />{forms}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {can_edit.then(|| view! {
                <details>
                    <summary id="add-employment">{t.add_employment}</summary>
                    <EmploymentFields action=AddEmployment::url() hidden=("person_id", person.id.clone())
                        e=None units=units.clone() managers=managers.clone() submit=t.add_employment prefix="new" />
                </details>
            })}
        </section>
        {edit}
        {link}
        {export}
        {erase}
    }
}

/// The sign-in account that belongs to the person: what it may see follows from the person.
#[component]
fn Account(id: String, linked: Option<AccountChoice>, accounts: Vec<AccountChoice>) -> impl IntoView {
    let t = &use_texts().people;
    view! {
        <section class="card" aria-labelledby="account-title">
            <h2 id="account-title">{t.account_title}</h2>
            <form class="form" method="post" action=LinkAccount::url() id="link-account">
                <input type="hidden" name="person_id" value=id />
                <label for="link-user">{t.account_label}</label>
                <select id="link-user" name="user_id">
                    <option value="" selected=linked.is_none()>{t.no_account}</option>
                    {linked.clone().map(|a| view! { <option value=a.id selected>{a.email}</option> })}
                    {accounts.into_iter().map(|a| view! { <option value=a.id>{a.email}</option> }).collect_view()}
                </select>
                <button type="submit" class="button secondary" id="link-submit">{t.save}</button>
            </form>
        </section>
    }
}

#[component]
fn Employment(e: EmploymentView, t: &'static PeopleTexts) -> impl IntoView {
    let state = if e.end_date.is_some() { t.ended } else { t.current };
    let dates = format!("{} – {}", e.start_date, e.end_date.clone().unwrap_or_default());
    view! {
        <span class="row-main"><strong>{e.job_title.clone()}</strong> ", " {e.unit.clone()} " " <span class="badge">{state}</span></span>
        <span class="row-meta">{dates}</span>
        <span class="row-meta">
            {t.manager} ": " {e.manager.clone().unwrap_or_else(|| t.no_manager.into())}
        </span>
        <span class="row-meta">
            {t.rate} ": " {format_percent(e.rate_bp)} " · " {t.salary} ": " {format_sek(e.monthly_salary_ore)}
        </span>
    }
}

#[component]
fn EmploymentForms(e: EmploymentView, units: Vec<UnitView>, managers: Vec<ManagerChoice>) -> impl IntoView {
    let t = &use_texts().people;
    let id = e.id.clone();
    view! {
        <details>
            <summary>{t.change_employment}</summary>
            <EmploymentFields action=ChangeEmployment::url() hidden=("employment_id", id.clone())
                e=Some(e) units managers submit=t.save prefix=id.clone() />
            <form method="post" action=DeleteEmployment::url()>
                <input type="hidden" name="employment_id" value=id />
                <p class="hint">{t.delete_employment_hint}</p>
                <button type="submit" class="button secondary">{t.delete_employment}</button>
            </form>
        </details>
    }
}

/// The employment form, empty (to add) or filled in (to change).
#[component]
fn EmploymentFields(
    action: &'static str,
    hidden: (&'static str, String),
    e: Option<EmploymentView>,
    units: Vec<UnitView>,
    managers: Vec<ManagerChoice>,
    submit: &'static str,
    #[prop(into)] prefix: String,
) -> impl IntoView {
    let t = &use_texts().people;
    let id = |f: &str| format!("{prefix}-{f}");
    let unit_now = e.as_ref().map(|e| e.unit_id.clone()).unwrap_or_default();
    let manager_now = e.as_ref().and_then(|e| e.manager_id.clone()).unwrap_or_default();
    let rate = e
        .as_ref()
        .map(|e| format_percent(e.rate_bp).trim_end_matches("\u{a0}%").to_string())
        .unwrap_or_else(|| "100".into());
    let salary = e.as_ref().map(|e| (e.monthly_salary_ore / 100).to_string()).unwrap_or_default();
    view! {
        <form class="form" method="post" action=action>
            <input type="hidden" name=hidden.0 value=hidden.1 />
            <label for=id("unit")>{t.unit}</label>
            <select id=id("unit") name="unit_id" required>
                {units.into_iter().map(|u| {
                    let chosen = u.id == unit_now;
                    let label = format!("{}{}", "– ".repeat(u.depth as usize), u.name);
                    view! { <option value=u.id selected=chosen>{label}</option> }
                }).collect_view()}
            </select>
            <label for=id("title")>{t.job_title}</label>
            <input id=id("title") name="job_title" type="text" required maxlength="100"
                value=e.as_ref().map(|e| e.job_title.clone()).unwrap_or_default() />
            <label for=id("manager")>{t.manager}</label>
            <select id=id("manager") name="manager_id">
                <option value="" selected=manager_now.is_empty()>{t.no_manager}</option>
                {managers.into_iter().map(|m| {
                    let chosen = m.id == manager_now;
                    view! { <option value=m.id selected=chosen>{m.name}</option> }
                }).collect_view()}
            </select>
            <div class="field-pair">
                <div class="form">
                    <label for=id("start")>{t.start_date}</label>
                    <input id=id("start") name="start_date" type="date" required placeholder=t.date_hint
                        value=e.as_ref().map(|e| e.start_date.clone()).unwrap_or_default() />
                </div>
                <div class="form">
                    <label for=id("end")>{t.end_date}</label>
                    <input id=id("end") name="end_date" type="date" placeholder=t.date_hint
                        aria-describedby=id("end-hint")
                        value=e.as_ref().and_then(|e| e.end_date.clone()).unwrap_or_default() />
                    <p class="hint" id=id("end-hint")>{t.end_date_hint}</p>
                </div>
            </div>
            <div class="field-pair">
                <div class="form">
                    <label for=id("rate")>{t.rate}</label>
                    <input id=id("rate") name="rate" type="text" inputmode="decimal" required maxlength="8" value=rate />
                </div>
                <div class="form">
                    <label for=id("salary")>{t.salary}</label>
                    <input id=id("salary") name="monthly_salary" type="text" inputmode="decimal" required maxlength="20"
                        value=salary />
                </div>
            </div>
            <button type="submit" class="button">{submit}</button>
        </form>
    }
}

#[component]
fn EditPerson(person: PersonView) -> impl IntoView {
    let t = &use_texts().people;
    let chosen = if person.gender_manual { person.gender.clone() } else { String::new() };
    view! {
        <section class="card" aria-labelledby="edit-title">
            <details>
                <summary id="edit-title">{t.edit_title}</summary>
                <form class="form" method="post" action=UpdatePerson::url() id="edit-person">
                    <input type="hidden" name="person_id" value=person.id.clone() />
                    <label for="edit-given">{t.given_name}</label>
                    <input id="edit-given" name="given_name" type="text" required maxlength="100" value=person.given_name />
                    <label for="edit-family">{t.family_name}</label>
                    <input id="edit-family" name="family_name" type="text" required maxlength="100" value=person.family_name />
                    <label for="edit-email">{t.email}</label>
                    <input id="edit-email" name="email" type="email" maxlength="254" value=person.email.unwrap_or_default() />
                    <label for="edit-number">{t.employee_number}</label>
                    <input id="edit-number" name="employee_number" type="text" maxlength="32"
                        value=person.employee_number.unwrap_or_default() />
                    <label for="edit-gender">{t.gender}</label>
                    <p class="hint" id="edit-gender-hint">{t.gender_hint}</p>
                    <select id="edit-gender" name="gender" aria-describedby="edit-gender-hint">{gender_options(t, &chosen)}</select>
                    <button type="submit" class="button" id="edit-save">{t.save}</button>
                </form>
            </details>
        </section>
    }
}

/// An admin answers a person's access request: the export, confirmed by the number the
/// request names.
#[component]
fn Export(id: String, lang: Lang) -> impl IntoView {
    let g = use_texts().gdpr;
    view! {
        <section class="card" aria-labelledby="export-title">
            <h2 id="export-title">{g.export_card}</h2>
            <p>{g.export_card_text}</p>
            <form method="post" action=crate::api::gdpr::PersonExport::url() class="form" id="export-form">
                <input type="hidden" name="person_id" value=id />
                <input type="hidden" name="lang" value=lang.code() />
                <label for="export-pnr">{g.type_pnr}</label>
                <input id="export-pnr" name="personnummer" required autocomplete="off" spellcheck="false"
                    inputmode="numeric" maxlength="13" />
                <div class="actions">
                    <button type="submit" class="button secondary" name="format" value="json" id="export-json">{g.download_json}</button>
                    <button type="submit" class="button secondary" name="format" value="html" id="export-html">{g.view_print}</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn Erase(id: String, preview: ErasureCounts) -> impl IntoView {
    let t = &use_texts().people;
    let g = use_texts().gdpr;
    let counts = move |rows: Vec<(String, i64)>, id: &'static str| {
        view! {
            <dl class="facts counts" id=id>
                {rows.into_iter().map(|(kind, n)| view! { <dt>{(g.kinds)(&kind)}</dt><dd data-kind=kind>{n}</dd> }).collect_view()}
            </dl>
        }
    };
    view! {
        <section class="card" aria-labelledby="erase-title">
            <h2 id="erase-title">{t.erase_title}</h2>
            <p>{t.erase_text}</p>
            <h3>{g.will_erase}</h3>
            {counts(preview.erased, "erase-erased")}
            <h3>{g.will_keep}</h3>
            {counts(preview.kept, "erase-kept")}
            <form method="post" action=ErasePerson::url() class="form" id="erase-form">
                <input type="hidden" name="person_id" value=id />
                <label for="erase-pnr">{g.type_pnr}</label>
                <input id="erase-pnr" name="personnummer" required autocomplete="off" spellcheck="false"
                    inputmode="numeric" maxlength="13" />
                <button type="submit" class="button secondary" id="erase-submit">{t.erase}</button>
            </form>
        </section>
    }
}

/// An island: asks the server for the whole personnummer (which logs it) and shows it in place
/// of the masked one. It needs a script; the masked number is all the page holds without one.
#[island]
fn RevealPnr(person_id: String, lang: Lang) -> impl IntoView {
    let w = words(lang);
    let shown = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let on_click = move |_| {
        let id = person_id.clone();
        leptos::task::spawn_local(async move {
            match reveal_personnummer(id).await {
                Ok(p) => shown.set(Some(p)),
                Err(e) => error.set(Some(e.message(lang))),
            }
        });
    };
    view! {
        {move || match shown.get() {
            Some(p) => view! { " " <strong id="pnr-revealed">{p}</strong> }.into_any(),
            None => view! {
                " " <button type="button" class="link-button" id="pnr-reveal" on:click=on_click.clone()>{w.reveal_pnr}</button>
                <span class="hint">" " {w.reveal_logged}</span>
            }.into_any(),
        }}
        {move || error.get().map(|e| view! { <span class="error" role="alert">" " {e}</span> })}
    }
}
