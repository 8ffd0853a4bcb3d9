//! The export as a page to read and print: the same data as the JSON file, every value escaped
//! (names and talk texts are what users wrote), no script, the site's own style sheet.
use std::fmt::Write;

use crate::{
    core::gdpr::export::{PersonExport, TalkData},
    i18n::{texts, GdprTexts},
    model::{
        format::{format_percent, format_sek},
        lang::Lang,
        talks::Preparation,
    },
};

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map(esc).unwrap_or_else(|| "–".into())
}

fn none_if_empty(out: &mut String, empty: bool) {
    if empty {
        out.push_str("<p class=\"empty\">–</p>");
    }
}

fn facts(out: &mut String, rows: &[(&str, String)]) {
    out.push_str("<dl class=\"facts\">");
    for (k, v) in rows {
        let _ = write!(out, "<dt>{}</dt><dd>{v}</dd>", esc(k));
    }
    out.push_str("</dl>");
}

fn answers(out: &mut String, g: &GdprTexts, talk: &TalkData, prep: &Option<Preparation>, title: &str) {
    let _ = write!(out, "<h4>{}</h4>", esc(title));
    let Some(prep) = prep else {
        let _ = write!(out, "<p class=\"hint\">{}</p>", esc(g.not_shown_yet));
        return;
    };
    out.push_str("<dl class=\"facts\">");
    for q in talk.questions.questions() {
        if let Some(a) = prep.get(&q.id) {
            let rating = match (a.rating, &q.scale) {
                (Some(r), Some(scale)) => {
                    format!(" ({r}: {})", esc(scale.get(usize::from(r).saturating_sub(1)).map_or("", |s| s.as_str())))
                }
                (Some(r), None) => format!(" ({r})"),
                _ => String::new(),
            };
            let _ = write!(out, "<dt>{}</dt><dd class=\"prose\">{}{rating}</dd>", esc(&q.text), esc(&a.text));
        }
    }
    out.push_str("</dl>");
}

