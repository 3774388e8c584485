//! `tsuen scenario [--json] FILE...`: output and exit codes as SCENARIOS.md fixes them. One line per
//! failure (`FILE: step N (OP): expected X, got Y`), or with `--json` one result object per file per
//! line; a per-file summary goes to standard error. Exit 2 if a file could not be read or is invalid
//! (the others still run), else 1 if an expectation failed, else 0.

use std::process::ExitCode;

pub(crate) fn run(args: &[String]) -> ExitCode {
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args.iter().filter(|a| *a != "--json").collect();
    if let Some(bad) = files.iter().find(|f| f.starts_with("--")) {
        eprintln!("tsuen scenario: unknown option {bad}\n{}", super::USAGE);
        return ExitCode::from(2);
    }
    if files.is_empty() {
        eprintln!("{}", super::USAGE);
        return ExitCode::from(2);
    }
    let (mut invalid, mut failed) = (false, false);
    let (mut total_passed, mut total_failed) = (0u64, 0u64);
    for file in files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{file}: cannot read: {e}");
                invalid = true;
                continue;
            }
        };
        match tsuen::scenario::run(&text) {
            Err(e) => {
                eprintln!("{file}: invalid scenario: {}", e.detail().unwrap_or("invalid"));
                invalid = true;
            }
            Ok(result) => {
                if json {
                    println!("{}", serde_json::to_string(&result).expect("serializable"));
                } else {
                    for f in &result.failures {
                        println!("{file}: step {} ({}): expected {}, got {}", f.step, f.op, f.expected, f.actual);
                    }
                }
                eprintln!("{file}: {} passed, {} failed", result.passed, result.failed);
                total_passed += u64::from(result.passed);
                total_failed += u64::from(result.failed);
                failed |= result.failed > 0;
            }
        }
    }
    eprintln!("scenarios: {total_passed} passed, {total_failed} failed");
    if invalid {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
