//! Automatic pagination of `listOrgApiKeys`: `stream()` yields every item once, in order, and
//! `pages()` whole pages, with exactly the requests needed.
//!
//! The mock server answers only the `pageNum`/`itemsPerPage` combinations a test mounts; any other
//! request gets wiremock's 404, which would surface as an error item. Every test asserts both the
//! items and the exact list of requests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::pin::pin;

use atlas_admin_client::models::{ApiKeyUserDetails, Link, PaginatedApiApiUserView};
use atlas_admin_client::{Client, Constraint, Error, PaginationError, RetryPolicy};
use futures::StreamExt;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A `Link` as the client decodes it (response types are `#[non_exhaustive]`: built field by field).
fn link(href: impl Into<String>, rel: impl Into<String>) -> Link {
    let mut link = Link::default();
    link.href = Some(href.into());
    link.rel = Some(rel.into());
    link
}

const ORG: &str = "4888442a3354817a7320eb61";
const LIST_PATH: &str = "/api/atlas/v2/orgs/4888442a3354817a7320eb61/apiKeys";
const MEDIA: &str = "application/vnd.atlas.2023-01-01+json";

/// Upper bound on items drained from a stream, so a runaway stream fails the test instead of hanging.
const DRAIN_LIMIT: usize = 10_000;

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap()
}

fn id(n: usize) -> String {
    format!("{n:024x}")
}

fn ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(id).collect()
}

fn key_json(id: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "desc": format!("key {id}"), "roles": [{"orgId": ORG, "roleName": "ORG_MEMBER"}]})
}

fn page_json(page_num: u32, items: &[String], total_count: Option<usize>) -> serde_json::Value {
    let mut page = serde_json::json!({
        "links": [{"href": format!("https://cloud.mongodb.com{LIST_PATH}?pageNum={page_num}"), "rel": "self"}],
        "results": items.iter().map(|id| key_json(id)).collect::<Vec<_>>(),
    });
    if let Some(total) = total_count {
        page["totalCount"] = serde_json::json!(total);
    }
    page
}

/// Mounts the answer to `pageNum=page_num&itemsPerPage=size`.
async fn mount_page(server: &MockServer, page_num: u32, size: u32, items: &[String], total_count: Option<usize>) {
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param("pageNum", page_num.to_string()))
        .and(query_param("itemsPerPage", size.to_string()))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(page_json(page_num, items, total_count).to_string(), MEDIA),
        )
        .mount(server)
        .await;
}

/// The query strings of every request the server received, in order.
async fn queries(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.expect("request recording is on");
    for request in &requests {
        assert_eq!(request.method.as_str(), "GET");
        assert_eq!(request.url.path(), LIST_PATH);
    }
    requests.iter().map(|request| request.url.query().unwrap_or_default().to_owned()).collect()
}

/// The query string of the request for `page_num` with `size` items: nothing else is sent.
fn query(page_num: u32, size: u32) -> String {
    format!("itemsPerPage={size}&pageNum={page_num}")
}

/// Drains a stream (bounded by [`DRAIN_LIMIT`]).
async fn drain<T>(stream: impl futures::Stream<Item = Result<T, Error>>) -> Vec<Result<T, Error>> {
    let mut stream = pin!(stream);
    let mut out = Vec::new();
    while let Some(item) = stream.next().await {
        out.push(item);
        assert!(out.len() <= DRAIN_LIMIT, "the stream does not end");
    }
    out
}

/// The ids of the items, panicking on any error item.
fn item_ids(items: Vec<Result<ApiKeyUserDetails, Error>>) -> Vec<String> {
    items.into_iter().map(|item| item.expect("no error item").id.expect("every item has an id")).collect()
}

/// Asserts that `got` is exactly `expected`: same order, no duplicates, none missing.
fn assert_ids(got: &[String], expected: &[String]) {
    assert_eq!(got.len(), expected.len(), "item count");
    let unique: std::collections::HashSet<&String> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "no duplicates");
    assert!(got == expected, "items differ from the expected ids, in order");
}

#[tokio::test]
async fn no_items_take_one_request() {
    let server = MockServer::start().await;
    mount_page(&server, 1, 500, &[], Some(0)).await;
    let client = client(&server);

    let items = drain(client.list_org_api_keys(ORG).stream()).await;

    assert!(item_ids(items).is_empty());
    assert_eq!(queries(&server).await, [query(1, 500)]);
}

