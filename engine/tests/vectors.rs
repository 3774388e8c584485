//! Every scenario vector passes: the project's own (`tests/vectors/`), the copy of the shared ones
//! (`tests/vectors/shared/`), and `../shared/vectors/` beside the checkout when present (it may be
//! newer). The expected codes over all vectors cover SPEC.md's full list.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "json")).collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn run_dir(dir: &Path) -> usize {
    let files = json_files(dir);
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let result = tsuen::scenario::run(&text).unwrap_or_else(|e| panic!("{}: invalid: {e}", f.display()));
        assert!(result.passed > 0, "{}: no expectation", f.display());
        assert_eq!(result.failed, 0, "{}: {:#?}", f.display(), result.failures);
    }
    files.len()
}

#[test]
fn own_vectors_pass() {
    assert!(run_dir(&repo().join("tests/vectors")) > 0);
}

#[test]
fn shared_vectors_copy_passes() {
    assert!(run_dir(&repo().join("tests/vectors/shared")) >= 8);
}

#[test]
fn shared_vectors_beside_the_checkout_pass_when_present() {
    let dir = repo().join("../shared/vectors");
    if dir.is_dir() {
        assert!(run_dir(&dir) > 0);
    }
}

fn collect_codes(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    for step in v["steps"].as_array().into_iter().flatten() {
        if let Some(errors) = step.get("expect").and_then(|e| e.get("errors")).and_then(|e| e.as_array()) {
            out.extend(errors.iter().filter_map(|c| c.as_str().map(str::to_owned)));
        }
    }
}

#[test]
fn every_code_of_the_spec_is_expected_somewhere() {
    let mut seen = BTreeSet::new();
    for dir in ["tests/vectors", "tests/vectors/shared"] {
        for f in json_files(&repo().join(dir)) {
            let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
            collect_codes(&v, &mut seen);
        }
    }
    let all: BTreeSet<String> = tsuen::ALL_CODES.iter().map(|c| c.as_str().to_owned()).collect();
    let missing: Vec<_> = all.difference(&seen).collect();
    assert!(missing.is_empty(), "codes no vector expects: {missing:?}");
}
