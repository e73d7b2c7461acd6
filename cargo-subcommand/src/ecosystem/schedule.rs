//! Which entry a worker builds next: each worker takes its own contiguous part of the list in
//! order, then helps the others from the far end of the largest part left.
//!
//! Neighbours in a list tend to share dependencies (a list by popularity puts `crossbeam-*`,
//! `futures-*` or `idna` and `url` side by side; an alphabetical one groups families too).
//! Handed out one by one in list order, neighbours run at the same time on different workers,
//! and each compiles the dependencies they share before either can hand them over through the
//! pool of built units (`units.rs`). In contiguous parts, neighbours run one after the other
//! on one worker, which has the dependency already.

use std::{ops::Range, sync::Mutex};

pub struct Schedule {
    /// What each worker has left of its part; a worker that finished its own takes from the
    /// end of the longest.
    parts: Mutex<Vec<Range<usize>>>,
}

impl Schedule {
    /// `len` entries for `workers` workers: worker `w` owns `len·w/workers .. len·(w+1)/workers`.
    pub fn new(len: usize, workers: usize) -> Schedule {
        let workers = workers.max(1);
        let parts = (0..workers)
            .map(|w| len * w / workers..len * (w + 1) / workers)
            .collect();
        Schedule {
            parts: Mutex::new(parts),
        }
    }

    /// The index of the next entry for `worker`, or `None` when every part is empty.
    pub fn next(&self, worker: usize) -> Option<usize> {
        let mut parts = self.parts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(index) = parts.get_mut(worker).and_then(Iterator::next) {
            return Some(index);
        }
        // The end of the longest part is the farthest from where its owner works now.
        let longest = parts.iter_mut().max_by_key(|part| part.len())?;
        longest.next_back()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_worker_starts_in_its_own_part() {
        let s = Schedule::new(10, 3);
        assert_eq!(
            [s.next(0), s.next(1), s.next(2)],
            [Some(0), Some(3), Some(6)]
        );
        assert_eq!([s.next(0), s.next(0)], [Some(1), Some(2)]);
        // Worker 0's part is done: it helps with the longest part (worker 2's, 7..10) from
        // its end.
        assert_eq!(s.next(0), Some(9));
        assert_eq!(s.next(2), Some(7));
    }

    #[test]
    fn every_entry_is_given_once() {
        for (len, workers) in [(0, 2), (1, 2), (7, 1), (7, 3), (110, 2), (5, 8)] {
            let s = Schedule::new(len, workers);
            let mut given = Vec::new();
            // Workers taking turns unevenly, as builds of different lengths make them.
            'outer: loop {
                for w in 0..workers {
                    for _ in 0..=w % 2 {
                        match s.next(w) {
                            Some(i) => given.push(i),
                            None if (0..workers).all(|w| s.next(w).is_none()) => break 'outer,
                            None => {}
                        }
                    }
                }
            }
            given.sort();
            assert_eq!(
                given,
                (0..len).collect::<Vec<_>>(),
                "{len} entries, {workers} workers"
            );
        }
    }

    #[test]
    fn one_worker_goes_in_list_order() {
        let s = Schedule::new(4, 1);
        let order: Vec<_> = std::iter::from_fn(|| s.next(0)).collect();
        assert_eq!(order, [0, 1, 2, 3]);
    }
}
