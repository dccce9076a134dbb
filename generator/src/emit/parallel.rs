//! Runs independent jobs on every core with `std::thread::scope`; results come back in input order,
//! so the output is the same whatever the number of threads or the order they finish in.
//!
//! Token streams (proc-macro2) are not `Send`, so a job must build and print its file on the thread
//! that runs it: jobs take shared IR and return plain `String`s.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// How many threads to use: one per core.
pub(super) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `items.iter().map(f).collect()` on up to `threads` threads (the calling one among them);
/// `threads <= 1` runs in place.
pub(super) fn map_on<T, R, F>(threads: usize, items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    // Files differ in size by two orders of magnitude, so threads take the next job when free rather
    // than a fixed share.
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(i) else { break };
        let out = f(item);
        // A poisoned lock means another job panicked; that panic is re-raised by `scope` below.
        if let Ok(mut done) = done.lock() {
            done.push((i, out));
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });
    let mut done = done.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, out)| out).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_input_order_whatever_the_thread_count() {
        let items: Vec<u64> = (0..200).collect();
        // Uneven work, so later items often finish before earlier ones.
        let slow_square = |n: &u64| {
            let spin = (200 - n) * 500;
            let mut x = 0u64;
            for k in 0..spin {
                x = x.wrapping_add(std::hint::black_box(k));
            }
            std::hint::black_box(x);
            n * n
        };
        let expected: Vec<u64> = items.iter().map(|n| n * n).collect();
        for threads in [0, 1, 2, 3, 8] {
            assert_eq!(map_on(threads, &items, slow_square), expected, "{threads} threads");
        }
        assert!(map_on(4, &[] as &[u64], slow_square).is_empty());
    }
}
