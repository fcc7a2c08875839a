//! The notes' database example: lazy paging, and the blocking iterator's rows.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aio_generators::Database;
use aio_rt::{Clock, Config, Runtime};
use futures_lite::StreamExt;

#[test]
#[cfg_attr(
    miri,
    ignore = "needs a real runtime (smol's reactor calls timerfd_create, which Miri does not support)"
)]
fn pages_are_fetched_only_when_the_previous_one_is_used_up() {
    let rt = aio_rt::Smol::with_config(Config::default().clock(Clock::Virtual));
    let queries = Arc::new(Mutex::new(Vec::new()));
    let seen = queries.clone();
    let db = Database::new(rt.clone(), 5, Duration::from_secs(2))
        .on_query(move |query| seen.lock().unwrap().push(query.to_string()));
    let mut rows = db.rows(2);
    assert!(
        queries.lock().unwrap().is_empty(),
        "nothing is fetched before the first next"
    );
    rt.block_on(async {
        assert_eq!(
            rows.next().await.map(|row| row.map(|row| row.id)),
            Some(Ok(0))
        );
        assert_eq!(queries.lock().unwrap().len(), 1);
        assert_eq!(
            rows.next().await.map(|row| row.map(|row| row.id)),
            Some(Ok(1))
        );
        assert_eq!(
            queries.lock().unwrap().len(),
            1,
            "the second row comes from the first page"
        );
        assert_eq!(
            rows.next().await.map(|row| row.map(|row| row.id)),
            Some(Ok(2))
        );
    });
    assert_eq!(
        *queries.lock().unwrap(),
        ["fetch rows 0..2", "fetch rows 2..4"]
    );
    assert_eq!(rt.now().since_start(), Duration::from_secs(4));
}

#[test]
#[cfg_attr(
    miri,
    ignore = "needs a real runtime (smol's reactor calls timerfd_create, which Miri does not support)"
)]
fn an_exact_multiple_of_the_page_size_ends_with_an_empty_page() {
    let rt = aio_rt::Smol::with_config(Config::default().clock(Clock::Virtual));
    let db = Database::new(rt.clone(), 4, Duration::from_secs(1));
    let names: Vec<String> = rt.block_on(
        db.rows(2)
            .filter_map(|row| row.ok())
            .map(|row| row.to_string())
            .collect(),
    );
    assert_eq!(
        names,
        ["0 product-0", "1 product-1", "2 product-2", "3 product-3"]
    );
    assert_eq!(
        rt.now().since_start(),
        Duration::from_secs(3),
        "two full pages and an empty one"
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "needs a real runtime (smol's reactor calls timerfd_create, which Miri does not support)"
)]
fn the_blocking_iterator_gives_the_same_rows_without_virtual_time() {
    let rt = aio_rt::Smol::with_config(Config::default().clock(Clock::Virtual));
    let db = Database::new(rt.clone(), 5, Duration::from_secs(2));
    let ids: Vec<u32> = db
        .blocking_rows(2, Duration::from_millis(1))
        .map(|row| row.id)
        .collect();
    assert_eq!(ids, [0, 1, 2, 3, 4]);
    assert_eq!(rt.now().since_start(), Duration::ZERO);
}
