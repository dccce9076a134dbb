//! The generated client at run time: per-call overhead on a loopback server against raw reqwest +
//! serde_json, decoding a 500-item page, and Digest authentication (requests per call and time per
//! call, with and without nonce reuse).
//!
//! Group and function names are read back by `cargo xtask bench`; keep them in step with
//! `xtask/src/bench/mod.rs`.

use std::hint::black_box;
use std::time::Duration;

use atlas_admin_client::models::{ApiKeyUserDetails, PaginatedApiApiUserView};
use atlas_admin_client::{Client, RetryPolicy};
use atlas_bench::{
    client_runtime, key_json, key_url, page_json, page_url, raw_digest_get, raw_get, write_extra, Auth, BarePage,
    Server, KEY_ID, ORG_ID, PAGE_ITEMS,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// Calls in the Digest request-count experiment.
const DIGEST_CALLS: u64 = 100;
/// Concurrent calls per burst, and bursts after the warm-up one, in the concurrent Digest experiment.
const DIGEST_CONCURRENT: usize = 20;
const DIGEST_BURSTS: usize = 3;

/// Requests a strict-`nc` Digest server receives for bursts of [`DIGEST_CONCURRENT`] concurrent
/// calls: the warm-up burst first, then [`DIGEST_BURSTS`] more.
fn concurrent_digest_requests() -> Vec<u64> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("no runtime: {e}"));
    let server = Server::start(Auth::DigestStrictNc);
    let client = ours(&server.base_url(), true);
    let mut per_burst = Vec::new();
    for _ in 0..=DIGEST_BURSTS {
        let before = server.requests();
        rt.block_on(async {
            let mut calls = tokio::task::JoinSet::new();
            for _ in 0..DIGEST_CONCURRENT {
                let client = client.clone();
                calls.spawn(async move { client.get_org_api_key(ORG_ID, KEY_ID).send().await.map(|_| ()) });
            }
            while let Some(result) = calls.join_next().await {
                result.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|e| panic!("{e}"));
            }
        });
        per_burst.push(server.requests() - before);
    }
    per_burst
}

fn ours(base: &str, digest: bool) -> Client {
    let builder = Client::builder().base_url(base).retry_policy(RetryPolicy::none());
    let builder = if digest { builder.digest("public-key", "private-key") } else { builder };
    builder.build().unwrap_or_else(|e| panic!("cannot build the client: {e}"))
}

fn loopback(c: &mut Criterion) {
    let rt = client_runtime();
    let server = Server::start(Auth::None);
    let base = server.base_url();
    let client = ours(&base, false);
    let http = reqwest::Client::new();
    let (key_url, page_url) = (key_url(&base), page_url(&base));

    // Same payload through both paths before timing anything.
    let a = rt.block_on(client.get_org_api_key(ORG_ID, KEY_ID).send()).unwrap_or_else(|e| panic!("{e}"));
    let b: ApiKeyUserDetails = rt.block_on(raw_get(&http, &key_url));
    assert_eq!(a, b);
    let a = rt.block_on(client.list_org_api_keys(ORG_ID).items_per_page(500).send()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.results.len(), PAGE_ITEMS);

    let mut group = c.benchmark_group("call_get");
    group.bench_function("ours", |b| {
        b.iter(|| rt.block_on(client.get_org_api_key(ORG_ID, KEY_ID).send()).unwrap_or_else(|e| panic!("{e}")))
    });
    group
        .bench_function("raw_reqwest_typed", |b| b.iter(|| rt.block_on(raw_get::<ApiKeyUserDetails>(&http, &key_url))));
    group
        .bench_function("raw_reqwest_value", |b| b.iter(|| rt.block_on(raw_get::<serde_json::Value>(&http, &key_url))));
    group.finish();

    let mut group = c.benchmark_group("call_list500");
    group.throughput(Throughput::Elements(PAGE_ITEMS as u64));
    group.bench_function("ours", |b| {
        b.iter(|| {
            rt.block_on(client.list_org_api_keys(ORG_ID).items_per_page(500).send()).unwrap_or_else(|e| panic!("{e}"))
        })
    });
    group.bench_function("raw_reqwest_typed", |b| {
        b.iter(|| rt.block_on(raw_get::<PaginatedApiApiUserView>(&http, &page_url)))
    });
    group.bench_function("raw_reqwest_value", |b| {
        b.iter(|| rt.block_on(raw_get::<serde_json::Value>(&http, &page_url)))
    });
    group.finish();
    drop(server);
}