#[tokio::test]
async fn exactly_one_full_page_with_total_count_takes_one_request() {
    let server = MockServer::start().await;
    let expected = ids(0..500);
    mount_page(&server, 1, 500, &expected, Some(500)).await;
    let client = client(&server);

    let items = drain(client.list_org_api_keys(ORG).stream()).await;

    assert_ids(&item_ids(items), &expected);
    assert_eq!(queries(&server).await, [query(1, 500)]);
}

#[tokio::test]
async fn exactly_one_full_page_without_total_count_ends_on_an_empty_page() {
    let server = MockServer::start().await;
    let expected = ids(0..500);
    mount_page(&server, 1, 500, &expected, None).await;
    mount_page(&server, 2, 500, &[], None).await;
    let client = client(&server);

    let items = drain(client.list_org_api_keys(ORG).stream()).await;

    assert_ids(&item_ids(items), &expected);
    assert_eq!(queries(&server).await, [query(1, 500), query(2, 500)]);
}

#[tokio::test]
async fn items_1234_over_three_pages_of_500() {
    let server = MockServer::start().await;
    let expected = ids(0..1234);
    mount_page(&server, 1, 500, &expected[..500], Some(1234)).await;
    mount_page(&server, 2, 500, &expected[500..1000], Some(1234)).await;
    mount_page(&server, 3, 500, &expected[1000..], Some(1234)).await;
    let client = client(&server);

    let items = drain(client.list_org_api_keys(ORG).stream()).await;

    assert_ids(&item_ids(items), &expected);
    assert_eq!(queries(&server).await, [query(1, 500), query(2, 500), query(3, 500)]);
}

#[tokio::test]
async fn items_1234_without_total_count_end_on_the_short_page() {
    let server = MockServer::start().await;
    let expected = ids(0..1234);
    mount_page(&server, 1, 500, &expected[..500], None).await;
    mount_page(&server, 2, 500, &expected[500..1000], None).await;
    mount_page(&server, 3, 500, &expected[1000..], None).await;
    let client = client(&server);

    let items = drain(client.list_org_api_keys(ORG).stream()).await;

    assert_ids(&item_ids(items), &expected);
    assert_eq!(queries(&server).await, [query(1, 500), query(2, 500), query(3, 500)]);
}

#[tokio::test]
async fn pages_are_fetched_only_when_needed() {
    let server = MockServer::start().await;
    let expected = ids(0..1234);
    mount_page(&server, 1, 500, &expected[..500], Some(1234)).await;
    mount_page(&server, 2, 500, &expected[500..1000], Some(1234)).await;
    mount_page(&server, 3, 500, &expected[1000..], Some(1234)).await;
    let client = client(&server);

    // No `pin!`: the stream is `Unpin`, so `.next()` works on it directly.
    let mut stream = client.list_org_api_keys(ORG).stream();
    for expected_id in &expected[..500] {
        assert_eq!(stream.next().await.unwrap().unwrap().id.as_deref(), Some(expected_id.as_str()));
    }
    assert_eq!(queries(&server).await, [query(1, 500)], "page 2 is not fetched before it is needed");
    assert_eq!(stream.next().await.unwrap().unwrap().id.as_deref(), Some(expected[500].as_str()));
    assert_eq!(queries(&server).await, [query(1, 500), query(2, 500)]);
}

/// Streams are `Send` and `Unpin`: they can be kept in a struct, moved into a task and polled there.
#[tokio::test]
async fn streams_move_into_spawned_tasks() {
    let server = MockServer::start().await;
    let expected = ids(0..3);
    mount_page(&server, 1, 500, &expected, Some(3)).await;
    let client = client(&server);
    let task = tokio::spawn(async move {
        let mut pages = client.list_org_api_keys(ORG).pages();
        let first = pages.next().await;
        let mut items = client.list_org_api_keys(ORG).stream();
        let mut count = 0;
        while let Some(item) = items.next().await {
            item.unwrap();
            count += 1;
        }
        (first.map(|page| page.unwrap().results.len()), count)
    });
    assert_eq!(task.await.unwrap(), (Some(3), 3));
}

#[tokio::test]
async fn a_server_repeating_a_full_page_ends_with_a_pagination_error() {
    let server = MockServer::start().await;
    let same = ids(0..500);
    // Whatever page is asked for, the same full page comes back, without totalCount.
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param("itemsPerPage", "500"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(page_json(1, &same, None).to_string(), MEDIA))
        .mount(&server)
        .await;
    let client = client(&server);

    let mut items = drain(client.list_org_api_keys(ORG).stream()).await;

    let last = items.pop().expect("at least the error");
    assert!(matches!(last, Err(Error::Pagination(PaginationError::RepeatedPage { page: 2 }))), "got {last:?}");
    assert_ids(&item_ids(items), &same);
    assert_eq!(queries(&server).await, [query(1, 500), query(2, 500)], "the repeat is detected at once");
}

