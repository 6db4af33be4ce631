//! Helpers shared by the benchmarks: the word list and a repeatable shuffle. Each bench uses
//! only some of them.
#![allow(dead_code)]

pub fn load_words(quick: bool) -> (String, Vec<Vec<u8>>) {
    let full = [
        std::env::var("DICTENSTEIN_WORDS").unwrap_or_default(),
        "/usr/share/dict/american-english-huge".to_string(),
        "bench-data/american-english-huge".to_string(),
        "data/words.txt".to_string(),
    ];
    let candidates: &[String] = if quick { &full[3..] } else { &full };
    for path in candidates.iter().filter(|p| !p.is_empty()) {
        if let Ok(text) = std::fs::read(path) {
            let words = text
                .split(|&b| b == b'\n')
                .filter(|w| !w.is_empty())
                .map(|w| w.to_vec())
                .collect();
            return (path.clone(), words);
        }
    }
    panic!("no word list found; set DICTENSTEIN_WORDS");
}

/// Median of `reps` runs of `f`, which returns nanoseconds per operation.
pub fn median(reps: usize, mut f: impl FnMut() -> f64) -> f64 {
    let mut xs: Vec<f64> = (0..reps).map(|_| f()).collect();
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

/// Nanoseconds per operation since `t`, for `n` operations.
pub fn per_op(t: std::time::Instant, n: usize) -> f64 {
    t.elapsed().as_nanos() as f64 / n as f64
}

/// A small deterministic PRNG (xorshift64*), so runs are repeatable without a dependency.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, (self.next() % (i as u64 + 1)) as usize);
        }
    }
}
