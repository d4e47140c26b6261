//! In-memory limiters keyed by a string (an account, a client address, a
//! tenant): exponential back-off after failures, and budgets of units per
//! time window. Each instance of the server keeps its own; see
//! `docs/OPERATIONS.md` for what that means behind a load balancer.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Keys kept at most; past this the oldest half is forgotten, so a flood of
/// distinct keys costs bounded memory (and at worst forgets some back-offs).
const MAX_KEYS: usize = 100_000;

/// Exponential back-off after repeated failures of one key.
#[derive(Debug)]
pub struct Backoff {
    /// Failures allowed before the first wait.
    free: u32,
    first: Duration,
    max: Duration,
    state: Mutex<HashMap<String, Failures>>,
}

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    blocked_until: Instant,
    last: Instant,
}

impl Backoff {
    pub fn new(free: u32, first: Duration, max: Duration) -> Self {
        Self {
            free,
            first,
            max,
            state: Mutex::new(HashMap::new()),
        }
    }

    /// How long `key` must still wait, if it must.
    pub fn wait(&self, key: &str) -> Option<Duration> {
        let now = Instant::now();
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let f = state.get(key)?;
        (f.blocked_until > now).then(|| f.blocked_until - now)
    }

    /// Records a failure of `key`; once past the free allowance each further
    /// failure doubles the wait, up to the maximum.
    pub fn fail(&self, key: &str) {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.len() >= MAX_KEYS && !state.contains_key(key) {
            forget_oldest(&mut state, |f| f.last);
        }
        let f = state.entry(key.to_owned()).or_insert(Failures {
            count: 0,
            blocked_until: now,
            last: now,
        });
        // A key that has been quiet for longer than the longest wait starts
        // over: old failures do not haunt an account forever.
        if now.duration_since(f.last) > self.max {
            f.count = 0;
        }
        f.count = f.count.saturating_add(1);
        f.last = now;
        if f.count > self.free {
            let doublings = (f.count - self.free - 1).min(30);
            let wait = self.first.saturating_mul(1u32 << doublings).min(self.max);
            f.blocked_until = now + wait;
        }
    }

    /// Forgets `key`'s failures (a successful login).
    pub fn succeed(&self, key: &str) {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

/// A budget of units per window for each key (a token bucket refilled
/// continuously at `per_window / window`).
#[derive(Debug)]
pub struct Budget {
    per_window: f64,
    window: Duration,
    state: Mutex<HashMap<String, Bucket>>,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    left: f64,
    at: Instant,
}

impl Budget {
    /// `per_window` 0 means no limit.
    pub fn new(per_window: u64, window: Duration) -> Self {
        Self {
            per_window: per_window as f64,
            window,
            state: Mutex::new(HashMap::new()),
        }
    }

    /// Spends `units` of `key`'s budget, or says how long until that many
    /// are available again (nothing is spent then).
    pub fn spend(&self, key: &str, units: u64) -> Result<(), Duration> {
        if self.per_window <= 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        let rate = self.per_window / self.window.as_secs_f64();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.len() >= MAX_KEYS && !state.contains_key(key) {
            forget_oldest(&mut state, |b| b.at);
        }
        let b = state.entry(key.to_owned()).or_insert(Bucket {
            left: self.per_window,
            at: now,
        });
        b.left = (b.left + now.duration_since(b.at).as_secs_f64() * rate).min(self.per_window);
        b.at = now;
        let units = units as f64;
        if units <= b.left {
            b.left -= units;
            Ok(())
        } else {
            // A request larger than the whole budget waits for a full one.
            let short = units.min(self.per_window) - b.left;
            Err(Duration::from_secs_f64(short / rate).max(Duration::from_secs(1)))
        }
    }
}

fn forget_oldest<V>(state: &mut HashMap<String, V>, at: impl Fn(&V) -> Instant) {
    let mut times: Vec<Instant> = state.values().map(&at).collect();
    times.sort_unstable();
    let cut = times[times.len() / 2];
    state.retain(|_, v| at(v) > cut);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_after_free_failures_and_resets_on_success() {
        let b = Backoff::new(2, Duration::from_secs(1), Duration::from_secs(60));
        assert!(b.wait("a").is_none());
        b.fail("a");
        b.fail("a");
        assert!(b.wait("a").is_none(), "two free failures");
        b.fail("a");
        let w1 = b.wait("a").unwrap();
        assert!(w1 <= Duration::from_secs(1) && w1 > Duration::from_millis(900));
        b.fail("a");
        let w2 = b.wait("a").unwrap();
        assert!(w2 > Duration::from_millis(1900), "{w2:?}");
        for _ in 0..40 {
            b.fail("a");
        }
        assert!(b.wait("a").unwrap() <= Duration::from_secs(60));
        assert!(b.wait("other").is_none());
        b.succeed("a");
        assert!(b.wait("a").is_none());
    }

    #[test]
    fn budget_spends_refills_and_reports_the_wait() {
        let b = Budget::new(100, Duration::from_secs(60));
        assert!(b.spend("t", 60).is_ok());
        assert!(b.spend("t", 40).is_ok());
        let wait = b.spend("t", 30).unwrap_err();
        assert!(wait >= Duration::from_secs(17), "{wait:?}");
        assert!(b.spend("u", 100).is_ok(), "keys are independent");
        assert!(
            Budget::new(0, Duration::from_secs(1))
                .spend("x", u64::MAX)
                .is_ok()
        );
    }

    #[test]
    fn many_keys_stay_bounded() {
        let b = Backoff::new(0, Duration::from_millis(1), Duration::from_secs(1));
        for i in 0..(MAX_KEYS + 10) {
            b.fail(&i.to_string());
        }
        assert!(b.state.lock().unwrap().len() <= MAX_KEYS);
    }
}