fn decode(c: &mut Criterion) {
    let page = page_json(PAGE_ITEMS);
    let key = key_json();
    let mut group = c.benchmark_group("decode_page500");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.bench_function("ours", |b| {
        b.iter(|| serde_json::from_slice::<PaginatedApiApiUserView>(black_box(&page)).unwrap_or_else(|e| panic!("{e}")))
    });
    group.bench_function("ours_like_client", |b| {
        b.iter(|| atlas_bench::decode_like_client::<PaginatedApiApiUserView>(black_box(&page)))
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&page)).unwrap_or_else(|e| panic!("{e}")))
    });
    group.bench_function("bare_struct", |b| {
        b.iter(|| serde_json::from_slice::<BarePage>(black_box(&page)).unwrap_or_else(|e| panic!("{e}")))
    });
    group.finish();
    write_extra(
        "payloads",
        &serde_json::json!({ "page_bytes": page.len(), "key_bytes": key.len(), "items": PAGE_ITEMS }),
    );
}

fn digest(c: &mut Criterion) {
    let rt = client_runtime();

    // Request counts: a fresh server and client per variant, DIGEST_CALLS sequential GETs.
    let server = Server::start(Auth::Digest);
    let client = ours(&server.base_url(), true);
    for _ in 0..DIGEST_CALLS {
        rt.block_on(client.get_org_api_key(ORG_ID, KEY_ID).send()).unwrap_or_else(|e| panic!("{e}"));
    }
    let (ours_requests, ours_challenges) = (server.requests(), server.challenges());
    drop(server);
    let server = Server::start(Auth::Digest);
    let http = reqwest::Client::new();
    let url = key_url(&server.base_url());
    for _ in 0..DIGEST_CALLS {
        let _: ApiKeyUserDetails = rt.block_on(raw_digest_get(&http, &url));
    }
    let (raw_requests, raw_challenges) = (server.requests(), server.challenges());
    drop(server);
    let concurrent = concurrent_digest_requests();
    eprintln!("digest: bursts of {DIGEST_CONCURRENT} concurrent calls (warm-up first) -> {concurrent:?} requests");
    write_extra(
        "digest_counts",
        &serde_json::json!({
            "concurrent_calls": DIGEST_CONCURRENT,
            "concurrent_warmup_requests": concurrent[0],
            "concurrent_requests_per_burst": &concurrent[1..],
            "calls": DIGEST_CALLS,
            "ours_requests": ours_requests,
            "ours_challenges": ours_challenges,
            "no_reuse_requests": raw_requests,
            "no_reuse_challenges": raw_challenges,
        }),
    );
    eprintln!(
        "digest: {DIGEST_CALLS} calls -> ours {ours_requests} requests ({ours_challenges} challenges), \
         no reuse {raw_requests} requests ({raw_challenges} challenges)"
    );

    // Time per call, on one long-lived server each.
    let server = Server::start(Auth::Digest);
    let client = ours(&server.base_url(), true);
    let url = key_url(&server.base_url());
    let mut group = c.benchmark_group("call_get_digest");
    group.bench_function("ours", |b| {
        b.iter(|| rt.block_on(client.get_org_api_key(ORG_ID, KEY_ID).send()).unwrap_or_else(|e| panic!("{e}")))
    });
    group.bench_function("no_reuse", |b| b.iter(|| rt.block_on(raw_digest_get::<ApiKeyUserDetails>(&http, &url))));
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
        .configure_from_args()
}

criterion_group! { name = benches; config = config(); targets = loopback, decode, digest }
criterion_main!(benches);
