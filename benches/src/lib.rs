//! Benchmark support: world generators.
