//! Mail: every message goes to the outbox in the same transaction as the write that causes it; where
//! `TSUEN_SMTP_URL` is set (`smtp://HOST:PORT`, a local relay), a sender delivers the outbox over
//! SMTP and marks each message sent. Otherwise the outbox is read on the staff's outbox page.

use std::time::Duration;

use lettre::message::SinglePart;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::{Message, SmtpTransport, Transport};
use time::OffsetDateTime;

use super::app::App;
use super::clock::stamp;
use super::store::{self, Store};

/// Puts a message in the outbox (inside the caller's transaction).
pub(crate) fn queue(db: &dyn Store, to: &str, subject: &str, body: &str, now: OffsetDateTime) -> store::Result<()> {
    db.queue_mail(to, subject, body, &stamp(now))
}

fn smtp_target() -> Option<(String, u16)> {
    let url = std::env::var("TSUEN_SMTP_URL").ok()?;
    let rest = url.strip_prefix("smtp://")?;
    let (host, port) = rest.trim_end_matches('/').rsplit_once(':').unwrap_or((rest, "25"));
    Some((host.to_owned(), port.parse().ok()?))
}

/// Starts the SMTP sender when `TSUEN_SMTP_URL` is set.
pub(crate) fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    let Some((host, port)) = smtp_target() else {
        if std::env::var("TSUEN_SMTP_URL").is_ok() {
            eprintln!("tsuen: TSUEN_SMTP_URL must be smtp://HOST:PORT; mail stays in the outbox");
        }
        return tokio::spawn(async {});
    };
    let from = std::env::var("TSUEN_MAIL_FROM").unwrap_or_else(|_| "tsuen <noreply@tsuen.invalid>".into());
    eprintln!("tsuen: sending mail through {host}:{port}");
    tokio::spawn(async move {
        loop {
            let pending = app.reader.lock().expect("reader").unsent_mail(50).unwrap_or_default();
            for m in pending {
                let (id, to, subject, body) = (m.id, m.to, m.subject, m.body);
                let (host, from) = (host.clone(), from.clone());
                let sent = tokio::task::spawn_blocking(move || send(&host, port, &from, &to, &subject, &body)).await;
                match sent {
                    Ok(Ok(())) => {
                        let _ = app
                            .write(move |ctx| {
                                ctx.db.mark_mail_sent(id, &stamp(ctx.clock.now()))?;
                                Ok(((), None))
                            })
                            .await;
                    }
                    Ok(Err(e)) => eprintln!("tsuen: mail {id} not sent yet: {e}"),
                    Err(e) => eprintln!("tsuen: mail {id}: {e}"),
                }
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    })
}

fn send(host: &str, port: u16, from: &str, to: &str, subject: &str, body: &str) -> Result<(), String> {
    let msg = Message::builder()
        .from(from.parse().map_err(|e| format!("from: {e}"))?)
        .to(to.parse().map_err(|e| format!("to: {e}"))?)
        .subject(subject)
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .header(ContentTransferEncoding::Base64)
                .body(body.to_owned()),
        )
        .map_err(|e| e.to_string())?;
    let transport = SmtpTransport::builder_dangerous(host).port(port).build();
    transport.send(&msg).map(|_| ()).map_err(|e| e.to_string())
}
