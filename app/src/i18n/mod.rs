//! Every word the UI shows, in Swedish and English: one catalogue, checked by the compiler.
//!
//! A language is a value of [`Texts`] (pages, rendered on the server) and one of [`Words`] (what
//! islands and errors say, so what the browser bundle holds). A field left out of a language
//! does not compile; a Swedish field that merely repeats the English is caught by a test. Pages
//! read the request's language from the frame ([`use_texts`]); islands get it as a prop and
//! read only [`words`], so the bundle carries the islands' words and nothing else
//! (docs/decisions.md, "Swedish and English").
mod en;
mod sv;

pub use crate::model::lang::Lang;

/// What islands and errors say.
pub struct Words {
    pub email: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub signed_in: &'static str,
    pub name: &'static str,
    pub role: &'static str,
    pub role_admin: &'static str,
    pub role_manager: &'static str,
    pub role_employee: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub repeat_password: &'static str,
    pub change_password: &'static str,
    pub password_changed: &'static str,
    pub one_time_code: &'static str,
    pub one_time_code_hint: &'static str,
    pub password_hint: &'static str,
    pub set_password: &'static str,
    pub password_is_set: &'static str,
    pub errors: &'static ErrorWords,
}

/// Errors and the problems a person can fix, in plain words.
pub struct ErrorWords {
    pub internal: &'static str,
    pub unreachable: &'static str,
    pub bad_request: &'static str,
    pub not_signed_in: &'static str,
    pub forbidden: &'static str,
    pub credentials: &'static str,
    pub throttled: fn(u64) -> String,
    pub busy: fn(u64) -> String,
    pub bad_link: &'static str,
    pub last_admin: &'static str,
    pub passwords_differ: &'static str,
    pub current_password_wrong: &'static str,
    pub password_too_short: fn(u32) -> String,
    pub password_too_long: fn(u32) -> String,
    pub password_weak: &'static str,
    pub weak_common: &'static str,
    pub weak_pattern: &'static str,
    pub weak_dates: &'static str,
    pub weak_words: &'static str,
    pub password_personal: &'static str,
    pub password_reused: &'static str,
    pub min_password_len: &'static str,
    pub bad_date: &'static str,
    pub unknown_action: &'static str,
    pub own_account: &'static str,
    pub no_such_account: &'static str,
    pub duplicate_email: &'static str,
    pub invalid_email: &'static str,
    pub invalid_name: &'static str,
    pub too_many_events: fn(u32) -> String,
    pub bad_language: &'static str,
    pub bad_time_zone: &'static str,
    pub org_name: &'static str,
    pub check_form: &'static str,
    pub unreadable: &'static str,
    pub pnr_empty: &'static str,
    pub pnr_characters: &'static str,
    pub pnr_length: &'static str,
    pub pnr_separator: &'static str,
    pub pnr_plus: &'static str,
    pub pnr_month: &'static str,
    pub pnr_day: &'static str,
    pub pnr_future: &'static str,
    pub pnr_check_digit: &'static str,
    pub duplicate_personnummer: &'static str,
    pub no_such_person: &'static str,
    pub employee_number: &'static str,
    pub gender: &'static str,
    pub unit_name: &'static str,
    pub no_such_unit: &'static str,
    pub unit_cycle: &'static str,
    pub unit_too_deep: &'static str,
    pub unit_not_empty: &'static str,
    pub job_title: &'static str,
    pub end_before_start: &'static str,
    pub rate: &'static str,
    pub salary: &'static str,
    pub own_manager: &'static str,
    pub no_such_manager: &'static str,
    pub manager_cycle: &'static str,
    pub no_such_employment: &'static str,
    pub own_person: &'static str,
    pub import_not_clean: &'static str,
    pub import_file: &'static str,
    pub import_changed: &'static str,
    pub confirm_erase: &'static str,
}

/// What pages say (server-rendered only).
pub struct Texts {
    pub words: &'static Words,
    pub frame: FrameTexts,
    pub home: HomeTexts,
    pub sign_in: SignInTexts,
    pub account: AccountTexts,
    pub users: UsersTexts,
    pub logbook: LogbookTexts,
    pub organisation: OrganisationTexts,
    pub gate: GateTexts,
    pub not_found: NotFoundTexts,
    pub done: DoneTexts,
    pub error_pages: ErrorPageTexts,
    pub actions: ActionTexts,
    pub mail: MailTexts,
}

/// The e-mail with a one-time link, in the organisation's default language.
pub struct MailTexts {
    pub invite_subject: fn(&str) -> String,
    pub invite_intro: fn(&str) -> String,
    pub reset_subject: fn(&str) -> String,
    pub reset_intro: fn(&str) -> String,
    pub greeting: fn(&str) -> String,
    pub closing: &'static str,
}

pub struct FrameTexts {
    pub skip_link: &'static str,
    pub main_nav: &'static str,
    pub start: &'static str,
    pub users: &'static str,
    pub logbook: &'static str,
    pub organisation: &'static str,
    pub account: &'static str,
    pub sign_out: &'static str,
    pub sign_in: &'static str,
    pub menu: &'static str,
    pub language: &'static str,
    pub footer: &'static str,
    pub loading: &'static str,
    pub title_suffix: &'static str,
}

