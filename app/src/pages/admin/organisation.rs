use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

use crate::{
    api::{
        admin::{organisation_settings, OrgSettings, SetOrganisationSettings},
        gdpr::{retention_status, SetRetention},
    },
    components::{auth::Gate, notice::Notice},
    i18n::{use_lang, use_texts, Lang},
    model::{auth::Role, gdpr::RetentionView},
};

/// The organisation's default language and time zone: server HTML and one plain form, so it
/// ships no WebAssembly and works without a script.
#[component]
pub fn OrganisationPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    view! {
        <Title text=t.organisation.title />
        <Gate role=Role::Admin>
            <h1>{t.organisation.title}</h1>
            <p class="lead">{t.organisation.lead}</p>
            <Notice />
            <Suspense fallback=move || view! { <p role="status">{t.frame.loading}</p> }>
                {Suspend::new(async move {
                    match (organisation_settings().await, retention_status().await) {
                        (Ok(settings), Ok(retention)) => view! {
                            <SettingsForm settings />
                            <RetentionForm retention />
                        }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </Gate>
    }
}

#[component]
fn SettingsForm(settings: OrgSettings) -> impl IntoView {
    let t = &use_texts().organisation;
    let OrgSettings { language, time_zone, time_zones } = settings;
    view! {
        <form class="card form" method="post" action=SetOrganisationSettings::url()>
            <label for="org-language">{t.language}</label>
            <p class="hint" id="org-language-hint">{t.language_hint}</p>
            <select id="org-language" name="language" aria-describedby="org-language-hint">
                {Lang::ALL.map(|l| view! {
                    <option value=l.code() lang=l.code() selected=l == language>{l.own_name()}</option>
                })}
            </select>
            <label for="org-time-zone">{t.time_zone}</label>
            <p class="hint" id="org-time-zone-hint">{t.time_zone_hint}</p>
            <select id="org-time-zone" name="time_zone" aria-describedby="org-time-zone-hint">
                {time_zones.into_iter().map(|z| {
                    let chosen = z == time_zone;
                    let label = z.clone();
                    view! { <option value=z selected=chosen>{label}</option> }
                }).collect_view()}
            </select>
            <button type="submit" class="button" id="org-save">{t.save}</button>
        </form>
    }
}

/// How long a person's data is kept after their last employment, and whether Samtal then
/// erases it by itself (each with a receipt) or lists them for an admin.
#[component]
fn RetentionForm(retention: RetentionView) -> impl IntoView {
    let g = use_texts().gdpr;
    view! {
        <section class="card" aria-labelledby="retention-title">
            <h2 id="retention-title">{g.retention_title}</h2>
            <p>{g.retention_text}</p>
            <form class="form" method="post" action=SetRetention::url() id="retention-form">
                <label for="retention-months">{g.retention_months}</label>
                <input id="retention-months" name="months" type="number" min="1" max="120" required inputmode="numeric"
                    value=retention.months.to_string() />
                <label class="check" for="retention-auto">
                    <input type="checkbox" name="auto_erase" value="yes" id="retention-auto" checked=retention.auto_erase />
                    {g.auto_erase}
                </label>
                <button type="submit" class="button" id="retention-save">{use_texts().organisation.save}</button>
            </form>
            <p><a href="/admin/erasures#due">{(g.due_count)(retention.due.len())}</a></p>
        </section>
    }
}