#[tokio::test]
async fn an_error_on_page_two_is_yielded_once_after_the_items_of_page_one() {
    let server = MockServer::start().await;
    let first = ids(0..500);
    mount_page(&server, 1, 500, &first, Some(1234)).await;
    Mock::given(method("GET"))
        .and(path(LIST_PATH))
        .and(query_param("pageNum", "2"))
        .and(query_param("itemsPerPage", "500"))
        .respond_with(ResponseTemplate::new(500).set_body_json(serde_json::json!({
            "error": 500, "errorCode": "UNEXPECTED_ERROR", "detail": "An unexpected error occurred.",
            "reason": "Internal Server Error"
        })))
        .mount(&server)
        .await;
    mount_page(&server, 3, 500, &ids(1000..1234), Some(1234)).await;
    let client = client(&server);

    let mut items = drain(client.list_org_api_keys(ORG).stream()).await;

    let last = items.pop().expect("at least the error");
    match last {
        Err(error) => {
            assert_eq!(error.status(), Some(500));
            assert_eq!(error.error_code(), Some("UNEXPECTED_ERROR"));
            assert_eq!(error.operation(), Some("listOrgApiKeys"));
        }
        Ok(item) => panic!("expected the error last, got {item:?}"),
    }
    assert_ids(&item_ids(items), &first);
    assert_eq!(queries(&server).await, [query(1, 500), query(2, 500)], "no retry, no page 3");
}

#[tokio::test]
async fn caller_chosen_page_size_and_start_page() {
    let server = MockServer::start().await;
    // 337 keys in pages of 100: pages 3 and 4 hold keys 200..300 and 300..337.
    let expected = ids(200..337);
    mount_page(&server, 3, 100, &expected[..100], Some(337)).await;
    mount_page(&server, 4, 100, &expected[100..], Some(337)).await;
    let client = client(&server);

    let items = drain(client.list_org_api_keys(ORG).items_per_page(100).page_num(3).stream()).await;

    assert_ids(&item_ids(items), &expected);
    assert_eq!(queries(&server).await, [query(3, 100), query(4, 100)]);
}

