use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

use crate::{
    api::people::{org_units, ChangeUnit, CreateUnit, DeleteUnit},
    components::{auth::Gate, notice::Notice},
    i18n::{use_lang, use_texts},
    model::{auth::Role, people::UnitView},
};

/// The org-unit tree editor: every unit with a form to rename and move it (the server refuses a
/// move into its own branch) and to delete an empty one, and a form for a new unit. Plain forms.
#[component]
pub fn UnitsPage() -> impl IntoView {
    let t = &use_texts().people;
    let lang = use_lang();
    view! {
        <Title text=t.units_title />
        <Gate role=Role::Admin>
            <h1>{t.units_title}</h1>
            <p class="lead">{t.units_lead}</p>
            <p><a href="/people">{t.back_to_list}</a></p>
            <Notice />
            <Suspense fallback=move || view! { <p role="status">{use_texts().frame.loading}</p> }>
                {Suspend::new(async move {
                    match org_units().await {
                        Ok(units) => view! { <Tree units /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </Gate>
    }
}

fn parent_options(units: &[UnitView], except: Option<&str>, chosen: Option<&str>) -> impl IntoView {
    let t = &use_texts().people;
    let top = view! { <option value="" selected=chosen.is_none()>{t.top_level}</option> };
    let rest = units
        .iter()
        .filter(|u| Some(u.id.as_str()) != except)
        .map(|u| {
            let label = format!("{}{}", "– ".repeat(u.depth as usize), u.name);
            view! { <option value=u.id.clone() selected=Some(u.id.as_str()) == chosen>{label}</option> }
        })
        .collect_view();
    (top, rest)
}

#[component]
fn Tree(units: Vec<UnitView>) -> impl IntoView {
    let t = &use_texts().people;
    let all = units.clone();
    view! {
        <section class="card" aria-labelledby="units-list-title">
            <h2 id="units-list-title">{t.units_title}</h2>
            {if units.is_empty() {
                view! { <p class="empty">{t.no_units}</p> }.into_any()
            } else {
                view! {
                    <ul class="rows" id="units">
                        {units.into_iter().map(|u| {
                            let depth = format!("row unit-depth-{}", u.depth.min(4));
                            let (name_id, parent_id) = (format!("unit-name-{}", u.id), format!("unit-parent-{}", u.id));
                            view! {
                                <li class=depth data-unit=u.name.clone()>
                                    <span class="row-main"><strong>{u.name.clone()}</strong></span>
                                    <span class="row-meta">{(t.people_in_unit)(u.people)}</span>
                                    <details>
                                        <summary>{t.save_unit}</summary>
                                        <form class="form" method="post" action=ChangeUnit::url()>
                                            <input type="hidden" name="unit_id" value=u.id.clone() />
                                            <label for=name_id.clone()>{t.unit_name}</label>
                                            <input id=name_id name="name" type="text" required maxlength="100" value=u.name.clone() />
                                            <label for=parent_id.clone()>{t.parent}</label>
                                            <select id=parent_id name="parent_id">
                                                {parent_options(&all, Some(&u.id), u.parent_id.as_deref())}
                                            </select>
                                            <button type="submit" class="button">{t.save_unit}</button>
                                        </form>
                                        <form method="post" action=DeleteUnit::url()>
                                            <input type="hidden" name="unit_id" value=u.id.clone() />
                                            <button type="submit" class="button secondary">{t.delete_unit}</button>
                                        </form>
                                    </details>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="new-unit-title">
            <h2 id="new-unit-title">{t.new_unit_title}</h2>
            <form class="form" method="post" action=CreateUnit::url() id="new-unit">
                <label for="new-unit-name">{t.unit_name}</label>
                <input id="new-unit-name" name="name" type="text" required maxlength="100" />
                <label for="new-unit-parent">{t.parent}</label>
                <select id="new-unit-parent" name="parent_id">{parent_options(&all, None, None)}</select>
                <button type="submit" class="button" id="new-unit-submit">{t.create_unit}</button>
            </form>
        </section>
    }
}
