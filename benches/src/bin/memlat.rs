//! `memlat [MiB]`: this machine's memory latency now, as the engine's big-world figures meet it.
//!
//! Follows a random cycle through an array of `MiB` (default 512) of `u32`s, so that every step is a
//! cache miss (and mostly a TLB miss) that waits for the one before, and prints the nanoseconds per
//! step. The bulk and restore figures of docs/PERFORMANCE.md are mostly such misses: run this beside
//! them to tell a slower build from a slower minute of this shared VM.

use std::time::Instant;

use tsuen_benches::Rng;

fn main() {
    let mib: usize = std::env::args().nth(1).map_or(512, |a| a.parse().expect("memlat [MiB]"));
    let n = mib * 1024 * 1024 / 4;
    // Sattolo's shuffle: one cycle through every index.
    let mut next: Vec<u32> = (0..n as u32).collect();
    let mut rng = Rng::new(7);
    for i in (1..n).rev() {
        let j = rng.below(i);
        next.swap(i, j);
    }
    let steps = 20_000_000usize;
    let mut at = 0u32;
    let t = Instant::now();
    for _ in 0..steps {
        at = next[at as usize];
    }
    let ns = t.elapsed().as_secs_f64() * 1e9 / steps as f64;
    println!("memory latency: {ns:.1} ns per dependent random access over {mib} MiB (end {at})");
}