#[tokio::test]
async fn other_parameters_are_kept_on_every_page() {
    let server = MockServer::start().await;
    let expected = ids(0..3);
    for (page, range) in [(1, 0..2), (2, 2..3)] {
        Mock::given(method("GET"))
            .and(path(LIST_PATH))
            .and(query_param("pageNum", page.to_string()))
            .and(query_param("itemsPerPage", "2"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(page_json(page, &expected[range], None).to_string(), MEDIA),
            )
            .mount(&server)
            .await;
    }
    let client = client(&server);

    let items = drain(client.list_org_api_keys(ORG).include_count(false).pretty(true).items_per_page(2).stream()).await;

    assert_ids(&item_ids(items), &expected);
    assert_eq!(
        queries(&server).await,
        [
            "includeCount=false&itemsPerPage=2&pageNum=1&pretty=true",
            "includeCount=false&itemsPerPage=2&pageNum=2&pretty=true"
        ]
    );
}

#[tokio::test]

async fn total_count_ends_a_stream_that_starts_late_without_an_extra_request() {
    let server = MockServer::start().await;
    // 400 keys in 4 full pages of 100; starting at page 3, page 4 is the last one (4 * 100 >= 400).
    let expected = ids(200..400);
    mount_page(&server, 3, 100, &expected[..100], Some(400)).await;
    mount_page(&server, 4, 100, &expected[100..], Some(400)).await;
    mount_page(&server, 5, 100, &[], Some(400)).await;
    let client = client(&server);

    let items = drain(client.list_org_api_keys(ORG).items_per_page(100).page_num(3).stream()).await;

    assert_ids(&item_ids(items), &expected);
    assert_eq!(queries(&server).await, [query(3, 100), query(4, 100)]);
}

#[tokio::test]
async fn pages_yields_whole_pages() {
    let server = MockServer::start().await;
    let expected = ids(0..1234);
    mount_page(&server, 1, 500, &expected[..500], Some(1234)).await;
    mount_page(&server, 2, 500, &expected[500..1000], Some(1234)).await;
    mount_page(&server, 3, 500, &expected[1000..], Some(1234)).await;
    let client = client(&server);

    let pages: Vec<PaginatedApiApiUserView> =
        drain(client.list_org_api_keys(ORG).pages()).await.into_iter().map(Result::unwrap).collect();

    assert_eq!(pages.iter().map(|page| page.results.len()).collect::<Vec<_>>(), [500, 500, 234]);
    for (n, page) in pages.iter().enumerate() {
        assert_eq!(page.total_count, Some(1234));
        assert_eq!(
            page.links,
            [link(format!("https://cloud.mongodb.com{LIST_PATH}?pageNum={}", n + 1), "self".to_owned())]
        );
    }
    let all: Vec<String> = pages.into_iter().flat_map(|page| page.results).map(|key| key.id.unwrap()).collect();
    assert_ids(&all, &expected);
    assert_eq!(queries(&server).await, [query(1, 500), query(2, 500), query(3, 500)]);
}

#[tokio::test]
async fn pages_yields_an_empty_first_page() {
    let server = MockServer::start().await;
    mount_page(&server, 1, 500, &[], Some(0)).await;
    let client = client(&server);

    let pages = drain(client.list_org_api_keys(ORG).pages()).await;

    assert_eq!(pages.len(), 1);
    let page = pages.into_iter().next().unwrap().unwrap();
    assert!(page.results.is_empty());
    assert_eq!(page.total_count, Some(0));
    assert_eq!(queries(&server).await, [query(1, 500)]);
}

/// Asserts a stream that yields exactly one validation error and sends nothing.
async fn assert_single_validation_error<T: std::fmt::Debug>(
    server: &MockServer,
    results: Vec<Result<T, Error>>,
    pointer: &str,
    constraint: Constraint,
    value: &str,
) {
    assert_eq!(results.len(), 1, "exactly one item: {results:?}");
    match results.into_iter().next().unwrap() {
        Err(Error::Validation(error)) => {
            assert_eq!(error.operation(), Some("listOrgApiKeys"));
            assert_eq!(error.pointer(), pointer);
            assert_eq!(error.constraint(), &constraint);
            assert_eq!(error.value(), value);
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert!(queries(server).await.is_empty(), "nothing is sent");
}

#[tokio::test]
async fn an_invalid_page_size_yields_one_validation_error_and_sends_nothing() {
    let server = MockServer::start().await;
    mount_page(&server, 1, 501, &ids(0..3), Some(3)).await;
    let client = client(&server);

    let results = drain(client.list_org_api_keys(ORG).items_per_page(501).stream()).await;
    assert_single_validation_error(&server, results, "/query/itemsPerPage", Constraint::Maximum(500.0), "501").await;

    let results = drain(client.list_org_api_keys(ORG).items_per_page(501).pages()).await;
    assert_single_validation_error(&server, results, "/query/itemsPerPage", Constraint::Maximum(500.0), "501").await;
}

#[tokio::test]
async fn an_invalid_start_page_or_org_id_yields_one_validation_error() {
    let server = MockServer::start().await;
    let client = client(&server);

    let results = drain(client.list_org_api_keys(ORG).page_num(0).stream()).await;
    assert_single_validation_error(&server, results, "/query/pageNum", Constraint::Minimum(1.0), "0").await;

    let results = drain(client.list_org_api_keys("nope").stream()).await;
    assert_single_validation_error(&server, results, "/path/orgId", Constraint::Pattern("^([a-f0-9]{24})$"), "nope")
        .await;
}

#[tokio::test]

async fn a_negative_page_size_or_start_page_is_reported_as_set() {
    let server = MockServer::start().await;
    let client = client(&server);

    let results = drain(client.list_org_api_keys(ORG).items_per_page(-5).stream()).await;
    assert_single_validation_error(&server, results, "/query/itemsPerPage", Constraint::Minimum(1.0), "-5").await;

    let results = drain(client.list_org_api_keys(ORG).page_num(-1).pages()).await;
    assert_single_validation_error(&server, results, "/query/pageNum", Constraint::Minimum(1.0), "-1").await;
}

#[tokio::test]

async fn the_last_representable_page_ends_the_stream() {
    let server = MockServer::start().await;
    let last = u32::MAX;
    mount_page(&server, last, 1, &ids(0..1), None).await;
    let client = client(&server);

    let items = drain(client.list_org_api_keys(ORG).items_per_page(1).page_num(i64::from(last)).stream()).await;

    // pageNum is an integer without a format (i64), and the stream counts pages in a u32: no page can
    // follow 4294967295, so the stream ends there, as it does when the page number overflows.
    assert_ids(&item_ids(items), &ids(0..1));
    assert_eq!(queries(&server).await, [query(last, 1)]);
}
