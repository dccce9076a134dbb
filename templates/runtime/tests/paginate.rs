//! Unit tests of `paginate.rs`, kept apart from the runtime so that its shipped code reads without test scaffolding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

#[derive(Debug, Clone)]
struct FakePage {
    items: Vec<u32>,
    total: Option<u64>,
}

impl Page for FakePage {
    type Item = u32;
    fn items(&self) -> &[u32] {
        &self.items
    }
    fn into_items(self) -> Vec<u32> {
        self.items
    }
    fn total_count(&self) -> Option<u64> {
        self.total
    }
}

/// Drives a stream whose futures are always ready.
fn collect<S: Stream>(stream: S) -> Vec<S::Item> {
    let mut stream = pin!(stream);
    let mut cx = Context::from_waker(Waker::noop());
    let mut out = Vec::new();
    loop {
        // A broken stop rule fails the test instead of spinning forever.
        assert!(out.len() < 10_000, "the stream did not end");
        match stream.as_mut().poll_next(&mut cx) {
            Poll::Ready(Some(item)) => out.push(item),
            Poll::Ready(None) => return out,
            Poll::Pending => panic!("fake fetches are always ready"),
        }
    }
}

type Calls = Arc<Mutex<Vec<u32>>>;
type Answer = std::future::Ready<Result<FakePage, Error>>;

/// A fake server: `pages[n - 1]` answers page `n`; it records the pages asked for.
fn server(pages: Vec<Result<FakePage, Error>>) -> (Calls, impl FnMut(u32) -> Answer) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&calls);
    let pages = Mutex::new(pages.into_iter().map(Some).collect::<Vec<_>>());
    let fetch = move |n: u32| {
        seen.lock().unwrap().push(n);
        let answer = pages
            .lock()
            .unwrap()
            .get_mut(n as usize - 1)
            .and_then(Option::take)
            .unwrap_or_else(|| Ok(FakePage { items: vec![], total: None }));
        std::future::ready(answer)
    };
    (calls, fetch)
}

fn page(items: &[u32], total: Option<u64>) -> Result<FakePage, Error> {
    Ok(FakePage { items: items.to_vec(), total })
}

fn walk(start_page: u32, page_size: u32) -> Result<Walk, Error> {
    Ok(Walk { start_page, page_size, last_page: u32::MAX })
}

fn values(results: Vec<Result<u32, Error>>) -> Vec<u32> {
    results.into_iter().map(|r| r.unwrap()).collect()
}

#[test]
fn stops_after_a_short_page() {
    let (calls, fetch) = server(vec![page(&[1, 2], None), page(&[3, 4], None), page(&[5], None)]);
    let items = collect(items(walk(1, 2), fetch));
    assert_eq!(values(items), vec![1, 2, 3, 4, 5]);
    assert_eq!(*calls.lock().unwrap(), vec![1, 2, 3]);
}

#[test]
fn stops_after_an_empty_page() {
    let (calls, fetch) = server(vec![page(&[1, 2], None), page(&[3, 4], None), page(&[], None)]);
    let pages = collect(pages(walk(1, 2), fetch));
    assert_eq!(pages.len(), 2, "the trailing empty page is not yielded");
    assert_eq!(*calls.lock().unwrap(), vec![1, 2, 3]);
}

#[test]
fn an_empty_first_page_is_yielded() {
    let (calls, fetch) = server(vec![page(&[], Some(0))]);
    let pages = collect(pages(walk(1, 100), fetch));
    assert_eq!(pages.len(), 1);
    assert!(pages[0].as_ref().unwrap().items.is_empty());
    assert_eq!(*calls.lock().unwrap(), vec![1]);
}

#[test]
fn stops_when_total_count_is_reached() {
    let (calls, fetch) = server(vec![page(&[1, 2], Some(4)), page(&[3, 4], Some(4)), page(&[9, 9], Some(4))]);
    assert_eq!(values(collect(items(walk(1, 2), fetch))), vec![1, 2, 3, 4]);
    assert_eq!(*calls.lock().unwrap(), vec![1, 2]);
}

