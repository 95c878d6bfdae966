//! Parallel work handed on in input order through a bounded window: files are read on a
//! thread pool, while the calling thread writes each result as soon as it and every
//! result before it are done. At most `window` results exist at once (in work or waiting
//! their turn), so the memory a run holds does not grow with the number of files.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

/// Results in flight or waiting per thread of the pool, by default: enough that one slow
/// file (an OCR'd scan) does not idle the other threads for long, few enough that the
/// waiting results stay small.
pub const WINDOW_PER_THREAD: usize = 8;

/// Runs `map` on every item on `pool` and `consume` on the results on the calling thread,
/// in the items' order, with at most `window` (≥ 1) results in flight or waiting.
/// `consume` failing stops new work; what is running finishes and the error is returned.
/// A panic in `map` is raised again here, after the running work has finished.
pub fn map_ordered<T, R, E>(
    pool: &rayon::ThreadPool,
    items: &[T],
    window: usize,
    map: impl Fn(&T) -> R + Sync,
    mut consume: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Sync,
    R: Send,
{
    let window = window.max(1);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, std::thread::Result<R>)>();
    let map = &map;
    pool.in_place_scope(|scope| {
        let mut waiting: BTreeMap<usize, std::thread::Result<R>> = BTreeMap::new();
        let (mut started, mut next) = (0usize, 0usize);
        while next < items.len() {
            while started < items.len() && started - next < window {
                let (tx, item, i) = (tx.clone(), &items[started], started);
                scope.spawn(move |_| {
                    let r = catch_unwind(AssertUnwindSafe(|| map(item)));
                    let _ = tx.send((i, r));
                });
                started += 1;
            }
            let r = match waiting.remove(&next) {
                Some(r) => r,
                None => {
                    // Every spawned task sends exactly once and `tx` lives here, so the
                    // channel never closes while results are due.
                    let mut due = None;
                    for (i, r) in rx.iter() {
                        if i == next {
                            due = Some(r);
                            break;
                        }
                        waiting.insert(i, r);
                    }
                    match due {
                        Some(r) => r,
                        None => break,
                    }
                }
            };
            next += 1;
            match r {
                Ok(r) => consume(r)?,
                Err(panic) => resume_unwind(panic),
            }
        }
        Ok(())
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn pool(n: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("a thread pool")
    }

    #[test]
    fn results_come_in_input_order_and_the_window_bounds_work_in_flight() {
        let items: Vec<usize> = (0..200).collect();
        let alive = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let r: Result<(), ()> = map_ordered(
            &pool(4),
            &items,
            5,
            |&i| {
                let now = alive.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                // Later items finish first now and then: order must still hold.
                std::thread::sleep(std::time::Duration::from_micros(
                    ((200 - i) % 7) as u64 * 50,
                ));
                i * 2
            },
            |v| {
                // A result leaves the window when it is consumed.
                alive.fetch_sub(1, Ordering::SeqCst);
                seen.push(v);
                Ok(())
            },
        );
        assert!(r.is_ok());
        assert_eq!(seen, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        let most = most.load(Ordering::SeqCst);
        assert!(most <= 5, "{most} results alive at once, window 5");
    }

    #[test]
    fn a_consumer_error_stops_new_work() {
        let items: Vec<usize> = (0..1000).collect();
        let ran = AtomicUsize::new(0);
        let r = map_ordered(
            &pool(2),
            &items,
            4,
            |&i| {
                ran.fetch_add(1, Ordering::SeqCst);
                i
            },
            |v| if v == 10 { Err(v) } else { Ok(()) },
        );
        assert_eq!(r, Err(10));
        assert!(
            ran.load(Ordering::SeqCst) <= 15,
            "work went on past the error"
        );
    }

    #[test]
    fn a_panic_in_map_reaches_the_caller() {
        let items: Vec<usize> = (0..10).collect();
        let r = catch_unwind(AssertUnwindSafe(|| {
            map_ordered(
                &pool(2),
                &items,
                3,
                |&i| {
                    assert!(i != 6, "boom");
                    i
                },
                |_| Ok::<(), ()>(()),
            )
        }));
        assert!(r.is_err());
    }
}