/// The whole document.
pub fn render(e: &PersonExport, lang: Lang) -> String {
    let t = texts(lang);
    let g = t.gdpr;
    let tt = t.talks;
    let name = format!("{} {}", e.person.given_name, e.person.family_name);
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · {}</title><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\
         <link rel=\"stylesheet\" href=\"/pkg/samtal.css\"></head>\
         <body class=\"export\"><main id=\"main\"><h1>{}</h1><p>{} {} · {}</p>",
        lang.code(),
        esc(g.export_title),
        esc(&name),
        esc(&name),
        esc(g.exported_at),
        esc(&e.exported_at),
        esc(&e.organisation),
    );
    let p = &e.person;
    let _ = write!(out, "<section class=\"card\" id=\"export-person\"><h2>{}</h2>", esc(g.export_person));
    facts(
        &mut out,
        &[
            (t.people.personnummer, esc(&p.personnummer)),
            (t.people.given_name, esc(&p.given_name)),
            (t.people.family_name, esc(&p.family_name)),
            (t.people.email, opt(&p.email)),
            (t.people.employee_number, opt(&p.employee_number)),
            (t.people.gender, esc(crate::pages::people::gender_word(&t.people, p.gender))),
        ],
    );
    out.push_str("</section>");
    let _ = write!(out, "<section class=\"card\" id=\"export-employments\"><h2>{}</h2>", esc(t.people.employments));
    none_if_empty(&mut out, e.employments.is_empty());
    for j in &e.employments {
        facts(
            &mut out,
            &[
                (t.people.unit, esc(&j.unit)),
                (t.people.job_title, esc(&j.job_title)),
                (t.people.manager, opt(&j.manager)),
                (t.people.start_date, esc(&j.start_date)),
                (t.people.end_date, opt(&j.end_date)),
                (t.people.rate, esc(&format_percent(j.rate_bp))),
                (t.people.salary, esc(&format_sek(j.monthly_salary_ore))),
            ],
        );
    }
    out.push_str("</section>");
    let _ = write!(out, "<section class=\"card\" id=\"export-accounts\"><h2>{}</h2>", esc(g.export_accounts));
    none_if_empty(&mut out, e.accounts.is_empty());
    for a in &e.accounts {
        facts(
            &mut out,
            &[
                (t.people.email, esc(&a.email)),
                (g.export_role, esc(&a.role)),
                (g.export_status, esc(&a.status)),
                (g.export_created, esc(&a.created_at)),
            ],
        );
    }
    let _ = write!(out, "<h3>{}</h3>", esc(g.export_sessions));
    none_if_empty(&mut out, e.sessions.is_empty());
    out.push_str("<ul>");
    for s in &e.sessions {
        let _ = write!(
            out,
            "<li>{} – {} · {} · {}</li>",
            esc(&s.created_at),
            esc(&s.last_seen_at),
            opt(&s.ip),
            opt(&s.user_agent)
        );
    }
    out.push_str("</ul></section>");
    let _ = write!(out, "<section class=\"card\" id=\"export-talks\"><h2>{}</h2>", esc(g.export_talks));
    none_if_empty(&mut out, e.talks.is_empty() && e.talks_as_manager.is_empty());
    for talk in &e.talks {
        let _ = write!(out, "<article class=\"export-talk\"><h3>{}</h3>", esc(&talk.round));
        facts(
            &mut out,
            &[
                (tt.status, esc(crate::pages::talks::status_word(tt, talk.status))),
                (tt.manager, opt(&talk.manager)),
                (tt.when, opt(&talk.scheduled_at)),
                (g.export_signed, opt(&talk.signed_at)),
            ],
        );
        answers(&mut out, g, talk, &talk.preparation, tt.employee_answer);
        answers(&mut out, g, talk, &talk.manager_assessment, tt.manager_answer);
        for (title, text) in [(g.export_notes, &talk.notes), (g.export_actions, &talk.actions)] {
            let _ = write!(out, "<h4>{}</h4><p class=\"prose\">{}</p>", esc(title), esc(text));
        }
        if let Some(c) = &talk.comment {
            let _ = write!(out, "<h4>{}</h4><p class=\"prose\">{}</p>", esc(tt.comment), esc(c));
        }
        for a in &talk.addenda {
            let _ = write!(
                out,
                "<p class=\"prose\"><strong>{} · {}</strong><br>{}</p>",
                opt(&a.author),
                esc(&a.at),
                esc(&a.text)
            );
        }
        out.push_str("</article>");
    }
    if !e.talks_as_manager.is_empty() {
        let _ = write!(out, "<h3>{}</h3><ul>", esc(g.export_held));
        for h in &e.talks_as_manager {
            let _ = write!(
                out,
                "<li>{} · {} · {}</li>",
                esc(&h.round),
                esc(&h.employee),
                esc(crate::pages::talks::status_word(tt, h.status))
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
    let notes = &e.private_notes;
    if notes.count > 0 {
        let _ = write!(out, "<section class=\"card\" id=\"export-private\"><h2>{}</h2>", esc(g.export_private));
        if notes.included {
            for n in &notes.notes {
                let _ =
                    write!(out, "<p class=\"prose\"><strong>{}</strong><br>{}</p>", esc(&n.updated_at), esc(&n.text));
            }
        } else {
            let _ = write!(out, "<p>{}</p>", esc(&(g.export_private_withheld)(notes.count)));
        }
        out.push_str("</section>");
    }
    let _ = write!(
        out,
        "<section class=\"card\" id=\"export-logbook\"><h2>{}</h2><ol class=\"log\">",
        esc(g.export_logbook)
    );
    for ev in &e.logbook.events {
        let _ = write!(
            out,
            "<li><time>{}</time> {} · {}</li>",
            esc(&ev.at),
            esc(t.actions.words(&ev.action)),
            esc(&ev.actor)
        );
    }
    out.push_str("</ol></section></main></body></html>");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_in_a_value_stays_text() {
        assert_eq!(
            super::esc("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
