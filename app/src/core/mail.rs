//! E-mailing one-time links, when an SMTP server is configured (optional: without one, admins
//! hand links over themselves). The SMTP URL holds a password, so it comes from the environment
//! only and never appears in a log line or an error.
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
    #[error("the recipient address is not valid")]
    To,
    #[error("the message could not be built")]
    Build,
    #[error("the SMTP server did not take the message: {0}")]
    Send(String),
}

/// What a link is for: the subject and first line of the e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkMail {
    Invite,
    Reset,
}

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Whether the URL's host is this machine (a local relay may be spoken to without TLS).
fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else { return false };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl Mailer {
    /// `url`: `smtps://user:pass@host:465` (TLS), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS), or `smtp://localhost:25` (plain, loopback only).
    pub fn new(url: &str, from: &str) -> Result<Self, MailError> {
        let tls = url.starts_with("smtps://") || url.contains("tls=required");
        if !tls && !is_loopback_url(url) {
            return Err(MailError::Plaintext);
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|_| MailError::Url)?.build();
        let from = from.parse::<Mailbox>().map_err(|_| MailError::From)?;
        Ok(Self { transport, from })
    }

    /// Sends `link` to `to`. The text names the organisation and the person, nothing else.
    pub async fn send_link(&self, to: &str, name: &str, organisation: &str, link: &str, what: LinkMail) -> Result<(), MailError> {
        let to = Mailbox::new(Some(name.to_string()), to.parse().map_err(|_| MailError::To)?);
        let (subject, intro) = match what {
            LinkMail::Invite => (
                format!("Your Samtal account at {organisation}"),
                format!("You have been invited to Samtal at {organisation}. Choose your password here:"),
            ),
            LinkMail::Reset => (
                format!("Set a new Samtal password for {organisation}"),
                format!("A new password was requested for your Samtal account at {organisation}. Choose it here:"),
            ),
        };
        let body = format!(
            "Hello {name},\n\n{intro}\n\n{link}\n\nThe link works once and for 24 hours. If you did not expect this \
             e-mail, ignore it and tell your HR department.\n"
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|_| MailError::Build)?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| MailError::Send(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_smtp_only_to_this_machine() {
        assert!(matches!(Mailer::new("smtp://mail.example.se:25", "a@b.se"), Err(MailError::Plaintext)));
        assert!(matches!(Mailer::new("smtp://user:pw@10.0.0.5", "a@b.se"), Err(MailError::Plaintext)));
        assert!(Mailer::new("smtp://127.0.0.1:2525", "Samtal <noreply@example.se>").is_ok());
        assert!(Mailer::new("smtp://[::1]:25", "noreply@example.se").is_ok());
        assert!(Mailer::new("smtp://localhost", "noreply@example.se").is_ok());
        assert!(Mailer::new("smtps://user:pw@mail.example.se", "noreply@example.se").is_ok());
        assert!(Mailer::new("smtp://user:pw@mail.example.se:587?tls=required", "noreply@example.se").is_ok());
        assert!(matches!(Mailer::new("smtp://localhost", "not an address"), Err(MailError::From)));
    }

    #[test]
    fn errors_never_repeat_the_url() {
        let e = Mailer::new("smtps://user:s3cret@", "noreply@example.se").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(!e.contains("s3cret"), "{e}");
    }
}
