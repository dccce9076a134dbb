//! Walking through the pages of list operations as a stream.

use std::future::Future;

use futures_core::Stream;
use futures_util::stream::{self, StreamExt};

use crate::runtime::error::Error;

/// The most pages one stream fetches before it gives up with [`PaginationError::TooManyPages`].
///
/// With the largest Atlas page size (500) this is 50 million items: far more than any real list,
/// so hitting it means the server never signals the end.
pub(crate) const MAX_PAGES: u32 = 100_000;

/// A response type that holds one page of a list operation.
///
/// Implemented by the generated code for each paginated response model.
pub(crate) trait Page {
    /// The type of the listed items.
    type Item: serde::Serialize;
    /// The items of this page, in order.
    fn items(&self) -> &[Self::Item];
    /// Consumes the page and returns its items, in order.
    fn into_items(self) -> Vec<Self::Item>;
    /// The total number of items of the whole list, when the server reported it.
    fn total_count(&self) -> Option<u64>;
}

/// Why a pagination stream stopped with an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaginationError {
    /// The server returned the same items as on the previous page; stopped to avoid looping forever.
    #[error("page {page} repeats the items of the previous page")]
    RepeatedPage {
        /// Number of the repeated page.
        page: u32,
    },
    /// The stream fetched the maximum number of pages (100 000) without reaching the end.
    #[error("stopped after fetching {max_pages} pages without reaching the end of the list")]
    TooManyPages {
        /// The page limit.
        max_pages: u32,
    },
}

/// Where a walk through the pages starts and how far it may go; built by the generated request
/// builder after it validated its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Walk {
    /// The first page to fetch (1-based).
    pub start_page: u32,
    /// Items per page that the request asks for.
    pub page_size: u32,
    /// The largest page number the page parameter's type can carry (`i32::MAX` for an `int32`).
    pub last_page: u32,
}

struct State<F> {
    fetch: F,
    walk: Walk,
    next_page: Option<u32>,
    pages_fetched: u32,
    /// Items up to and including the last page fetched, counting the pages before `start_page` as
    /// full, so that `totalCount` (which covers the whole list) can end a walk that started late.
    items_through: u64,
    /// Fingerprints of every page seen, to catch a server that repeats any earlier page.
    seen: Vec<u64>,
    max_pages: u32,
}

/// Streams whole pages as `walk` describes, calling `fetch(page_num)` for each.
///
/// A failed `walk` (the request did not validate) is yielded as the only item. Otherwise the stream
/// ends after a page with fewer than `page_size` items (an empty page included), once the items
/// through the current page reach the `total_count` the server reported, after `last_page`, or after
/// the first error, which is yielded once. An empty page is yielded only when it is the first page.
/// A page whose items serialize exactly like an earlier page's ends the stream with
/// [`PaginationError::RepeatedPage`], and more than [`MAX_PAGES`] pages end it with
/// [`PaginationError::TooManyPages`].
#[allow(dead_code)] // Used by the generated operations of paginated endpoints.
pub(crate) fn pages<P, F, Fut>(walk: Result<Walk, Error>, fetch: F) -> impl Stream<Item = Result<P, Error>>
where
    P: Page,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    pages_with_limit(walk, MAX_PAGES, fetch)
}

/// Streams the items of all pages, in order; see [`pages`] for when the stream ends.
#[allow(dead_code)] // Used by the generated operations of paginated endpoints.
pub(crate) fn items<P, F, Fut>(walk: Result<Walk, Error>, fetch: F) -> impl Stream<Item = Result<P::Item, Error>>
where
    P: Page,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    pages(walk, fetch).flat_map(|page| {
        let items: Vec<Result<P::Item, Error>> = match page {
            Ok(page) => page.into_items().into_iter().map(Ok).collect(),
            Err(error) => vec![Err(error)],
        };
        stream::iter(items)
    })
}

fn fingerprint<T: serde::Serialize>(items: &[T]) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let bytes = serde_json::to_vec(items).ok()?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    Some(hasher.finish())
}

