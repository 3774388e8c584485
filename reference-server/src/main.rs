//! `tsuen`: the reference portal's binary. `tsuen serve` runs the portal; `tsuen scenario [--json]
//! FILE...` runs scenario files.

use std::process::ExitCode;

mod scenario_cmd;
mod serve;

/// See docs/DECISIONS.md ("The native binaries' allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: tsuen scenario [--json] FILE...\n       tsuen serve [--addr 127.0.0.1:8080] [--data DIR] [--demo] [--now YYYY-MM-DDTHH:MM]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("scenario") => scenario_cmd::run(&args[1..]),
        Some("serve") => serve::run(&args[1..]),
        Some("--help") | Some("-h") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("tsuen: unknown command {other:?}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
