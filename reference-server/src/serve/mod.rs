//! `tsuen serve`: the reference portal.

mod api;
mod app;
mod audit;
mod auth;
mod clock;
mod codes;
mod daystore;
mod demo;
mod limiter;
mod mail;
mod pages;
mod prune;
mod store;
mod writer;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use tsuen::{Now, World};

use app::{Accounts, Numbers, Settings, Shared};
use auth::Session;
use clock::ServerClock;
use store::Store;

const USAGE: &str = "usage: tsuen serve [--addr 127.0.0.1:8080] [--data DIR] [--demo] [--now YYYY-MM-DDTHH:MM]
                   [--base-url URL] [--secure-cookies] [--wasm-pkg DIR (default bindings-wasm/pkg/web)]
                   [--snapshot-every EVENTS]
  test-only: [--test-endpoints] [--fast-hash] [--no-rate-limit] (the last two need --test-endpoints)";

struct Config {
    addr: String,
    data: PathBuf,
    demo: bool,
    now: Option<Now>,
    snapshot_every: u64,
    settings: Settings,
    /// The WebAssembly package the calendar page loads (`TSUEN_WASM_PKG` or --wasm-pkg).
    wasm_pkg: PathBuf,
}

fn parse(args: &[String]) -> Result<Config, String> {
    let mut c = Config {
        addr: "127.0.0.1:8080".into(),
        data: PathBuf::from("tsuen-data"),
        demo: false,
        now: None,
        snapshot_every: writer::SNAPSHOT_EVERY,
        settings: Settings {
            fast_hash: false,
            no_rate_limit: false,
            test_endpoints: false,
            base_url: String::new(),
            secure_cookies: false,
        },
        wasm_pkg: std::env::var_os("TSUEN_WASM_PKG")
            .map_or_else(|| PathBuf::from("bindings-wasm/pkg/web"), PathBuf::from),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--addr" => c.addr = value("--addr")?,
            "--data" => c.data = PathBuf::from(value("--data")?),
            "--demo" => c.demo = true,
            "--now" => c.now = Some(Now::parse(&value("--now")?).map_err(|e| format!("--now: {e}"))?),
            "--snapshot-every" => {
                c.snapshot_every = value("--snapshot-every")?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or("--snapshot-every needs a number of events (at least 1)")?
            }
            "--base-url" => c.settings.base_url = value("--base-url")?,
            "--secure-cookies" => c.settings.secure_cookies = true,
            "--wasm-pkg" => c.wasm_pkg = PathBuf::from(value("--wasm-pkg")?),
            "--test-endpoints" => c.settings.test_endpoints = true,
            "--fast-hash" => c.settings.fast_hash = true,
            "--no-rate-limit" => c.settings.no_rate_limit = true,
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    if (c.settings.fast_hash || c.settings.no_rate_limit) && !c.settings.test_endpoints {
        return Err("--fast-hash and --no-rate-limit are for tests: they need --test-endpoints".into());
    }
    Ok(c)
}

/// Runs `tsuen serve`.
pub(crate) fn run(args: &[String]) -> std::process::ExitCode {
    let config = match parse(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tsuen serve: {e}\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match rt.block_on(serve(config)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tsuen serve: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// How long each step of a start took (printed: the restart figure is their sum plus the bind).
#[derive(Default)]
struct StartTimes {
    snapshot_read: std::time::Duration,
    snapshot_parse: std::time::Duration,
    replay: std::time::Duration,
}

/// Restores the world: the latest snapshot, then every event after it, each at its own now.
fn restore(db: &dyn Store, now: Now, times: &mut StartTimes) -> Result<(World, i64), String> {
    let t = std::time::Instant::now();
    let snapshot = db.latest_snapshot().map_err(|e| e.to_string())?;
    times.snapshot_read = t.elapsed();
    let t = std::time::Instant::now();
    let (mut world, from) = match snapshot {
        Some((seq, json)) => (World::from_json(&json).map_err(|e| format!("snapshot {seq}: {e}"))?, seq),
        None => (World::new(now), 0),
    };
    times.snapshot_parse = t.elapsed();
    let t = std::time::Instant::now();
    let events = db.events_after(from).map_err(|e| e.to_string())?;
    let mut last = from;
    for (seq, at, op) in events {
        let op: tsuen::Op = serde_json::from_str(&op).map_err(|e| format!("event {seq}: {e}"))?;
        world.set_now(Now::parse(&at).map_err(|e| format!("event {seq}: {e}"))?);
        world.apply(&op).map_err(|e| format!("event {seq} no longer applies: {e}"))?;
        last = seq;
    }
    times.replay = t.elapsed();
    Ok((world, last))
}

fn load_accounts(db: &dyn Store) -> store::Result<Accounts> {
    let mut accounts = Accounts::default();
    for a in db.accounts()? {
        accounts.insert(a);
    }
    Ok(accounts)
}

fn load_numbers(db: &dyn Store) -> store::Result<Numbers> {
    let rows = db.numbers()?;
    let mut numbers = Numbers::with_capacity(rows.len());
    for (n, id) in rows {
        numbers.insert(n, id);
    }
    Ok(numbers)
}

fn load_sessions(db: &dyn Store) -> store::Result<HashMap<String, Session>> {
    Ok(db
        .sessions()?
        .into_iter()
        .filter_map(|r| {
            clock::parse_stamp(&r.expires_at)
                .map(|expires| (r.hash, Session { account: r.account, csrf: r.csrf, expires }))
        })
        .collect())
}

async fn serve(config: Config) -> Result<(), String> {
    std::fs::create_dir_all(&config.data).map_err(|e| format!("{}: {e}", config.data.display()))?;
    let lock_path = config.data.join("tsuen.lock");
    let lock = std::fs::File::create(&lock_path).map_err(|e| format!("{}: {e}", lock_path.display()))?;
    lock.try_lock().map_err(|_| {
        format!("{} is in use by another tsuen process (lock file {})", config.data.display(), lock_path.display())
    })?;
    let db_path = config.data.join("tsuen.sqlite3");
    let conn = store::open(&db_path).map_err(|e| format!("{}: {e}", db_path.display()))?;
    let clock = Arc::new(match config.now {
        Some(now) => ServerClock::fixed(now),
        None => ServerClock::System,
    });
    let started = std::time::Instant::now();
    let mut times = StartTimes::default();
    // The portal's rows (a million 予約番号 with a million bookings) load on their own connection
    // while the world is restored: neither needs the other.
    let rows_path = db_path.clone();
    let rows = std::thread::spawn(move || -> Result<_, String> {
        let t = std::time::Instant::now();
        let db = store::open_reader(&rows_path).map_err(|e| e.to_string())?;
        let accounts = load_accounts(&db).map_err(|e| e.to_string())?;
        let sessions = load_sessions(&db).map_err(|e| e.to_string())?;
        let numbers = load_numbers(&db).map_err(|e| e.to_string())?;
        Ok((accounts, sessions, numbers, t.elapsed()))
    });
    let (world, last_seq) = restore(&conn, clock.engine_now(), &mut times)?;
    let (accounts, sessions, numbers, portal_rows) =
        rows.join().map_err(|_| "loading the portal's rows failed".to_owned())??;
    let fresh = accounts.by_id.is_empty() && last_seq == 0;
    eprintln!(
        "tsuen: {} restored: {} facilities, {} bookings, {} events",
        db_path.display(),
        world.facilities().count(),
        world.booking_count(),
        last_seq
    );
    // The writer decides on its own copy; readers see a write only once it is committed (writer.rs).
    let t = std::time::Instant::now();
    let for_writer = world.clone();
    let copy = t.elapsed();
    let world = Arc::new(RwLock::new(world));
    let snapshots = writer::Snapshots { every: config.snapshot_every, db_path: db_path.clone() };
    let (sender, writer) = writer::spawn(conn, for_writer, world.clone(), clock.clone(), snapshots);
    let reader = store::open_reader(&db_path).map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(&config.addr).await.map_err(|e| format!("{}: {e}", config.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let mut settings = config.settings.clone();
    if settings.base_url.is_empty() {
        settings.base_url = format!("http://{addr}");
    }
    let shared: app::App = Arc::new(Shared {
        world: world.clone(),
        clock,
        writer: Mutex::new(Some(sender)),
        accounts: RwLock::new(accounts),
        sessions: RwLock::new(sessions),
        limiter: Mutex::new(limiter::Limiter::default()),
        settings,
        reader: Mutex::new(Box::new(reader)),
        numbers: RwLock::new(numbers),
    });
    if config.demo && fresh {
        demo::load(&shared).await.map_err(|e| format!("demo data: {}", e.message))?;
        eprintln!("tsuen: demo data loaded (accounts in README.md)");
    }
    let mailer = mail::spawn(shared.clone());
    let pruner = prune::spawn(shared.clone());
    // The JSON API, and the screens over it.
    let router = api::router(shared.clone()).merge(pages::router(shared.clone(), config.wasm_pkg.clone()));
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    eprintln!(
        "tsuen: ready in {:.0} ms (snapshot read {:.0}, parsed {:.0}, log replayed {:.0}, portal rows {:.0} \
         meanwhile, writer's copy {:.0})",
        ms(started.elapsed()),
        ms(times.snapshot_read),
        ms(times.snapshot_parse),
        ms(times.replay),
        ms(portal_rows),
        ms(copy)
    );
    println!("tsuen: listening on http://{addr}");
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    eprintln!("tsuen: stopping");
    mailer.abort();
    pruner.abort();
    shared.writer.lock().expect("writer").take();
    drop(shared);
    let conn = writer.join().map_err(|_| "the writer thread failed".to_owned())?;
    let seq = conn.last_seq().map_err(|e| e.to_string())?;
    let json = world.read().expect("world").to_json();
    conn.save_snapshot(seq, &json).map_err(|e| e.to_string())?;
    drop(conn);
    drop(lock);
    eprintln!("tsuen: stopped cleanly (snapshot at event {seq})");
    Ok(())
}

async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}