pub struct HomeTexts {
    pub title: &'static str,
    pub hello: fn(&str) -> String,
    pub your_role: fn(&str) -> String,
    pub where_to_go: &'static str,
    pub account_title: &'static str,
    pub account_text: &'static str,
    pub users_title: &'static str,
    pub users_text: &'static str,
    pub logbook_title: &'static str,
    pub logbook_text: &'static str,
    pub organisation_title: &'static str,
    pub organisation_text: &'static str,
    pub attention_title: &'static str,
    pub invited_waiting: fn(usize) -> String,
    pub disabled_accounts: fn(usize) -> String,
    pub nothing_waiting: &'static str,
    pub coming_title: &'static str,
    pub coming_manager: &'static str,
    pub coming_employee: &'static str,
    pub hero_title: &'static str,
    pub hero_lead: &'static str,
    pub promises_title: &'static str,
    pub promise_own_db: &'static str,
    pub promise_passwords: &'static str,
    pub promise_logbook: &'static str,
}

pub struct SignInTexts {
    pub signed_out: &'static str,
    pub forgot: &'static str,
    pub set_password_title: &'static str,
}

pub struct AccountTexts {
    pub title: &'static str,
    pub sessions_title: &'static str,
    pub this_device: &'static str,
    pub session_times: fn(&str, &str) -> String,
    pub from_ip: fn(&str) -> String,
    pub end_session: &'static str,
    pub end_other_sessions: &'static str,
}

pub struct UsersTexts {
    pub title: &'static str,
    pub invite_title: &'static str,
    pub invite: &'static str,
    pub reset_link: &'static str,
    pub link_title: &'static str,
    pub link_for: fn(&str) -> String,
    pub link_hand_over: &'static str,
    pub one_time_link: &'static str,
    pub accounts_title: &'static str,
    pub disabled: &'static str,
    pub active: &'static str,
    pub invited: &'static str,
    pub you: &'static str,
    pub save_role: &'static str,
    pub disable: &'static str,
    pub enable: &'static str,
    pub end_sessions: &'static str,
    pub policy_title: &'static str,
    pub min_len_label: &'static str,
    pub policy_hint: &'static str,
    pub save: &'static str,
}

pub struct LogbookTexts {
    pub title: &'static str,
    pub lead: &'static str,
    pub events_title: &'static str,
    pub none: &'static str,
    pub time_in: fn(&str) -> String,
    pub time: &'static str,
    pub who: &'static str,
    pub what: &'static str,
    pub on: &'static str,
    pub outcome: &'static str,
    pub ip: &'static str,
    pub pages: &'static str,
    pub newer: &'static str,
    pub older: &'static str,
    pub page: fn(u32) -> String,
    pub export_title: &'static str,
    pub export_hint: &'static str,
    pub download_csv: &'static str,
    pub filter_label: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub anyone: &'static str,
    pub any_action: &'static str,
    pub show: &'static str,
    pub success: &'static str,
    pub failure: &'static str,
    pub denied: &'static str,
}

pub struct OrganisationTexts {
    pub title: &'static str,
    pub lead: &'static str,
    pub language: &'static str,
    pub language_hint: &'static str,
    pub time_zone: &'static str,
    pub time_zone_hint: &'static str,
    pub save: &'static str,
}

pub struct GateTexts {
    pub no_access: &'static str,
    pub sign_in_title: &'static str,
    pub go_to_sign_in: &'static str,
}

pub struct NotFoundTexts {
    pub title: &'static str,
    pub text: &'static str,
    pub go_start: &'static str,
}

/// What a plain form's redirect says it did (`?done=<code>`).
pub struct DoneTexts {
    pub role: &'static str,
    pub enabled: &'static str,
    pub signed_out_everywhere: &'static str,
    pub policy: &'static str,
    pub revoked: &'static str,
    pub password: &'static str,
    pub password_set: &'static str,
    pub settings: &'static str,
    pub invited: &'static str,
    pub reset_link: &'static str,
    pub link_emailed: &'static str,
}

/// Pages the server answers outside the app (no organisation known yet, or the app failed):
/// shown in both languages.
pub struct ErrorPageTexts {
    pub go_start: &'static str,
    pub bad_address: (&'static str, &'static str),
    pub unknown_tenant: (&'static str, &'static str),
    pub disabled: (&'static str, &'static str),
    pub unavailable: (&'static str, &'static str),
    pub refused: (&'static str, &'static str),
    pub no_file: (&'static str, &'static str),
    pub internal: (&'static str, &'static str),
    pub too_large_title: &'static str,
    pub too_large: fn(usize) -> String,
}

