//! Timing: warm-up, repetitions, medians and spread; a repeatable PRNG; a counting allocator
//! for peak heap during a build.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The repetitions of one measurement: its median and the range around it.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
}

impl Sample {
    /// One value measured once (a size, or a run too slow to repeat).
    pub fn once(v: f64) -> Sample {
        Sample {
            median: v,
            min: v,
            max: v,
            runs: 1,
        }
    }

    /// The median and range of figures already taken.
    pub fn of(mut xs: Vec<f64>) -> Sample {
        xs.sort_by(f64::total_cmp);
        Sample {
            median: xs[xs.len() / 2],
            min: xs[0],
            max: xs[xs.len() - 1],
            runs: xs.len(),
        }
    }

    /// Half the range as a share of the median: "±3%" means every run fell within about 3%
    /// of the median.
    pub fn spread(&self) -> f64 {
        if self.median == 0.0 {
            0.0
        } else {
            (self.max - self.min) / 2.0 / self.median.abs()
        }
    }

    pub fn map(self, f: impl Fn(f64) -> f64) -> Sample {
        let (a, b) = (f(self.min), f(self.max));
        Sample {
            median: f(self.median),
            min: a.min(b),
            max: a.max(b),
            runs: self.runs,
        }
    }
}

/// How many times to run each measurement.
#[derive(Clone, Copy, Debug)]
pub struct Reps {
    pub warmup: usize,
    pub runs: usize,
    /// A measurement stops repeating once its runs have taken this long (slow builds).
    pub budget: Duration,
}

impl Reps {
    /// Runs `f` (which returns the figure of one run) `warmup` times unmeasured, then up to
    /// `runs` times, stopping early when the budget is spent (always at least once).
    pub fn sample(&self, mut f: impl FnMut() -> f64) -> Sample {
        let start = Instant::now();
        for _ in 0..self.warmup {
            f();
            if start.elapsed() > self.budget {
                break;
            }
        }
        let start = Instant::now();
        let mut xs = Vec::with_capacity(self.runs);
        while xs.len() < self.runs.max(1) {
            xs.push(f());
            if start.elapsed() > self.budget {
                break;
            }
        }
        Sample::of(xs)
    }

    /// Runs every contender of `fs` once per round: `warmup` rounds unmeasured, then up to
    /// `runs` rounds, stopping early when the budget is spent (always at least one). Returns
    /// each contender's figures, round by round (`out[c][r]`). The budget is per contender,
    /// as if each were sampled alone.
    ///
    /// Why rounds: on a shared machine the speed of memory and cores drifts by tens of per
    /// cent over seconds. Measured one after the other, two contenders can each meet a
    /// different machine; within a round they meet the same one, so the ratio of their
    /// figures in each round (see [`ratios`]) is what a comparison should report. The order
    /// rotates from round to round, so that no contender always runs first (on cold caches)
    /// or last.
    pub fn rounds<const N: usize>(
        &self,
        fs: &mut [&mut dyn FnMut() -> [f64; N]],
    ) -> Vec<Vec<[f64; N]>> {
        let mut out = vec![Vec::new(); fs.len()];
        let budget = self.budget * fs.len() as u32;
        let start = Instant::now();
        for _ in 0..self.warmup {
            for f in fs.iter_mut() {
                f();
            }
            if start.elapsed() > budget {
                break;
            }
        }
        let start = Instant::now();
        for round in 0.. {
            for i in 0..fs.len() {
                let c = (i + round) % fs.len();
                out[c].push(fs[c]());
            }
            if round + 1 >= self.runs.max(1) || start.elapsed() > budget {
                break;
            }
        }
        out
    }

    /// No warm-up: for runs that change state (a build kept for later use, a durable write).
    pub fn cold(&self) -> Reps {
        Reps { warmup: 0, ..*self }
    }
}

/// Figure `i` of every round of one contender, as a sample.
pub fn figure<const N: usize>(rounds: &[[f64; N]], i: usize) -> Sample {
    Sample::of(rounds.iter().map(|r| r[i]).collect())
}

/// The ratio of figure `i` of contender `a` to that of contender `b`, round by round: the
/// ratio a comparison reports (its median) and how far it moved between rounds.
pub fn ratios<const N: usize>(a: &[[f64; N]], b: &[[f64; N]], i: usize) -> Sample {
    Sample::of(a.iter().zip(b).map(|(x, y)| x[i] / y[i]).collect())
}

/// Nanoseconds per operation since `t`, for `n` operations.
pub fn ns_per(t: Instant, n: usize) -> f64 {
    t.elapsed().as_nanos() as f64 / n.max(1) as f64
}

