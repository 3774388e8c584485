//! `tsuen scenario`: output lines and exit codes as SCENARIOS.md fixes them.

use std::io::Write;
use std::process::Command;

fn tsuen(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tsuen")).args(args).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn file(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::File::create(&p).unwrap().write_all(text.as_bytes()).unwrap();
    p.to_str().unwrap().to_owned()
}

const HEAD: &str =
    r#"{"name": "n", "today": "2026-01-13", "municipalities": [], "facilities": [], "children": [], "steps": "#;

#[test]
fn exit_codes_and_lines() {
    let dir = std::env::temp_dir().join(format!("tsuen-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = file(
        &dir,
        "good.json",
        &format!(r#"{HEAD}[{{"status": "x", "expect": {{"errors": ["unknown_booking"]}}}}]}}"#),
    );
    let bad = file(&dir, "bad.json", &format!(r#"{HEAD}[{{"status": "x", "expect": "confirmed"}}]}}"#));
    let invalid = file(&dir, "invalid.json", &format!(r#"{HEAD}[{{"jump": 1}}]}}"#));

    let (code, out, err) = tsuen(&["scenario", &good]);
    assert_eq!((code, out.as_str()), (0, ""));
    assert!(err.contains("1 passed, 0 failed"));

    let (code, out, _) = tsuen(&["scenario", &good, &bad]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!("{bad}: step 0 (status): expected \"confirmed\", got {{\"errors\":[\"unknown_booking\"]}}\n")
    );

    let (code, out, err) = tsuen(&["scenario", "--json", &invalid, &bad, "/nonexistent.json"]);
    assert_eq!(code, 2, "an invalid file wins over a failure");
    assert!(err.contains("invalid.json: invalid scenario: steps[0]: unknown operation \"jump\""), "{err}");
    assert!(err.contains("/nonexistent.json: cannot read"));
    let line: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(line["passed"], 0);
    assert_eq!(line["failed"], 1);
    assert_eq!(line["failures"][0]["step"], 0);

    let (code, _, _) = tsuen(&["scenario"]);
    assert_eq!(code, 2);
    std::fs::remove_dir_all(&dir).ok();
}