#[test]
fn starts_at_the_given_page() {
    let (calls, fetch) = server(vec![page(&[1, 2], None), page(&[3, 4], None), page(&[5], None)]);
    assert_eq!(values(collect(items(walk(2, 2), fetch))), vec![3, 4, 5]);
    assert_eq!(*calls.lock().unwrap(), vec![2, 3]);
}

#[test]
fn an_error_is_yielded_once_and_ends_the_stream() {
    let (calls, fetch) =
        server(vec![page(&[1, 2], None), Err(Error::Timeout { operation: "listOrgApiKeys" }), page(&[3, 4], None)]);
    let results = collect(items(walk(1, 2), fetch));
    assert_eq!(results.len(), 3);
    assert_eq!(*results[0].as_ref().unwrap(), 1);
    assert_eq!(*results[1].as_ref().unwrap(), 2);
    assert!(matches!(results[2], Err(Error::Timeout { .. })));
    assert_eq!(*calls.lock().unwrap(), vec![1, 2]);
}

#[test]
fn a_repeated_page_is_an_error() {
    let (calls, fetch) = server(vec![page(&[1, 2], None), page(&[1, 2], None), page(&[3], None)]);
    let results = collect(items(walk(1, 2), fetch));
    assert_eq!(results.len(), 3);
    assert!(matches!(results[2], Err(Error::Pagination(PaginationError::RepeatedPage { page: 2 }))));
    assert_eq!(*calls.lock().unwrap(), vec![1, 2]);
}

#[test]
fn max_pages_guard() {
    let mut n = 0u32;
    let fetch = move |_page: u32| {
        n += 1;
        std::future::ready(page(&[n, n], None))
    };
    let results = collect(pages_with_limit(walk(1, 2), 5, fetch));
    assert_eq!(results.len(), 6);
    assert!(results[..5].iter().all(Result::is_ok));
    assert!(matches!(results[5], Err(Error::Pagination(PaginationError::TooManyPages { max_pages: 5 }))));
}

#[test]
fn a_late_start_counts_the_pages_before_it_against_total_count() {
    let (calls, fetch) = server(vec![page(&[1, 2], Some(6)), page(&[3, 4], Some(6)), page(&[5, 6], Some(6))]);
    assert_eq!(values(collect(items(walk(2, 2), fetch))), vec![3, 4, 5, 6]);
    assert_eq!(*calls.lock().unwrap(), vec![2, 3], "page 4 is past totalCount and never fetched");
}

#[test]
fn a_page_repeating_any_earlier_page_is_an_error() {
    let (calls, fetch) = server(vec![page(&[1, 2], None), page(&[3, 4], None), page(&[1, 2], None)]);
    let results = collect(items(walk(1, 2), fetch));
    assert!(matches!(results[4], Err(Error::Pagination(PaginationError::RepeatedPage { page: 3 }))));
    assert_eq!(*calls.lock().unwrap(), vec![1, 2, 3]);
}

#[test]
fn the_last_representable_page_ends_the_stream() {
    let (calls, fetch) = server(vec![page(&[1, 2], None), page(&[3, 4], None)]);
    let walk = Ok(Walk { start_page: 1, page_size: 2, last_page: 2 });
    assert_eq!(values(collect(items(walk, fetch))), vec![1, 2, 3, 4]);
    assert_eq!(*calls.lock().unwrap(), vec![1, 2]);
}

#[test]
fn an_invalid_walk_is_yielded_once_and_fetches_nothing() {
    let (calls, fetch) = server(vec![page(&[1, 2], None)]);
    let results = collect(items(Err(Error::Config("bad".to_owned())), fetch));
    assert_eq!(results.len(), 1);
    assert!(matches!(results[0], Err(Error::Config(_))));
    assert!(calls.lock().unwrap().is_empty());
}

#[test]
fn page_number_overflow_ends_the_stream() {
    let fetch = |n: u32| std::future::ready(page(&[n % 7, 1], None));
    let results = collect(pages(walk(u32::MAX, 2), fetch));
    assert_eq!(results.len(), 1);
    assert!(results[0].is_ok());
}

#[test]
fn repeated_page_message_does_not_claim_the_previous_page() {
    let text = PaginationError::RepeatedPage { page: 4 }.to_string();
    assert_eq!(text, "page 4 repeats the items of an earlier page");
}
