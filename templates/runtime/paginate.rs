//! Walking through the pages of list operations as a stream.

use std::future::Future;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::stream::{self, StreamExt};

use crate::runtime::error::Error;

/// The most pages one stream fetches before it gives up with [`PaginationError::TooManyPages`].
///
/// With the largest Atlas page size (500) this is 50 million items: far more than any real list,
/// so hitting it means the server never signals the end.
pub(crate) const MAX_PAGES: u32 = 100_000;

/// The stream `stream()` and `pages()` of a list operation return: its items (or pages), each a
/// `Result`, fetched one page at a time.
///
/// Boxed, so it is `Unpin` and `Send`: call `.next()` on it directly (with `futures::StreamExt`),
/// no `pin!` needed, and move it into a spawned task. The box costs one allocation per stream, not
/// per item or page (see BENCHMARKS.md).
pub type PageStream<'a, T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'a>>;

/// A response type that holds one page of a list operation.
///
/// Implemented by the generated code for each paginated response model.
pub(crate) trait Page {
    /// The type of the listed items.
    type Item: std::fmt::Debug;
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
    /// The server returned the same items as on an earlier page of the walk (not necessarily the one
    /// just before); stopped to avoid looping forever.
    #[error("page {page} repeats the items of an earlier page")]
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

/// Where a walk is: everything that decides what to fetch next and when to stop. Not generic, so the
/// decisions are compiled once, not once per paginated operation (the stream around them is).
struct Progress {
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

/// What to do with a page just fetched.
enum Verdict {
    /// Yield it.
    Yield,
    /// A trailing empty page: nothing to yield, the walk ends.
    Skip,
}

impl Progress {
    /// The page to fetch next (`None` when the walk is over), or the error that ends it.
    fn next_page(&mut self) -> Option<Result<u32, Error>> {
        let page_num = self.next_page.take()?;
        if self.pages_fetched >= self.max_pages {
            return Some(Err(Error::Pagination(PaginationError::TooManyPages { max_pages: self.max_pages })));
        }
        self.pages_fetched += 1;
        Some(Ok(page_num))
    }

    /// Takes in page `page_num` (its item count, fingerprint and reported total) and decides whether
    /// it is yielded and which page comes next.
    fn after(&mut self, page_num: u32, count: usize, print: Option<u64>, total: Option<u64>) -> Result<Verdict, Error> {
        if count == 0 {
            return Ok(if self.pages_fetched == 1 { Verdict::Yield } else { Verdict::Skip });
        }
        if let Some(print) = print {
            if self.seen.contains(&print) {
                return Err(Error::Pagination(PaginationError::RepeatedPage { page: page_num }));
            }
            self.seen.push(print);
        }
        self.items_through = self.items_through.saturating_add(count as u64);
        let short = u64::try_from(count).is_ok_and(|n| n < u64::from(self.walk.page_size));
        let complete = total.is_some_and(|total| self.items_through >= total);
        if !short && !complete {
            self.next_page = page_num.checked_add(1).filter(|next| *next <= self.walk.last_page);
        }
        Ok(Verdict::Yield)
    }
}

/// Streams whole pages as `walk` describes, calling `fetch(page_num)` for each.
///
/// A failed `walk` (the request did not validate) is yielded as the only item. Otherwise the stream
/// ends after a page with fewer than `page_size` items (an empty page included), once the items
/// through the current page reach the `total_count` the server reported, after `last_page`, or after
/// the first error, which is yielded once. An empty page is yielded only when it is the first page.
/// A page whose items are the same as an earlier page's (compared by a hash of their `Debug` form)
/// ends the stream with [`PaginationError::RepeatedPage`], and more than [`MAX_PAGES`] pages end it
/// with [`PaginationError::TooManyPages`].
#[allow(dead_code)] // Used by the generated operations of paginated endpoints.
pub(crate) fn pages<'a, P, F, Fut>(walk: Result<Walk, Error>, fetch: F) -> PageStream<'a, P>
where
    P: Page + Send + 'a,
    F: FnMut(u32) -> Fut + Send + 'a,
    Fut: Future<Output = Result<P, Error>> + Send + 'a,
{
    Box::pin(pages_with_limit(walk, MAX_PAGES, fetch))
}

/// Streams the items of all pages, in order; see [`pages`] for when the stream ends.
#[allow(dead_code)] // Used by the generated operations of paginated endpoints.
pub(crate) fn items<'a, P, F, Fut>(walk: Result<Walk, Error>, fetch: F) -> PageStream<'a, P::Item>
where
    P: Page + Send + 'a,
    P::Item: Send + 'a,
    F: FnMut(u32) -> Fut + Send + 'a,
    Fut: Future<Output = Result<P, Error>> + Send + 'a,
{
    Box::pin(pages_with_limit(walk, MAX_PAGES, fetch).flat_map(|page| {
        let items: Vec<Result<P::Item, Error>> = match page {
            Ok(page) => page.into_items().into_iter().map(Ok).collect(),
            Err(error) => vec![Err(error)],
        };
        stream::iter(items)
    }))
}

/// A hash of the items of a page, to recognise a page the server repeats: of their `Debug` form, which
/// every model has (secrets show as `[redacted]`, so items that differ only in a secret look alike).
/// Not of their JSON: serializing them would instantiate `Serialize` for every listed type, which the
/// client otherwise never serializes (2.5 % of the whole-API crate's LLVM IR, llvm-lines). Not generic.
fn fingerprint(items: &dyn std::fmt::Debug) -> Option<u64> {
    use std::hash::Hasher;
    /// Feeds what `Debug` writes straight into the hasher, without building the string.
    struct Feed(std::collections::hash_map::DefaultHasher);
    impl std::fmt::Write for Feed {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            self.0.write(text.as_bytes());
            Ok(())
        }
    }
    let mut feed = Feed(std::collections::hash_map::DefaultHasher::new());
    std::fmt::write(&mut feed, format_args!("{items:?}")).ok()?;
    Some(feed.0.finish())
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
    let progress = Progress {
        walk,
        next_page: if invalid.is_some() { None } else { Some(walk.start_page) },
        pages_fetched: 0,
        items_through: skipped,
        seen: Vec::new(),
        max_pages,
    };
    let invalid = stream::iter(invalid.map(Err));
    let walked = stream::unfold((progress, fetch), |(mut progress, mut fetch)| async move {
        loop {
            let page_num = match progress.next_page()? {
                Ok(page_num) => page_num,
                Err(error) => return Some((Err(error), (progress, fetch))),
            };
            let page = match fetch(page_num).await {
                Ok(page) => page,
                Err(error) => return Some((Err(error), (progress, fetch))),
            };
            let print = fingerprint(&page.items());
            match progress.after(page_num, page.items().len(), print, page.total_count()) {
                Ok(Verdict::Yield) => return Some((Ok(page), (progress, fetch))),
                Ok(Verdict::Skip) => continue,
                Err(error) => return Some((Err(error), (progress, fetch))),
            }
        }
    });
    invalid.chain(walked)
}

#[cfg(test)]
#[path = "tests/paginate.rs"]
mod tests;
