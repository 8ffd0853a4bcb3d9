//! E-mailing one-time links, when an SMTP server is configured (optional: without one, admins
//! hand links over themselves). The SMTP URL holds a password, so it comes from the environment
//! only and never appears in a log line or an error.
use crate::core::auth::tokens::Purpose;
use lettre::{
    message::{header::ContentType, Mailbox},
    transport::smtp::AsyncSmtpTransport,
    AsyncTransport, Message, Tokio1Executor,
};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Deliberately without the URL: it may hold the SMTP password.
    #[error("SAMTAL_SMTP_URL is not a valid smtps:// or smtp:// URL")]
    Url,
    #[error("plain smtp:// is only allowed to a relay on this machine; use smtps:// or smtp://…?tls=required")]
    Plaintext,
    #[error("the sender address is not valid (e.g. \"Samtal <noreply@example.se>\")")]
    From,
    #[error("--mail-link-base must be https://… (http:// only for *.localhost) without a path, e.g. https://{{tenant}}.samtal.example.se")]
    LinkBase,
    #[error("the recipient address is not valid")]
    To,
    #[error("the message could not be built")]
    Build,
    /// Only the kind and the SMTP code: the server's own words may repeat the recipient's address.
    #[error("the SMTP server did not take the message ({0})")]
    Send(String),
}

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    link_base: String,
}

impl Mailer {
    /// `smtp_url`: `smtps://user:pass@host:465` (TLS), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS), or `smtp://localhost:25` (plain, loopback only). `link_base`: where links
    /// point, `{tenant}` standing for the organisation's slug — `https://{tenant}.samtal.example.se`,
    /// or `https://hr.example.se` on a single-tenant server. Links are never built from a
    /// request's Host header, so no request can make Samtal mail a link that leads elsewhere.
    pub fn new(smtp_url: &str, from: &str, link_base: &str) -> Result<Self, MailError> {
        let parsed = url::Url::parse(smtp_url).map_err(|_| MailError::Url)?;
        let tls = match parsed.scheme() {
            "smtps" => true,
            "smtp" => parsed.query_pairs().any(|(k, v)| k == "tls" && v == "required"),
            _ => return Err(MailError::Url),
        };
        let loopback = match parsed.host() {
            // smtp:// is not a "special" scheme, so an IPv4 address arrives as an opaque name.
            Some(url::Host::Domain(d)) => {
                d == "localhost" || d.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
            }
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        if !tls && !loopback {
            return Err(MailError::Plaintext);
        }
        let base = link_base.trim_end_matches('/');
        let check = url::Url::parse(&base.replace("{tenant}", "acme")).map_err(|_| MailError::LinkBase)?;
        let local = matches!(check.host(), Some(url::Host::Domain(d)) if d == "localhost" || d.ends_with(".localhost"));
        let scheme_ok = check.scheme() == "https" || (check.scheme() == "http" && local);
        if !scheme_ok || check.path() != "/" || check.query().is_some() || check.fragment().is_some() {
            return Err(MailError::LinkBase);
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url).map_err(|_| MailError::Url)?.build();
        let from = from.parse::<Mailbox>().map_err(|_| MailError::From)?;
        Ok(Self { transport, from, link_base: base.to_string() })
    }

    /// The absolute link for `path` at the organisation `slug`.
    pub fn link(&self, slug: &str, path: &str) -> String {
        format!("{}{path}", self.link_base.replace("{tenant}", slug))
    }

    /// Sends `link` to `to` in `lang` (the organisation's default: the person has picked none
    /// yet); `what` picks the subject and first line. The text names the organisation and the
    /// person, nothing else.
    pub async fn send_link(
        &self,
        to: &str,
        name: &str,
        organisation: &str,
        link: &str,
        what: Purpose,
        lang: crate::model::lang::Lang,
    ) -> Result<(), MailError> {
        let t = &crate::i18n::texts(lang).mail;
        let to = Mailbox::new(Some(name.to_string()), to.parse().map_err(|_| MailError::To)?);
        let (subject, intro) = match what {
            Purpose::Invite => ((t.invite_subject)(organisation), (t.invite_intro)(organisation)),
            Purpose::Reset => ((t.reset_subject)(organisation), (t.reset_intro)(organisation)),
        };
        let body = format!("{}\n\n{intro}\n\n{link}\n\n{}\n", (t.greeting)(name), t.closing);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|_| MailError::Build)?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| {
            let kind = if e.is_permanent() {
                "refused"
            } else if e.is_transient() {
                "try again later"
            } else if e.is_timeout() {
                "timed out"
            } else {
                "no connection"
            };
            MailError::Send(match e.status() {
                Some(code) => format!("{kind}, code {code}"),
                None => kind.to_string(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://{tenant}.samtal.example.se";

    #[test]
    fn plaintext_smtp_only_to_this_machine() {
        let m = |url: &str, from: &str| Mailer::new(url, from, BASE);
        assert!(matches!(m("smtp://mail.example.se:25", "a@b.se"), Err(MailError::Plaintext)));
        assert!(matches!(m("smtp://user:pw@10.0.0.5", "a@b.se"), Err(MailError::Plaintext)));
        // "tls=required" inside the password is not the tls setting.
        assert!(matches!(m("smtp://u:tls=required@mail.example.se", "a@b.se"), Err(MailError::Plaintext)));
        // A fragment that looks like a loopback host is not the host.
        assert!(matches!(m("smtp://evil.example#@127.0.0.1", "a@b.se"), Err(MailError::Plaintext)));
        assert!(m("smtp://127.0.0.1:2525", "Samtal <noreply@example.se>").is_ok());
        assert!(matches!(m("smtp://127.0.0.1.evil.example", "a@b.se"), Err(MailError::Plaintext)));
        assert!(m("smtp://[::1]:25", "noreply@example.se").is_ok());
        assert!(m("smtp://localhost", "noreply@example.se").is_ok());
        assert!(m("smtps://user:pw@mail.example.se", "noreply@example.se").is_ok());
        assert!(m("smtp://user:pw@mail.example.se:587?tls=required", "noreply@example.se").is_ok());
        assert!(matches!(m("smtp://localhost", "not an address"), Err(MailError::From)));
    }

    #[test]
    fn links_come_from_the_configured_base_only() {
        let ok = Mailer::new("smtp://localhost", "noreply@example.se", BASE).expect("mailer");
        assert_eq!(ok.link("acme", "/set-password#token=x"), "https://acme.samtal.example.se/set-password#token=x");
        let single = Mailer::new("smtp://localhost", "noreply@example.se", "https://hr.example.se/").expect("single");
        assert_eq!(single.link("acme", "/p"), "https://hr.example.se/p");
        for bad in
            ["http://{tenant}.samtal.example.se", "https://x.se/path", "https://x.se/?q=1", "not a url", "ftp://x.se"]
        {
            assert!(matches!(Mailer::new("smtp://localhost", "a@b.se", bad), Err(MailError::LinkBase)), "{bad}");
        }
        assert!(Mailer::new("smtp://localhost", "a@b.se", "http://{tenant}.localhost:3000").is_ok());
    }

    #[test]
    fn errors_never_repeat_the_url() {
        let e = Mailer::new("smtps://user:s3cret@", "noreply@example.se", BASE)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(!e.contains("s3cret"), "{e}");
    }
}
