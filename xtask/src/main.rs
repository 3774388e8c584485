//! Project tasks that need a Rust tool at a pinned version.
//!
//! `cargo run -p xtask -- bindgen --target web|nodejs --out-dir DIR INPUT.wasm` runs wasm-bindgen (the
//! `wasm-bindgen-cli-support` crate, at the version the workspace's Cargo.lock pins, which must equal the
//! `wasm-bindgen` of the bound crate) and writes `tsuen_wasm.js`, `tsuen_wasm_bg.wasm` and `tsuen_wasm.d.ts`
//! into DIR. Used by `bindings-wasm/build.sh`. `--keep-names` keeps the function names (to see what
//! takes the room).

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str =
    "usage: xtask bindgen --target web|nodejs --out-dir DIR [--out-name NAME] [--keep-names] INPUT.wasm";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bindgen") => match bindgen(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("xtask bindgen: {e:#}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn bindgen(args: &[String]) -> Result<(), String> {
    let (mut target, mut out_dir, mut out_name, mut input) = (None, None, "tsuen_wasm".to_owned(), None);
    let mut keep_names = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(|| format!("{a} needs a value\n{USAGE}"));
        match a.as_str() {
            "--target" => target = Some(value()?),
            "--out-dir" => out_dir = Some(PathBuf::from(value()?)),
            "--out-name" => out_name = value()?,
            "--keep-names" => keep_names = true,
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            s => input = Some(PathBuf::from(s)),
        }
    }
    let (Some(target), Some(out_dir), Some(input)) = (target, out_dir, input) else {
        return Err(USAGE.to_owned());
    };
    let mut b = wasm_bindgen_cli_support::Bindgen::new();
    b.input_path(&input)
        .out_name(&out_name)
        .typescript(true)
        .remove_name_section(!keep_names)
        .remove_producers_section(true)
        // As the CLI does: `init()` without arguments fetches the .wasm next to the module.
        .omit_default_module_path(false);
    match target.as_str() {
        "web" => b.web(true),
        "nodejs" => b.nodejs(true),
        t => return Err(format!("unknown target {t} (web or nodejs)")),
    }
    .map_err(|e| format!("{e:#}"))?;
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    b.generate(&out_dir).map_err(|e| format!("{}: {e:#}", input.display()))?;
    no_any(&out_dir)
}

/// wasm-bindgen types the raw exports of the module (`InitOutput`, `tsuen_wasm_bg.wasm.d.ts`) with
/// `any` for `externref` values; nobody calls them, and `unknown` says the same without `any`, so the
/// package's types are `any`-free for `tsc --strict` users and for the test that checks it.
fn no_any(out_dir: &std::path::Path) -> Result<(), String> {
    let entries = std::fs::read_dir(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if !path.to_string_lossy().ends_with(".d.ts") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let fixed =
            text.replace(": any)", ": unknown)").replace(": any,", ": unknown,").replace("=> any;", "=> unknown;");
        if fixed != text {
            std::fs::write(&path, fixed).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}
