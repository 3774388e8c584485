//! `gen_scenario OUT.json [--facilities N] [--children N] [--steps N] [--seed N]`: writes a large
//! scenario file whose expectations all hold (checked by running it before writing).

use std::time::Instant;

use tsuen_benches::scenario_gen::{ScenarioConfig, generate};

const USAGE: &str = "usage: gen_scenario OUT.json [--facilities N] [--children N] [--steps N] [--seed N]";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut cfg = ScenarioConfig::default();
    let mut out = None;
    let mut i = 0;
    while i < args.len() {
        let num = |name: &str, i: usize| -> u64 {
            args.get(i + 1).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{name} needs a number"))
        };
        let flag = args[i].as_str();
        if flag.starts_with("--") && flag != "--" {
            let v = num(flag, i);
            i += 1;
            match flag {
                "--facilities" => cfg.facilities = v as usize,
                "--children" => cfg.children = v as usize,
                "--steps" => cfg.steps = v as usize,
                "--seed" => cfg.seed = v,
                _ => {
                    eprintln!("gen_scenario: unknown option {flag}\n{USAGE}");
                    std::process::exit(2);
                }
            }
            i += 1;
            continue;
        }
        match flag {
            a if out.is_none() && !a.starts_with("--") => out = Some(a.to_owned()),
            a => {
                eprintln!("gen_scenario: unexpected argument {a}\n{USAGE}");
                std::process::exit(2);
            }
        }
        i += 1;
    }
    let Some(out) = out else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    let t = Instant::now();
    let g = generate(&cfg);
    std::fs::write(&out, &g.text).unwrap_or_else(|e| panic!("writing {out}: {e}"));
    eprintln!(
        "{out}: {} bytes, {} steps ({} with expect): {:?}; generated and checked in {:.2} s",
        g.text.len(),
        cfg.steps,
        g.expectations,
        g.ops,
        t.elapsed().as_secs_f64()
    );
}
