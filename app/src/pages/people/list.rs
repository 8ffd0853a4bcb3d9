use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::people::{list_people, FindPerson, SearchPeople},
    components::{auth::use_frame, auth::Gate, notice::Notice},
    i18n::{use_lang, use_texts},
    model::{auth::Role, people::PeoplePage},
};

/// The people list: paged, sorted, searched by name (the words ride a sealed cookie, not the
/// address) or found exactly by personnummer (a form post; the number never enters an address).
/// Each role sees its own part of the register; the server cuts the list.
#[component]
pub fn PeopleListPage() -> impl IntoView {
    let t = &use_texts().people;
    let lang = use_lang();
    let q = use_query_map().get_untracked();
    let page = q.get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1);
    let sort = StoredValue::new(q.get("sort").unwrap_or_default());
    view! {
        <Title text=t.title />
        <Gate>
            <h1>{t.title}</h1>
            <Notice />
            <Suspense fallback=move || view! { <p role="status">{use_texts().frame.loading}</p> }>
                {
                    let sort = sort.get_value();
                    Suspend::new(async move {
                        match list_people(page, sort).await {
                            Ok(list) => view! { <PeopleList list /> }.into_any(),
                            Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        }
                    })
                }
            </Suspense>
        </Gate>
    }
}

#[component]
fn PeopleList(list: PeoplePage) -> impl IntoView {
    let t = &use_texts().people;
    let role = use_frame().me.map(|m| m.role).unwrap_or(Role::Employee);
    let lead = match role {
        Role::Admin => t.lead_admin,
        Role::Manager => t.lead_manager,
        Role::Employee => t.lead_employee,
    };
    let PeoplePage { rows, total, page, pages, sort, search, can_edit } = list;
    let link = {
        let sort = sort.clone();
        move |p: u32| format!("/people?page={p}&sort={sort}")
    };
    let prev = (page > 1).then(|| link(page - 1));
    let next = (page < pages).then(|| link(page + 1));
    let nobody = rows.is_empty() && search.is_empty() && role != Role::Admin;
    view! {
        <p class="lead">{lead}</p>
        {can_edit.then(|| view! {
            <p class="actions">
                <a class="button" href="/people/new" id="people-new">{t.new_person}</a>
                <a class="button secondary" href="/people/import" id="people-import">{t.import}</a>
                <a class="button secondary" href="/admin/units" id="people-units">{t.units}</a>
                <a class="button secondary" href="/admin/erasures" id="people-erasures">{use_texts().gdpr.erasures}</a>
            </p>
        })}
        <section class="card" aria-labelledby="find-title">
            <h2 id="find-title" class="visually-hidden">{t.search}</h2>
            <form class="form" method="post" action=SearchPeople::url() id="search-form">
                <label for="search-name">{t.search_label}</label>
                <input id="search-name" name="name" type="search" maxlength="100" autocomplete="off" value=search.clone() />
                <button type="submit" class="button" id="search-submit">{t.search}</button>
            </form>
            {(!search.is_empty()).then(|| view! {
                <form method="post" action=SearchPeople::url() class="actions">
                    <input type="hidden" name="name" value="" />
                    <span>{t.searching_for} " " <strong>{search.clone()}</strong></span>
                    <button type="submit" class="button secondary" id="search-clear">{t.show_all}</button>
                </form>
            })}
            <form class="form" method="post" action=FindPerson::url() id="find-form">
                <label for="find-pnr">{t.find_label}</label>
                <p class="hint" id="find-pnr-hint">{t.find_hint}</p>
                <input id="find-pnr" name="personnummer" type="text" inputmode="numeric" maxlength="20"
                    autocomplete="off" required aria-describedby="find-pnr-hint" />
                <button type="submit" class="button secondary" id="find-submit">{t.find}</button>
            </form>
        </section>
        <section class="card" aria-labelledby="people-title">
            <h2 id="people-title">{(t.total)(total)}</h2>
            <form method="get" action="/people" class="actions">
                <label for="people-sort">{t.sort_label}</label>
                <select id="people-sort" name="sort">
                    {[("name", t.sort_name), ("unit", t.sort_unit), ("number", t.sort_number)].map(|(v, label)| {
                        view! { <option value=v selected=v == sort>{label}</option> }
                    })}
                </select>
                <button type="submit" class="button secondary" id="people-sort-submit">{t.sort}</button>
            </form>
            {if rows.is_empty() {
                view! { <p class="empty">{if nobody { t.not_linked } else { t.empty }}</p> }.into_any()
            } else {
                view! {
                    <ul class="rows" id="people">
                        {rows.into_iter().map(|r| {
                            let meta: Vec<String> =
                                [r.job_title, r.unit, r.employee_number].into_iter().flatten().collect();
                            view! {
                                <li class="row" data-person=r.id.clone()>
                                    <a class="row-link" href=format!("/people/{}", r.id)>{r.name}</a>
                                    <span class="row-meta">{meta.join(" · ")}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <nav class="pager" aria-label=t.pages_nav>
                {prev.map(|href| view! { <a class="button secondary" href=href id="people-prev">{t.previous}</a> })}
                <span>{(t.page_of)(page, pages)}</span>
                {next.map(|href| view! { <a class="button secondary" href=href id="people-next">{t.next}</a> })}
            </nav>
        </section>
    }
}
