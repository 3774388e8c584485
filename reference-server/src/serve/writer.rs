//! The one writer: applies writes in order and commits them durably before they are answered.
//!
//! Handlers send jobs; the writer thread takes every job waiting (group commit), runs each in its own
//! savepoint of one transaction (a refused job rolls back alone), commits once (one fsync for the
//! batch), and only then answers each job.
//!
//! Two copies of the engine's world: the writer's own, on which jobs decide and apply (a job sees the
//! jobs before it in its batch), and the readers' (`Shared::world`). The batch's engine writes reach
//! the readers' copy only after the commit, replayed in order under its write lock (microseconds per
//! write, never across an fsync): a reader never sees a write that a crash could still undo.

use std::sync::mpsc;
use std::sync::{Arc, RwLock};

use rusqlite::Connection;
use tsuen::{Applied, Now, Op, World};

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
    world: &'a mut World,
    pub clock: &'a ServerClock,
    /// Engine writes this job has applied, with their now: a job that fails after one cannot be
    /// rolled back in memory, so the writer stops the process (the durable log stays consistent).
    applied: Vec<(Now, Op)>,
}

impl Ctx<'_> {
    /// The writer's world, with every write of this batch so far (the writer is its only writer:
    /// what a job reads stays true until it applies).
    pub(crate) fn world(&self) -> &World {
        self.world
    }

    /// Applies an engine write at the server's now and logs it. Call it last in a job: once it has
    /// succeeded, the job must not fail.
    pub(crate) fn apply(&mut self, op: &Op) -> Result<Applied, tsuen::Error> {
        let now = self.clock.engine_now();
        self.world.set_now(now);
        let applied = self.world.apply(op)?;
        self.applied.push((now, op.clone()));
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

/// Snapshots while running, so that a restart after a crash replays at most about `every` events
/// (a clean stop writes one too). The writer clones its world (a short pause of the writes: 0.1 to
/// 0.5 s with a million bookings) and a thread serializes the copy and stores it on its own
/// connection.
pub(crate) struct Snapshots {
    pub every: u64,
    pub db_path: std::path::PathBuf,
}

/// The default of `--snapshot-every`: a million-event log took 8 s to replay.
pub(crate) const SNAPSHOT_EVERY: u64 = 200_000;

/// Starts the writer thread with its own copy of the world (`mine`, equal to the readers' `shared`).
/// It ends when every sender is dropped, after its last batch (and any snapshot under way).
pub(crate) fn spawn(
    mut conn: Connection,
    mut mine: World,
    shared: Arc<RwLock<World>>,
    clock: Arc<ServerClock>,
    snapshots: Snapshots,
) -> (mpsc::Sender<Job>, std::thread::JoinHandle<Connection>) {
    let (tx, rx) = mpsc::channel::<Job>();
    let handle = std::thread::Builder::new()
        .name("tsuen-writer".into())
        .spawn(move || {
            let mut since = 0u64;
            let mut running: Option<std::thread::JoinHandle<()>> = None;
            while let Ok(first) = rx.recv() {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                since += run_batch(&mut conn, &mut mine, &shared, &clock, batch) as u64;
                if since >= snapshots.every && running.as_ref().is_none_or(|h| h.is_finished()) {
                    if let Some(h) = running.take() {
                        let _ = h.join();
                    }
                    let seq = conn.last_seq().unwrap_or_else(|e| fatal(&format!("cannot read the log: {e}")));
                    running = Some(snapshot_in_background(mine.clone(), seq, snapshots.db_path.clone()));
                    since = 0;
                }
            }
            if let Some(h) = running {
                let _ = h.join();
            }
            conn
        })
        .expect("writer thread");
    (tx, handle)
}

/// Serializes a copy of the world as of event `seq` and stores it (a failure is logged: the log still
/// has every event, the restart only replays more).
fn snapshot_in_background(copy: World, seq: i64, db_path: std::path::PathBuf) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let json = copy.to_json();
        drop(copy);
        let saved = super::store::open(&db_path)
            .map_err(|e| e.to_string())
            .and_then(|db| db.save_snapshot(seq, &json).map_err(|e| e.to_string()));
        match saved {
            Ok(()) => eprintln!("tsuen: snapshot at event {seq}"),
            Err(e) => eprintln!("tsuen: snapshot at event {seq} failed: {e}"),
        }
    })
}