fn pages_with_limit<P, F, Fut>(
    walk: Result<Walk, Error>,
    max_pages: u32,
    fetch: F,
) -> impl Stream<Item = Result<P, Error>>
where
    P: Page,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    let (walk, invalid) = match walk {
        Ok(walk) => (walk, None),
        Err(error) => (Walk { start_page: 1, page_size: 0, last_page: 0 }, Some(error)),
    };
    let skipped = u64::from(walk.start_page.saturating_sub(1)).saturating_mul(u64::from(walk.page_size));
    let state = State {
        fetch,
        walk,
        next_page: if invalid.is_some() { None } else { Some(walk.start_page) },
        pages_fetched: 0,
        items_through: skipped,
        seen: Vec::new(),
        max_pages,
    };
    let invalid = stream::iter(invalid.map(Err));
    let walked = stream::unfold(state, |mut state| async move {
        loop {
            let page_num = state.next_page.take()?;
            if state.pages_fetched >= state.max_pages {
                let error = PaginationError::TooManyPages { max_pages: state.max_pages };
                return Some((Err(Error::Pagination(error)), state));
            }
            state.pages_fetched += 1;
            let page = match (state.fetch)(page_num).await {
                Ok(page) => page,
                Err(error) => return Some((Err(error), state)),
            };
            let count = page.items().len();
            if count == 0 {
                if state.pages_fetched == 1 {
                    return Some((Ok(page), state));
                }
                // A trailing empty page: nothing to yield, the stream ends.
                continue;
            }
            if let Some(print) = fingerprint(page.items()) {
                if state.seen.contains(&print) {
                    let error = PaginationError::RepeatedPage { page: page_num };
                    return Some((Err(Error::Pagination(error)), state));
                }
                state.seen.push(print);
            }
            state.items_through = state.items_through.saturating_add(count as u64);
            let short = u64::try_from(count).is_ok_and(|n| n < u64::from(state.walk.page_size));
            let complete = page.total_count().is_some_and(|total| state.items_through >= total);
            if !short && !complete {
                state.next_page = page_num.checked_add(1).filter(|next| *next <= state.walk.last_page);
            }
            return Some((Ok(page), state));
        }
    });
    invalid.chain(walked)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::pin::pin;
    use std::rc::Rc;
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
            match stream.as_mut().poll_next(&mut cx) {
                Poll::Ready(Some(item)) => out.push(item),
                Poll::Ready(None) => return out,
                Poll::Pending => panic!("fake fetches are always ready"),
            }
        }
    }

    type Calls = Rc<RefCell<Vec<u32>>>;
    type Answer = std::future::Ready<Result<FakePage, Error>>;

    /// A fake server: `pages[n - 1]` answers page `n`; it records the pages asked for.
    fn server(pages: Vec<Result<FakePage, Error>>) -> (Calls, impl FnMut(u32) -> Answer) {
        let calls = Rc::new(RefCell::new(Vec::new()));
        let seen = Rc::clone(&calls);
        let pages = RefCell::new(pages.into_iter().map(Some).collect::<Vec<_>>());
        let fetch = move |n: u32| {
            seen.borrow_mut().push(n);
            let answer = pages
                .borrow_mut()
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
        assert_eq!(*calls.borrow(), vec![1, 2, 3]);
    }

    #[test]
    fn stops_after_an_empty_page() {
        let (calls, fetch) = server(vec![page(&[1, 2], None), page(&[3, 4], None), page(&[], None)]);
        let pages = collect(pages(walk(1, 2), fetch));
        assert_eq!(pages.len(), 2, "the trailing empty page is not yielded");
        assert_eq!(*calls.borrow(), vec![1, 2, 3]);
    }

    #[test]
    fn an_empty_first_page_is_yielded() {
        let (calls, fetch) = server(vec![page(&[], Some(0))]);
        let pages = collect(pages(walk(1, 100), fetch));
        assert_eq!(pages.len(), 1);
        assert!(pages[0].as_ref().unwrap().items.is_empty());
        assert_eq!(*calls.borrow(), vec![1]);
    }

    #[test]
    fn stops_when_total_count_is_reached() {
        let (calls, fetch) = server(vec![page(&[1, 2], Some(4)), page(&[3, 4], Some(4)), page(&[9, 9], Some(4))]);
        assert_eq!(values(collect(items(walk(1, 2), fetch))), vec![1, 2, 3, 4]);
        assert_eq!(*calls.borrow(), vec![1, 2]);
    }

    #[test]
    fn starts_at_the_given_page() {
        let (calls, fetch) = server(vec![page(&[1, 2], None), page(&[3, 4], None), page(&[5], None)]);
        assert_eq!(values(collect(items(walk(2, 2), fetch))), vec![3, 4, 5]);
        assert_eq!(*calls.borrow(), vec![2, 3]);
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
        assert_eq!(*calls.borrow(), vec![1, 2]);
    }

    #[test]
    fn a_repeated_page_is_an_error() {
        let (calls, fetch) = server(vec![page(&[1, 2], None), page(&[1, 2], None), page(&[3], None)]);
        let results = collect(items(walk(1, 2), fetch));
        assert_eq!(results.len(), 3);
        assert!(matches!(results[2], Err(Error::Pagination(PaginationError::RepeatedPage { page: 2 }))));
        assert_eq!(*calls.borrow(), vec![1, 2]);
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
        assert_eq!(*calls.borrow(), vec![2, 3], "page 4 is past totalCount and never fetched");
    }

    #[test]
    fn a_page_repeating_any_earlier_page_is_an_error() {
        let (calls, fetch) = server(vec![page(&[1, 2], None), page(&[3, 4], None), page(&[1, 2], None)]);
        let results = collect(items(walk(1, 2), fetch));
        assert!(matches!(results[4], Err(Error::Pagination(PaginationError::RepeatedPage { page: 3 }))));
        assert_eq!(*calls.borrow(), vec![1, 2, 3]);
    }

    #[test]
    fn the_last_representable_page_ends_the_stream() {
        let (calls, fetch) = server(vec![page(&[1, 2], None), page(&[3, 4], None)]);
        let walk = Ok(Walk { start_page: 1, page_size: 2, last_page: 2 });
        assert_eq!(values(collect(items(walk, fetch))), vec![1, 2, 3, 4]);
        assert_eq!(*calls.borrow(), vec![1, 2]);
    }

    #[test]
    fn an_invalid_walk_is_yielded_once_and_fetches_nothing() {
        let (calls, fetch) = server(vec![page(&[1, 2], None)]);
        let results = collect(items(Err(Error::Config("bad".to_owned())), fetch));
        assert_eq!(results.len(), 1);
        assert!(matches!(results[0], Err(Error::Config(_))));
        assert!(calls.borrow().is_empty());
    }

    #[test]
    fn page_number_overflow_ends_the_stream() {
        let fetch = |n: u32| std::future::ready(page(&[n % 7, 1], None));
        let results = collect(pages(walk(u32::MAX, 2), fetch));
        assert_eq!(results.len(), 1);
        assert!(results[0].is_ok());
    }
}
