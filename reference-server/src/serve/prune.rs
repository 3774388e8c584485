//! Pruning: expired sessions and single-use tokens are deleted, and the login limiter forgets what no
//! longer limits anyone. Expiry is judged by the server's clock; the pruner runs every
//! [`EVERY`] of real time, and at once when the test-only endpoint moves the clock.

use std::time::Duration;

use super::app::App;

/// How often the pruner runs.
pub(crate) const EVERY: Duration = Duration::from_secs(60);

/// What one run removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Pruned {
    pub sessions: usize,
    pub tokens: usize,
}

/// Prunes once, at the server's now: a write through the writer (durable like any other).
pub(crate) async fn once(app: &App) -> Result<Pruned, super::app::ApiError> {
    let now = app.clock.now();
    app.limiter.lock().expect("limiter").prune(now);
    let expired: Vec<String> = app
        .sessions
        .read()
        .expect("sessions")
        .iter()
        .filter(|(_, s)| s.expires <= now)
        .map(|(h, _)| h.clone())
        .collect();
    let app2 = app.clone();
    app.write(move |ctx| {
        for hash in &expired {
            ctx.db.delete_session(hash)?;
        }
        let tokens = ctx.db.prune_tokens(now)?;
        let pruned = Pruned { sessions: expired.len(), tokens };
        let then = Box::new(move || {
            let mut sessions = app2.sessions.write().expect("sessions");
            for hash in &expired {
                sessions.remove(hash);
            }
        });
        Ok((pruned, Some(then as Box<dyn FnOnce() + Send>)))
    })
    .await
}

/// Starts the periodic pruner.
pub(crate) fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            if let Err(e) = once(&app).await {
                eprintln!("tsuen: pruning failed: {}", e.message);
            }
        }
    })
}