/// A small deterministic PRNG (xorshift64*), so every run uses the same queries.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// Counts live heap bytes and their peak, so every structure's build is measured the same
/// way (capacity slack and temporary buffers included).
pub struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counters only
// observe the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: forwarded with the caller's layout, which it guarantees is valid.
        unsafe { System.alloc(l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        // SAFETY: `p` came from this allocator with this layout.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let now = LIVE.fetch_add(new, Ordering::Relaxed) + new;
        PEAK.fetch_max(now, Ordering::Relaxed);
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        // SAFETY: `p` came from this allocator with layout `l`; the caller guarantees `new`
        // is a valid size for it.
        unsafe { System.realloc(p, l, new) }
    }
}

/// Runs `f` and returns its result, the seconds it took and the peak heap bytes above the
/// heap in use when it started.
pub fn peak_heap<T>(f: impl FnOnce() -> T) -> (T, f64, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let t = Instant::now();
    let out = f();
    let secs = t.elapsed().as_secs_f64();
    (out, secs, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

/// Heap bytes in use now (for what a structure keeps after its build).
pub fn live_heap() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// A map (std's `HashMap` or `BTreeMap`) of owned copies of `keys`, each with its index as
/// its value: the same contents the anchors hold in the static and mutable sections.
pub fn indexed<M: FromIterator<(Vec<u8>, u64)>>(keys: &[Vec<u8>]) -> M {
    keys.iter()
        .enumerate()
        .map(|(i, k)| (k.clone(), i as u64))
        .collect()
}

/// Heap bytes a structure keeps, measured as the growth of the live heap across its build.
pub fn heap_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = live_heap();
    let out = f();
    (out, live_heap().saturating_sub(before))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_takes_median_and_range() {
        let s = Sample::of(vec![5.0, 1.0, 3.0, 4.0, 2.0]);
        assert_eq!((s.median, s.min, s.max, s.runs), (3.0, 1.0, 5.0, 5));
        assert!((s.spread() - 2.0 / 3.0).abs() < 1e-12);
    }

    /// Warm-up runs are not counted; the budget stops repetition but one run always happens.
    #[test]
    fn reps_count_runs_and_respect_the_budget() {
        let mut calls = 0;
        let r = Reps {
            warmup: 2,
            runs: 3,
            budget: Duration::from_secs(60),
        };
        let s = r.sample(|| {
            calls += 1;
            calls as f64
        });
        assert_eq!((calls, s.runs, s.median), (5, 3, 4.0));
        let tight = Reps {
            warmup: 0,
            runs: 10,
            budget: Duration::ZERO,
        };
        assert_eq!(tight.sample(|| 1.0).runs, 1);
    }

    /// Every contender runs once per round, warm-up rounds are not kept, the order rotates,
    /// and the round ratios pair figures of the same round.
    #[test]
    fn rounds_interleave_contenders_and_pair_their_figures() {
        let log = std::cell::RefCell::new(Vec::new());
        let r = Reps {
            warmup: 1,
            runs: 3,
            budget: Duration::from_secs(60),
        };
        let (mut a, mut b) = (0.0, 0.0);
        let mut fa = || {
            log.borrow_mut().push('a');
            a += 1.0;
            [a, 10.0]
        };
        let mut fb = || {
            log.borrow_mut().push('b');
            b += 2.0;
            [b, 5.0]
        };
        let out = r.rounds(&mut [&mut fa, &mut fb]);
        // One warm-up round, then rounds in rotating order.
        assert_eq!(log.borrow().iter().collect::<String>(), "ababbaab");
        assert_eq!(out[0], vec![[2.0, 10.0], [3.0, 10.0], [4.0, 10.0]]);
        assert_eq!(out[1], vec![[4.0, 5.0], [6.0, 5.0], [8.0, 5.0]]);
        let first = ratios(&out[0], &out[1], 0);
        assert_eq!((first.min, first.median, first.max), (0.5, 0.5, 0.5));
        assert_eq!(ratios(&out[0], &out[1], 1).median, 2.0);
        assert_eq!(figure(&out[1], 0).median, 6.0);
    }

    /// The counters are global: another test freeing memory while this one runs lowers the
    /// live count under the base, so one run can read a smaller peak (this test failed now and
    /// then for that reason alone). A working counter sees the megabyte in one of a few runs.
    #[test]
    fn peak_heap_sees_a_temporary_allocation() {
        let peaks: Vec<usize> = (0..5)
            .map(|_| peak_heap(|| drop(std::hint::black_box(vec![0u8; 1 << 20]))).2)
            .collect();
        assert!(peaks.iter().any(|&p| p >= 1 << 20), "peaks {peaks:?}");
    }
}