/// Each logbook event type in words (the technical name is shown beside it).
pub struct ActionTexts {
    pub tenant_created: &'static str,
    pub tenant_disabled: &'static str,
    pub tenant_enabled: &'static str,
    pub organisation_renamed: &'static str,
    pub organisation_settings_changed: &'static str,
    pub password_policy_changed: &'static str,
    pub sign_in_succeeded: &'static str,
    pub sign_in_failed: &'static str,
    pub signed_out: &'static str,
    pub sign_in_throttled: &'static str,
    pub sign_in_busy: &'static str,
    pub password_changed: &'static str,
    pub password_check_failed: &'static str,
    pub session_revoked: &'static str,
    pub session_evicted: &'static str,
    pub sessions_ended_by_admin: &'static str,
    pub reset_link_issued: &'static str,
    pub csrf_rejected: &'static str,
    pub access_denied: &'static str,
    pub user_created: &'static str,
    pub user_invited: &'static str,
    pub role_changed: &'static str,
    pub user_disabled: &'static str,
    pub user_enabled: &'static str,
    pub talk_note_viewed: &'static str,
    pub logbook_pruned: &'static str,
    pub logbook_exported: &'static str,
    pub data_key_created: &'static str,
    pub data_key_rotated: &'static str,
    pub data_key_retired: &'static str,
    pub rewrap_finished: &'static str,
    pub rewrap_interrupted: &'static str,
    pub master_key_rotated: &'static str,
    pub field_unreadable: &'static str,
    pub person_created: &'static str,
    pub person_updated: &'static str,
    pub person_deleted: &'static str,
    pub person_viewed: &'static str,
    pub personnummer_revealed: &'static str,
    pub org_unit_created: &'static str,
    pub org_unit_changed: &'static str,
    pub org_unit_deleted: &'static str,
    pub employment_created: &'static str,
    pub employment_changed: &'static str,
    pub employment_deleted: &'static str,
    pub people_imported: &'static str,
}

/// The page catalogue for `lang` (server side).
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Sv => &sv::TEXTS,
        Lang::En => &en::TEXTS,
    }
}

/// What islands and errors say in `lang`. A static of its own, so an island that reads it does
/// not pull the page catalogue into the bundle.
pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Sv => &sv::WORDS,
        Lang::En => &en::WORDS,
    }
}

/// This request's language (from the frame: the person's cookie, else the organisation's).
pub fn use_lang() -> Lang {
    crate::components::auth::use_frame().lang
}

/// This request's page catalogue.
pub fn use_texts() -> &'static Texts {
    texts(use_lang())
}

impl ActionTexts {
    /// An event type's words; the technical name itself for one this build does not know.
    pub fn words<'a>(&'static self, action: &'a str) -> &'a str {
        match action {
            "tenant.created" => self.tenant_created,
            "tenant.disabled" => self.tenant_disabled,
            "tenant.enabled" => self.tenant_enabled,
            "organisation.renamed" => self.organisation_renamed,
            "organisation.settings.changed" => self.organisation_settings_changed,
            "organisation.password_policy.changed" => self.password_policy_changed,
            "auth.sign_in.succeeded" => self.sign_in_succeeded,
            "auth.sign_in.failed" => self.sign_in_failed,
            "auth.signed_out" => self.signed_out,
            "auth.sign_in.throttled" => self.sign_in_throttled,
            "auth.sign_in.busy" => self.sign_in_busy,
            "auth.password.changed" => self.password_changed,
            "auth.password.check_failed" => self.password_check_failed,
            "auth.session.revoked" => self.session_revoked,
            "auth.session.evicted" => self.session_evicted,
            "auth.sessions.ended_by_admin" => self.sessions_ended_by_admin,
            "auth.reset_link.issued" => self.reset_link_issued,
            "auth.csrf.rejected" => self.csrf_rejected,
            "auth.access.denied" => self.access_denied,
            "user.created" => self.user_created,
            "user.invited" => self.user_invited,
            "user.role.changed" => self.role_changed,
            "user.disabled" => self.user_disabled,
            "user.enabled" => self.user_enabled,
            "talk.note.viewed" => self.talk_note_viewed,
            "logbook.pruned" => self.logbook_pruned,
            "logbook.exported" => self.logbook_exported,
            "keys.data_key.created" => self.data_key_created,
            "keys.data_key.rotated" => self.data_key_rotated,
            "keys.data_key.retired" => self.data_key_retired,
            "keys.rewrap.finished" => self.rewrap_finished,
            "keys.rewrap.interrupted" => self.rewrap_interrupted,
            "keys.master.rotated" => self.master_key_rotated,
            "crypto.field.unreadable" => self.field_unreadable,
            "person.created" => self.person_created,
            "person.updated" => self.person_updated,
            "person.deleted" => self.person_deleted,
            "person.viewed" => self.person_viewed,
            "person.personnummer.revealed" => self.personnummer_revealed,
            "org_unit.created" => self.org_unit_created,
            "org_unit.changed" => self.org_unit_changed,
            "org_unit.deleted" => self.org_unit_deleted,
            "employment.created" => self.employment_created,
            "employment.changed" => self.employment_changed,
            "employment.deleted" => self.employment_deleted,
            "people.imported" => self.people_imported,
            other => other,
        }
    }
}

#[cfg(test)]
mod tests;
