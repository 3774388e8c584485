//! Login attempt limits, on the server's clock (so tests move time instead of sleeping).
//!
//! Two limits, both counting failed logins only:
//! - **per account and client address**: after [`FREE_FAILURES`] failures in a row from one address,
//!   that address waits before it may try that account again: [`FIRST_BACKOFF`], doubling with each
//!   further failure up to [`MAX_BACKOFF`]. A success from that address clears it. Keying on the pair
//!   means that someone guessing at a known address from elsewhere cannot lock its owner out.
//! - **per client address**, across accounts: at most [`MAX_PER_ADDRESS`] failures in [`WINDOW`], so one
//!   address cannot spread its guesses over many accounts.

use std::collections::HashMap;

use time::{Duration, OffsetDateTime};

/// Failures in a row from one address on one account before it must wait.
pub(crate) const FREE_FAILURES: u32 = 5;
/// The first wait; each further failure doubles it.
pub(crate) const FIRST_BACKOFF: Duration = Duration::minutes(1);
/// The longest wait.
pub(crate) const MAX_BACKOFF: Duration = Duration::hours(1);
/// The window of the per-address limit.
pub(crate) const WINDOW: Duration = Duration::minutes(15);
/// Failures from one address, over all accounts, in [`WINDOW`].
pub(crate) const MAX_PER_ADDRESS: usize = 20;
/// A pair's failures are forgotten this long after its last failure (or its wait, if longer).
const FORGET_AFTER: Duration = Duration::hours(24);

#[derive(Debug)]
struct Pair {
    failures: u32,
    last: OffsetDateTime,
}

impl Pair {
    /// The end of the wait this pair's failures impose (none below [`FREE_FAILURES`]).
    fn until(&self) -> Option<OffsetDateTime> {
        let over = self.failures.checked_sub(FREE_FAILURES)?;
        let wait = FIRST_BACKOFF.checked_mul(1 << over.min(16)).unwrap_or(MAX_BACKOFF).min(MAX_BACKOFF);
        Some(self.last + wait)
    }
}

/// Failed login attempts, per (account, address) and per address.
#[derive(Default, Debug)]
pub(crate) struct Limiter {
    pairs: HashMap<(String, String), Pair>,
    addresses: HashMap<String, Vec<OffsetDateTime>>,
}

impl Limiter {
    /// `Ok` when `address` may try to log in to `account` at `now`; otherwise how long it must wait.
    pub(crate) fn check(&mut self, account: &str, address: &str, now: OffsetDateTime) -> Result<(), Duration> {
        let mut wait = Duration::ZERO;
        if let Some(list) = self.addresses.get_mut(address) {
            list.retain(|t| now - *t < WINDOW);
            if list.len() >= MAX_PER_ADDRESS {
                wait = list[list.len() - MAX_PER_ADDRESS] + WINDOW - now;
            }
        }
        if let Some(until) = self.pairs.get(&(account.to_owned(), address.to_owned())).and_then(Pair::until) {
            wait = wait.max(until - now);
        }
        if wait > Duration::ZERO { Err(wait) } else { Ok(()) }
    }

    /// Records a failed attempt.
    pub(crate) fn failed(&mut self, account: &str, address: &str, now: OffsetDateTime) {
        let pair =
            self.pairs.entry((account.to_owned(), address.to_owned())).or_insert(Pair { failures: 0, last: now });
        pair.failures += 1;
        pair.last = now;
        self.addresses.entry(address.to_owned()).or_default().push(now);
    }

    /// Records a success: this address's failures on this account are forgotten.
    pub(crate) fn succeeded(&mut self, account: &str, address: &str) {
        self.pairs.remove(&(account.to_owned(), address.to_owned()));
    }

    /// Forgets what no longer limits anyone (called periodically, so the tables stay small).
    pub(crate) fn prune(&mut self, now: OffsetDateTime) {
        self.pairs.retain(|_, p| now < p.until().unwrap_or(p.last) + FORGET_AFTER);
        self.addresses.retain(|_, list| {
            list.retain(|t| now - *t < WINDOW);
            !list.is_empty()
        });
    }

    /// How many entries are kept (for the pruning test).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.pairs.len() + self.addresses.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> OffsetDateTime {
        time::macros::datetime!(2026-01-13 09:00 +09:00) + Duration::minutes(minutes)
    }

    #[test]
    fn backoff_starts_after_five_failures_and_doubles() {
        let mut l = Limiter::default();
        for _ in 0..FREE_FAILURES {
            assert!(l.check("a@t.jp", "10.0.0.1", at(0)).is_ok());
            l.failed("a@t.jp", "10.0.0.1", at(0));
        }
        assert_eq!(l.check("a@t.jp", "10.0.0.1", at(0)), Err(Duration::minutes(1)));
        assert!(l.check("a@t.jp", "10.0.0.1", at(1)).is_ok(), "the wait ends on the clock");
        l.failed("a@t.jp", "10.0.0.1", at(1));
        assert_eq!(l.check("a@t.jp", "10.0.0.1", at(1)), Err(Duration::minutes(2)));
        l.failed("a@t.jp", "10.0.0.1", at(3));
        assert_eq!(l.check("a@t.jp", "10.0.0.1", at(3)), Err(Duration::minutes(4)));
        for _ in 0..20 {
            l.failed("a@t.jp", "10.0.0.1", at(3));
        }
        assert_eq!(l.check("a@t.jp", "10.0.0.1", at(3)), Err(MAX_BACKOFF), "the wait is capped");
        // Another address is not held back by these failures.
        assert!(l.check("a@t.jp", "10.0.0.2", at(3)).is_ok());
        l.succeeded("a@t.jp", "10.0.0.1");
        assert!(l.check("a@t.jp", "10.0.0.1", at(3 + 60 + 15)).is_ok());
    }

    #[test]
    fn one_address_is_limited_across_accounts() {
        let mut l = Limiter::default();
        for k in 0..MAX_PER_ADDRESS {
            let account = format!("p{k}@t.jp");
            assert!(l.check(&account, "10.0.0.9", at(0)).is_ok());
            l.failed(&account, "10.0.0.9", at(0));
        }
        assert_eq!(l.check("fresh@t.jp", "10.0.0.9", at(0)), Err(WINDOW));
        assert!(l.check("fresh@t.jp", "10.0.0.8", at(0)).is_ok(), "other addresses are not limited");
        assert!(l.check("fresh@t.jp", "10.0.0.9", at(15)).is_ok(), "the window slides on the clock");
    }

    #[test]
    fn pruning_forgets_what_no_longer_limits() {
        let mut l = Limiter::default();
        for _ in 0..7 {
            l.failed("a@t.jp", "10.0.0.1", at(0));
        }
        l.prune(at(16));
        assert_eq!(l.len(), 1, "the address window has passed; the pair is still remembered");
        l.prune(at(4 + 24 * 60 + 1));
        assert_eq!(l.len(), 0);
    }
}
