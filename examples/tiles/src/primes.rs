//! Counting primes in ranges: one closure per range, by trial division, so
//! a range of big numbers costs several times one of small numbers (the
//! costs climb with the square root of the numbers). Checked against a
//! sieve of the whole span, a different method on one thread.
//!
//! ```
//! use poolscope_example_tiles::primes::{Ranges, count_in, sieve_counts};
//! let ranges = Ranges::new(100, 10).unwrap();
//! let counts: Vec<u32> = (0..ranges.len()).map(|i| count_in(ranges.range(i))).collect();
//! assert_eq!(counts.iter().sum::<u32>(), 25); // the primes below 100
//! assert_eq!(counts, sieve_counts(ranges));
//! ```

/// The numbers below `limit` cut into ranges of `chunk`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ranges {
    pub limit: u32,
    pub chunk: u32,
}

/// The largest `limit`, and the smallest and largest `chunk`.
pub const MAX_LIMIT: u32 = 50_000_000;
pub const CHUNK_RANGE: (u32, u32) = (10, 10_000_000);

impl Ranges {
    /// Checks the sizes; the message names the value and the range.
    pub fn new(limit: u32, chunk: u32) -> Result<Ranges, String> {
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(format!(
                "limit {limit} is out of range: it must be from 1 to {MAX_LIMIT}"
            ));
        }
        let (min, max) = CHUNK_RANGE;
        if !(min..=max).contains(&chunk) {
            return Err(format!(
                "range size {chunk} is out of range: it must be from {min} to {max}"
            ));
        }
        Ok(Ranges { limit, chunk })
    }

    pub fn len(&self) -> u32 {
        self.limit.div_ceil(self.chunk)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Range `index`: its first number and the one after its last.
    pub fn range(&self, index: u32) -> (u32, u32) {
        let start = index * self.chunk;
        (start, (start + self.chunk).min(self.limit))
    }
}

/// How many primes `start..end` holds, by trial division: what each job computes.
pub fn count_in((start, end): (u32, u32)) -> u32 {
    (start..end).filter(|&n| is_prime(n)).count() as u32
}

fn is_prime(n: u32) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let mut divisor = 3;
    while divisor * divisor <= n {
        if n.is_multiple_of(divisor) {
            return false;
        }
        divisor += 2;
    }
    true
}

/// The count of each range, from one sieve of Eratosthenes over them all.
pub fn sieve_counts(ranges: Ranges) -> Vec<u32> {
    let limit = ranges.limit as usize;
    let mut composite = vec![false; limit.max(2)];
    composite[0] = true;
    composite[1] = true;
    let mut n = 2;
    while n * n < limit {
        if !composite[n] {
            (n * n..limit)
                .step_by(n)
                .for_each(|multiple| composite[multiple] = true);
        }
        n += 1;
    }
    (0..ranges.len())
        .map(|index| {
            let (start, end) = ranges.range(index);
            composite[start as usize..end as usize].iter().filter(|&&c| !c).count() as u32
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trial_division_and_the_sieve_agree_on_every_range() {
        let ranges = Ranges::new(200_000, 7_000).unwrap();
        let counts: Vec<u32> = (0..ranges.len()).map(|i| count_in(ranges.range(i))).collect();
        assert_eq!(counts, sieve_counts(ranges));
        assert_eq!(counts.iter().sum::<u32>(), 17_984, "the primes below 200,000");
    }

    #[test]
    fn bad_sizes_are_named_with_their_range() {
        assert_eq!(
            Ranges::new(0, 100).unwrap_err(),
            "limit 0 is out of range: it must be from 1 to 50000000"
        );
        assert_eq!(
            Ranges::new(1000, 5).unwrap_err(),
            "range size 5 is out of range: it must be from 10 to 10000000"
        );
    }
}
