//! A worker that aborts, hangs, runs out of memory or exits costs its job a failure; the
//! pool replaces it and the next job is answered.
//!
//! The workers are this test program started again, running only [`worker`] (which
//! serves jobs when the environment says it is a worker).

use jixiao_isolate::{serve, Failure, Limits, Pool};
use std::time::{Duration, Instant};

const ROLE: &str = "JIXIAO_ISOLATE_TEST_WORKER";

#[test]
#[ignore = "the worker side of the other tests"]
fn worker() {
    if std::env::var_os(ROLE).is_none() {
        return;
    }
    // Stray output on stdout must not be taken for a reply.
    println!("not a reply");
    let served = serve(|job| match job {
        "abort" => std::process::abort(),
        "exit" => std::process::exit(3),
        "hang" => loop {
            std::thread::sleep(Duration::from_secs(1));
        },
        "oom" => {
            let mut v: Vec<Vec<u8>> = Vec::new();
            loop {
                v.push(vec![1u8; 64 << 20]);
            }
        }
        other => format!("done {other}"),
    });
    std::process::exit(if served.is_ok() { 0 } else { 2 });
}

fn pool(timeout: Duration) -> Pool {
    let exe = std::env::current_exe().expect("test binary");
    let args = [
        "worker",
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ];
    Pool::new(
        exe,
        args.iter().map(|a| a.into()).collect(),
        Limits {
            memory_mb: 1024,
            timeout,
        },
    )
    .with_env(ROLE, "1")
}

#[test]
fn replies_come_back_and_workers_are_reused() {
    let p = pool(Duration::from_secs(30));
    for i in 0..3 {
        assert_eq!(p.run(&format!("job {i}")), Ok(format!("done job {i}")));
    }
}

#[test]
fn each_death_is_its_jobs_failure_and_the_next_job_is_answered() {
    let p = pool(Duration::from_secs(30));
    assert_eq!(p.run("abort"), Err(Failure::Crashed("signal 6".into())));
    assert_eq!(p.run("a"), Ok("done a".into()));
    assert!(
        matches!(p.run("exit"), Err(Failure::Crashed(ref m)) if m.contains("exit status: 3")),
        "exit"
    );
    assert_eq!(p.run("oom"), Err(Failure::Memory(1024)));
    assert_eq!(p.run("b"), Ok("done b".into()));
}

#[test]
fn a_job_past_its_deadline_is_killed() {
    let p = pool(Duration::from_secs(2));
    let t = Instant::now();
    assert_eq!(p.run("hang"), Err(Failure::Timeout(2)));
    assert!(t.elapsed() < Duration::from_secs(10));
    assert_eq!(p.run("c"), Ok("done c".into()));
}

#[test]
fn concurrent_jobs_each_get_a_worker() {
    let p = pool(Duration::from_secs(30));
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let p = &p;
                s.spawn(move || p.run(&format!("{i}")))
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            assert_eq!(h.join().expect("thread"), Ok(format!("done {i}")));
        }
    });
}