/// Runs a batch; returns how many engine writes it applied.
fn run_batch(
    conn: &mut Connection,
    mine: &mut World,
    shared: &RwLock<World>,
    clock: &ServerClock,
    batch: Vec<Job>,
) -> usize {
    let mut tx = conn.transaction().unwrap_or_else(|e| fatal(&format!("cannot begin: {e}")));
    let mut after = Vec::with_capacity(batch.len());
    let mut applied = Vec::new();
    for job in batch {
        let sp = tx.savepoint().unwrap_or_else(|e| fatal(&format!("cannot open a savepoint: {e}")));
        let mut ctx = Ctx { db: &*sp, world: &mut *mine, clock, applied: Vec::new() };
        // A panic in a job may leave the world changed and unlogged: stop, the log stays right.
        let (keep, then) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut ctx)))
            .unwrap_or_else(|_| fatal("a write panicked"));
        if !keep && !ctx.applied.is_empty() {
            fatal("a write failed after changing the engine's world");
        }
        applied.append(&mut ctx.applied);
        if keep {
            sp.commit().unwrap_or_else(|e| fatal(&format!("cannot release a savepoint: {e}")));
        } else {
            drop(sp); // rolls back
        }
        after.push(then);
    }
    tx.commit().unwrap_or_else(|e| fatal(&format!("cannot commit: {e}")));
    // Durable: now the readers may see it. The same writes from the same state give the same world.
    if !applied.is_empty() {
        let mut world = shared.write().expect("world lock");
        for (now, op) in &applied {
            world.set_now(*now);
            world.apply(op).unwrap_or_else(|e| fatal(&format!("the readers' world refused a committed write: {e}")));
        }
    }
    for then in after {
        then();
    }
    applied.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write is invisible to readers while its batch is uncommitted, and visible once answered.
    #[test]
    fn readers_see_a_write_only_after_its_commit() {
        let dir = std::env::temp_dir().join(format!("tsuen-writer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let conn = crate::serve::store::open(&dir.join("w.sqlite3")).unwrap();
        let now = Now::parse("2026-01-13T09:00").unwrap();
        let shared = Arc::new(RwLock::new(World::new(now)));
        let clock = Arc::new(ServerClock::fixed(now));
        let snapshots = Snapshots { every: u64::MAX, db_path: dir.join("w.sqlite3") };
        let (tx, handle) = spawn(conn, World::new(now), shared.clone(), clock, snapshots);
        let op: Op = serde_json::from_value(serde_json::json!(
            {"municipality": {"code": "131016", "name": "千代田区", "prefecture": "東京都", "online": true}}
        ))
        .unwrap();
        let readers = shared.clone();
        let (done_tx, done_rx) = mpsc::channel();
        let job: Job = Box::new(move |ctx| {
            ctx.apply(&op).unwrap();
            let writer_sees = ctx.world().municipalities().count();
            let reader_sees = readers.read().unwrap().municipalities().count();
            let events = ctx.db.last_seq().unwrap();
            (true, Box::new(move || done_tx.send((writer_sees, reader_sees, events)).unwrap()))
        });
        tx.send(job).unwrap();
        let (writer_sees, reader_sees, events) = done_rx.recv().unwrap();
        assert_eq!((writer_sees, reader_sees, events), (1, 0, 1), "applied and logged, not yet visible to readers");
        assert_eq!(shared.read().unwrap().municipalities().count(), 1, "visible once answered");
        drop(tx);
        let conn = handle.join().unwrap();
        assert_eq!(conn.last_seq().unwrap(), 1);
        drop(conn);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
