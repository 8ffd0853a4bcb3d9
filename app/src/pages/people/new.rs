use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

use super::gender_options;
use crate::{
    api::people::CreatePerson,
    components::{auth::Gate, notice::Notice},
    i18n::use_texts,
    model::auth::Role,
};

/// Registers one person: a plain form; the server checks the personnummer and says what is
/// wrong in words, and the person's page follows.
#[component]
pub fn NewPersonPage() -> impl IntoView {
    let t = &use_texts().people;
    view! {
        <Title text=t.new_title />
        <Gate role=Role::Admin>
            <h1>{t.new_title}</h1>
            <p><a href="/people">{t.back_to_list}</a></p>
            <Notice />
            <form class="card form" method="post" action=CreatePerson::url() id="new-person">
                <label for="new-pnr">{t.personnummer}</label>
                <input id="new-pnr" name="personnummer" type="text" inputmode="numeric" required maxlength="20"
                    autocomplete="off" placeholder="ÅÅÅÅMMDD-NNNN" />
                <label for="new-given">{t.given_name}</label>
                <input id="new-given" name="given_name" type="text" required maxlength="100" autocomplete="off" />
                <label for="new-family">{t.family_name}</label>
                <input id="new-family" name="family_name" type="text" required maxlength="100" autocomplete="off" />
                <label for="new-email">{t.email}</label>
                <input id="new-email" name="email" type="email" maxlength="254" autocomplete="off" />
                <label for="new-number">{t.employee_number}</label>
                <input id="new-number" name="employee_number" type="text" maxlength="32" autocomplete="off" />
                <label for="new-gender">{t.gender}</label>
                <p class="hint" id="new-gender-hint">{t.gender_hint}</p>
                <select id="new-gender" name="gender" aria-describedby="new-gender-hint">{gender_options(t, "")}</select>
                <button type="submit" class="button" id="new-submit">{t.create}</button>
            </form>
        </Gate>
    }
}
