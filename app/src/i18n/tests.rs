use super::*;

/// The words a language must have: every field, both languages, and the Swedish not merely the
/// English copied (the few words that are the same in both are named).
#[test]
fn swedish_is_not_english_copied() {
    let same_in_both = ["Start", "Organisation", "Samtal"];
    let (sv, en) = (texts(Lang::Sv), texts(Lang::En));
    let pairs = [
        (sv.words.email, en.words.email),
        (sv.words.password, en.words.password),
        (sv.words.sign_in, en.words.sign_in),
        (sv.words.role_admin, en.words.role_admin),
        (sv.words.role_manager, en.words.role_manager),
        (sv.words.role_employee, en.words.role_employee),
        (sv.words.password_hint, en.words.password_hint),
        (sv.users.one_time_link, en.users.one_time_link),
        (sv.frame.footer, en.frame.footer),
        (sv.frame.language, en.frame.language),
        (sv.frame.main_nav, en.frame.main_nav),
        (sv.home.hero_title, en.home.hero_title),
        (sv.home.nothing_waiting, en.home.nothing_waiting),
        (sv.users.link_hand_over, en.users.link_hand_over),
        (sv.logbook.download_csv, en.logbook.download_csv),
        (sv.done.link_emailed, en.done.link_emailed),
        (sv.logbook.lead, en.logbook.lead),
        (sv.organisation.time_zone_hint, en.organisation.time_zone_hint),
        (sv.done.settings, en.done.settings),
        (sv.error_pages.unknown_tenant.1, en.error_pages.unknown_tenant.1),
        (sv.not_found.text, en.not_found.text),
    ];
    for (s, e) in pairs {
        assert!(!s.is_empty() && !e.is_empty());
        if !same_in_both.contains(&e) {
            assert_ne!(s, e, "not translated: {e}");
        }
    }
    assert_eq!((sv.home.hello)("Anna"), "Hej, Anna");
    assert_eq!((en.home.hello)("Anna"), "Hello, Anna");
    assert_eq!((sv.users.link_for)("Anna"), "Till Anna.");
    assert_eq!((en.users.link_for)("Anna"), "For Anna.");
    assert_ne!((sv.home.invited_waiting)(3), (en.home.invited_waiting)(3));
}

#[test]
fn a_language_is_named_in_itself_whatever_the_page_speaks() {
    assert_eq!(Lang::Sv.own_name(), "Svenska");
    assert_eq!(Lang::En.own_name(), "English");
}
