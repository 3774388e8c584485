//! The one writer: applies writes in order and commits them durably before they are answered.
//!
//! Handlers send jobs; the writer thread takes every job waiting (group commit), runs each in its own
//! savepoint of one transaction (a refused job rolls back alone), commits once (one fsync for the
//! batch), and only then answers each job. Readers read the in-memory world under a read lock that
//! is never held across an fsync.

use std::sync::mpsc;
use std::sync::{Arc, RwLock};

use rusqlite::Connection;
use tsuen::{Applied, Op, World};

use super::clock::ServerClock;
use super::store::Store;

/// What a job leaves to do once its batch is committed: answer its caller, update caches.
pub(crate) type AfterCommit = Box<dyn FnOnce() + Send>;

/// A write: runs inside the batch's transaction; says whether to keep its changes.
pub(crate) type Job = Box<dyn FnOnce(&mut Ctx<'_>) -> (bool, AfterCommit) + Send>;

/// The most jobs in one commit.
const MAX_BATCH: usize = 512;

/// What a job can touch.
pub(crate) struct Ctx<'a> {
    pub db: &'a dyn Store,
    world: &'a RwLock<World>,
    pub clock: &'a ServerClock,
    /// Engine writes this job has applied: a job that fails after one cannot be rolled back in
    /// memory, so the writer stops the process (the durable log stays consistent).
    applied: usize,
}

impl Ctx<'_> {
    /// Reads the world (the writer is its only writer: what a job reads stays true until it applies).
    pub(crate) fn world(&self) -> std::sync::RwLockReadGuard<'_, World> {
        self.world.read().expect("world lock")
    }

    /// Applies an engine write at the server's now and logs it. Call it last in a job: once it has
    /// succeeded, the job must not fail.
    pub(crate) fn apply(&mut self, op: &Op) -> Result<Applied, tsuen::Error> {
        let now = self.clock.engine_now();
        let mut world = self.world.write().expect("world lock");
        world.set_now(now);
        let applied = world.apply(op)?;
        drop(world);
        self.applied += 1;
        let json = serde_json::to_string(op).expect("ops serialize");
        self.db.log_event(&now.to_string(), &json).unwrap_or_else(|e| fatal(&format!("cannot log an event: {e}")));
        Ok(applied)
    }
}

/// The writer cannot go on without losing the order of writes: stop the process (a restart replays
/// the durable log; nothing answered is lost).
pub(crate) fn fatal(msg: &str) -> ! {
    eprintln!("tsuen: fatal: {msg}");
    std::process::abort()
}

/// Starts the writer thread. It ends when every sender is dropped, after its last batch.
pub(crate) fn spawn(
    mut conn: Connection,
    world: Arc<RwLock<World>>,
    clock: Arc<ServerClock>,
) -> (mpsc::Sender<Job>, std::thread::JoinHandle<Connection>) {
    let (tx, rx) = mpsc::channel::<Job>();
    let handle = std::thread::Builder::new()
        .name("tsuen-writer".into())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                run_batch(&mut conn, &world, &clock, batch);
            }
            conn
        })
        .expect("writer thread");
    (tx, handle)
}

fn run_batch(conn: &mut Connection, world: &RwLock<World>, clock: &ServerClock, batch: Vec<Job>) {
    let mut tx = conn.transaction().unwrap_or_else(|e| fatal(&format!("cannot begin: {e}")));
    let mut after = Vec::with_capacity(batch.len());
    for job in batch {
        let sp = tx.savepoint().unwrap_or_else(|e| fatal(&format!("cannot open a savepoint: {e}")));
        let mut ctx = Ctx { db: &*sp, world, clock, applied: 0 };
        // A panic in a job may leave the world changed and unlogged: stop, the log stays right.
        let (keep, then) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut ctx)))
            .unwrap_or_else(|_| fatal("a write panicked"));
        if !keep && ctx.applied > 0 {
            fatal("a write failed after changing the engine's world");
        }
        if keep {
            sp.commit().unwrap_or_else(|e| fatal(&format!("cannot release a savepoint: {e}")));
        } else {
            drop(sp); // rolls back
        }
        after.push(then);
    }
    tx.commit().unwrap_or_else(|e| fatal(&format!("cannot commit: {e}")));
    for then in after {
        then();
    }
}
