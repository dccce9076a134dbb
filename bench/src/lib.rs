//! Shared pieces of the benchmarks: the specs (real, rewritten for progenitor, synthetic), the JSON
//! payloads, a loopback HTTP server that counts requests and can demand Digest authentication, and
//! the hand-written baselines (raw reqwest + serde_json, a bare `Deserialize` model, a Digest client
//! that does not reuse the server nonce).
//!
//! Nothing here measures time: the criterion benches in `benches/` do.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use hyper::{Request, Response, StatusCode};
use serde::Deserialize;

mod progenitor_copy;
pub use progenitor_copy::{official_for_progenitor, ProgenitorCopy};

/// Path of the spec, as the generator's headers name it.
pub const SPEC_FILE: &str = "spec/atlas-api-keys.yaml";
/// The media type the spec declares for every request and response body.
pub const ATLAS_MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json";
/// The official Atlas Administration API v2 description, vendored (540 operations, 1,145 schemas).
pub const OFFICIAL_FILE: &str = "spec/upstream/atlas-admin-v2.yaml";
/// Organization and API key ids used in every request.
pub const ORG_ID: &str = "4888442a3354817a7320eb61";
/// See [`ORG_ID`].
pub const KEY_ID: &str = "32b6e34b3d91647abb20e7b8";
/// Items on the list page every list benchmark fetches or decodes.
pub const PAGE_ITEMS: usize = 500;
/// The Digest challenge the loopback server sends, as Atlas does (realm, MD5, qop=auth).
pub const NONCE: &str = "nMNv8wLqLRjCgQJCpKTzyhNMcJyHw+Ef";

/// The repository root (this crate lives in `bench/`).
pub fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The text of `spec/atlas-api-keys.yaml`.
pub fn real_spec() -> String {
    let path = repo_root().join(SPEC_FILE);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The text of the vendored official description.
pub fn official_spec() -> String {
    let path = repo_root().join(OFFICIAL_FILE);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// progenitor on a spec it may refuse: YAML text in, formatted Rust out, or why not. Its generator can
/// also panic on input it does not support, which is caught and reported the same way.
pub fn progenitor_try(text: &str) -> Result<String, String> {
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(text).map_err(|e| format!("does not parse: {e}"))?;
    progenitor_generate(&spec)
}

/// [`progenitor_try`] for a JSON document, read with serde_json as progenitor's own examples and
/// `cargo progenitor` read `.json` files (the YAML reader refuses some valid JSON string escapes).
pub fn progenitor_try_json(text: &str) -> Result<String, String> {
    let spec: openapiv3::OpenAPI = serde_json::from_str(text).map_err(|e| format!("does not parse: {e}"))?;
    progenitor_generate(&spec)
}

fn progenitor_generate(spec: &openapiv3::OpenAPI) -> Result<String, String> {
    let tokens = std::panic::catch_unwind(|| progenitor_impl::Generator::default().generate_tokens(spec))
        .map_err(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            format!("panicked: {message}")
        })?
        .map_err(|e| format!("cannot generate: {e}"))?;
    let file: syn3::File = syn3::parse2(tokens).map_err(|e| format!("output is not a file: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// The copy of a spec that progenitor is given. The only rewrite: every
/// `application/vnd.atlas.2023-01-01+json` media type becomes `application/json`, because progenitor
/// accepts only `application/json` (and a few non-JSON types) for bodies. Everything else (security
/// schemes, `items: {}`, `$ref` parameters and responses, `readOnly`, `format: password`) it takes as
/// it is.
pub fn for_progenitor(spec: &str) -> String {
    spec.replace(ATLAS_MEDIA_TYPE, "application/json")
}

/// Parses a spec for progenitor (YAML to openapiv3, as its build.rs examples do with JSON).
pub fn progenitor_parse(text: &str) -> openapiv3::OpenAPI {
    serde_yaml::from_str(text).unwrap_or_else(|e| panic!("progenitor's copy of the spec does not parse: {e}"))
}

/// progenitor's generation step: the token stream of the client module.
pub fn progenitor_tokens(spec: &openapiv3::OpenAPI) -> proc_macro2::TokenStream {
    let mut generator = progenitor_impl::Generator::default();
    generator.generate_tokens(spec).unwrap_or_else(|e| panic!("progenitor cannot generate: {e}"))
}

/// prettyplease formatting of progenitor's tokens, as its `build.rs` recipe does.
pub fn progenitor_format(tokens: proc_macro2::TokenStream) -> String {
    let file: syn3::File = syn3::parse2(tokens).unwrap_or_else(|e| panic!("progenitor's output is not a file: {e}"));
    prettyplease::unparse(&file)
}

/// The whole of progenitor: YAML text in, formatted Rust out.
pub fn progenitor_whole(text: &str) -> String {
    progenitor_format(progenitor_tokens(&progenitor_parse(text)))
}

/// The whole of atlas-codegen: YAML text in, every file of the crate out (total bytes returned).
pub fn ours_whole(text: &str) -> usize {
    let generated = atlas_codegen::generate(SPEC_FILE, text).unwrap_or_else(|d| panic!("atlas-codegen failed:\n{d}"));
    generated.files.iter().map(|f| f.contents.len()).sum()
}

/// The Rust files of our output that prettyplease formatted (`src/lib.rs`, `src/models.rs`,
/// `src/operations.rs`), without their one-line header.
pub fn ours_emitted_rust(api: &atlas_codegen::ir::Api) -> Vec<String> {
    let files = atlas_codegen::emit::emit(api).unwrap_or_else(|e| panic!("emit failed: {e}"));
    files.into_iter().map(|f| f.contents).collect()
}

/// Formatting alone, as our emitter does it (syn 3 parse, prettyplease 0.3 print), applied to our
/// already formatted output: an estimate of the prettyplease share of emit (it parses text where the
/// emitter parses a token stream, so it also pays for lexing).
pub fn ours_reformat(files: &[String]) -> usize {
    files
        .iter()
        .map(|text| {
            let file = syn3::parse_file(text).unwrap_or_else(|e| panic!("our output does not parse: {e}"));
            prettyplease::unparse(&file).len()
        })
        .sum()
}

/// The check our lowering runs on every `pattern` it meets: compile it with the regex crate.
pub fn compile_pattern(pattern: &str) -> bool {
    regex::Regex::new(pattern).is_ok()
}

/// How the generated client decodes a body (`RawResponse::decode`): through serde_path_to_error,
/// then `end()` to reject trailing characters.
pub fn decode_like_client<T: serde::de::DeserializeOwned>(body: &[u8]) -> T {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).unwrap_or_else(|e| panic!("decode: {e}"));
    deserializer.end().unwrap_or_else(|e| panic!("trailing: {e}"));
    value
}

// ---------------------------------------------------------------------------------------------------
// Synthetic spec
// ---------------------------------------------------------------------------------------------------

/// The shared head of every synthetic spec: info, security, reusable parameters and responses, and
/// the `ApiError` and `Link` schemas, all as the real spec writes them.
const SYNTHETIC_HEAD: &str = r##"openapi: 3.0.3
info:
  title: Synthetic Atlas-like API
  version: "2.0"
  description: A generated spec with Atlas conventions, for benchmarks only.
servers:
  - url: https://cloud.mongodb.com
security:
  - DigestAuth: []
paths:
"##;

const SYNTHETIC_COMPONENTS: &str = r##"components:
  securitySchemes:
    DigestAuth:
      type: http
      scheme: digest
  parameters:
    groupId:
      name: groupId
      in: path
      required: true
      description: Unique 24-hexadecimal digit string that identifies the project.
      schema:
        type: string
        pattern: "^([a-f0-9]{24})$"
        minLength: 24
        maxLength: 24
    resourceId:
      name: resourceId
      in: path
      required: true
      description: Unique 24-hexadecimal digit string that identifies the resource.
      schema:
        type: string
        pattern: "^([a-f0-9]{24})$"
        minLength: 24
        maxLength: 24
    envelope:
      name: envelope
      in: query
      description: Whether Atlas wraps the response in an envelope.
      schema:
        type: boolean
        default: false
    includeCount:
      name: includeCount
      in: query
      description: Whether the response reports the total number of items.
      schema:
        type: boolean
        default: true
    itemsPerPage:
      name: itemsPerPage
      in: query
      description: Number of items the response returns per page.
      schema:
        type: integer
        format: int32
        minimum: 1
        maximum: 500
        default: 100
    pageNum:
      name: pageNum
      in: query
      description: Number of the page to return, counting from one.
      schema:
        type: integer
        format: int32
        minimum: 1
        default: 1
    pretty:
      name: pretty
      in: query
      description: Whether the response body is pretty-printed.
      schema:
        type: boolean
        default: false
  responses:
    badRequest:
      description: Bad request.
      content:
        application/vnd.atlas.2023-01-01+json:
          schema:
            $ref: "#/components/schemas/ApiError"
    unauthorized:
      description: Unauthorized.
      content:
        application/vnd.atlas.2023-01-01+json:
          schema:
            $ref: "#/components/schemas/ApiError"
    notFound:
      description: Not found.
      content:
        application/vnd.atlas.2023-01-01+json:
          schema:
            $ref: "#/components/schemas/ApiError"
    tooManyRequests:
      description: Too many requests.
      content:
        application/vnd.atlas.2023-01-01+json:
          schema:
            $ref: "#/components/schemas/ApiError"
    internalServerError:
      description: Internal server error.
      content:
        application/vnd.atlas.2023-01-01+json:
          schema:
            $ref: "#/components/schemas/ApiError"
  schemas:
    ApiError:
      type: object
      description: The error object Atlas returns with every unsuccessful response.
      required: [error]
      properties:
        error:
          type: integer
          format: int32
        errorCode:
          type: string
        detail:
          type: string
        reason:
          type: string
        parameters:
          type: array
          items: {}
    Link:
      type: object
      description: A link to a related resource.
      properties:
        href:
          type: string
        rel:
          type: string
"##;

/// The size of a synthetic spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecSize {
    /// Operations (list, create, get, update per resource, in that order).
    pub operations: usize,
    /// Component schemas, besides `ApiError` and `Link`.
    pub schemas: usize,
}

impl SpecSize {
    /// `operations` operations and `operations * 10 / 7` schemas (the 700/1,000 shape, scaled).
    pub fn ops(operations: usize) -> Self {
        SpecSize { operations, schemas: operations * 10 / 7 }
    }
}

const ERROR_RESPONSES: &str = r##"        "400":
          $ref: "#/components/responses/badRequest"
        "401":
          $ref: "#/components/responses/unauthorized"
        "404":
          $ref: "#/components/responses/notFound"
        "429":
          $ref: "#/components/responses/tooManyRequests"
        "500":
          $ref: "#/components/responses/internalServerError"
"##;

/// A deterministic Atlas-style spec with `size.operations` operations and `size.schemas` schemas.
///
/// Operations come four per resource `r` on two paths: `listRes{r}` (paginated GET, five query
/// parameters), `createRes{r}` (POST with a body), `getRes{r}` and `updateRes{r}` (PATCH with a body).
/// Each resource has three schemas (`Res{r}`, `NewRes{r}`, `PaginatedRes{r}`); the remaining
/// schemas alternate between five-value enums `Status{j}` and objects `Detail{j}`, and each `Res{r}`
/// refers to two of them. Every string id has a pattern and lengths, every count a range, so the
/// validation code paths are exercised as in the real spec.
pub fn synthetic_spec(size: SpecSize) -> String {
    let resources = size.operations.div_ceil(4).max(1);
    let extras = size.schemas.saturating_sub(3 * resources).max(2);
    let mut out = String::with_capacity(size.operations * 1_500 + size.schemas * 1_200 + 8_000);
    out.push_str(SYNTHETIC_HEAD);
    for r in 0..resources {
        let first = r * 4;
        if first >= size.operations {
            break;
        }
        let has = |k: usize| first + k < size.operations;
        let _ = write!(out, "  /api/atlas/v2/groups/{{groupId}}/res{r}:\n");
        let _ = write!(
            out,
            r##"    get:
      operationId: listRes{r}
      summary: Return all resources of kind {r}.
      description: Returns one page of the resources of kind {r} in the given project.
      parameters:
        - $ref: "#/components/parameters/groupId"
        - $ref: "#/components/parameters/envelope"
        - $ref: "#/components/parameters/includeCount"
        - $ref: "#/components/parameters/itemsPerPage"
        - $ref: "#/components/parameters/pageNum"
        - $ref: "#/components/parameters/pretty"
      responses:
        "200":
          description: One page of resources.
          content:
            application/vnd.atlas.2023-01-01+json:
              schema:
                $ref: "#/components/schemas/PaginatedRes{r}"
{ERROR_RESPONSES}"##
        );
        if has(1) {
            let _ = write!(
                out,
                r##"    post:
      operationId: createRes{r}
      summary: Create one resource of kind {r}.
      parameters:
        - $ref: "#/components/parameters/groupId"
        - $ref: "#/components/parameters/envelope"
        - $ref: "#/components/parameters/pretty"
      requestBody:
        description: The resource to create.
        required: true
        content:
          application/vnd.atlas.2023-01-01+json:
            schema:
              $ref: "#/components/schemas/NewRes{r}"
      responses:
        "200":
          description: The created resource.
          content:
            application/vnd.atlas.2023-01-01+json:
              schema:
                $ref: "#/components/schemas/Res{r}"
{ERROR_RESPONSES}"##
            );
        }
        if !has(2) {
            continue;
        }
        let _ = write!(out, "  /api/atlas/v2/groups/{{groupId}}/res{r}/{{resourceId}}:\n");
        let _ = write!(
            out,
            r##"    get:
      operationId: getRes{r}
      summary: Return one resource of kind {r}.
      parameters:
        - $ref: "#/components/parameters/groupId"
        - $ref: "#/components/parameters/resourceId"
        - $ref: "#/components/parameters/envelope"
        - $ref: "#/components/parameters/pretty"
      responses:
        "200":
          description: The requested resource.
          content:
            application/vnd.atlas.2023-01-01+json:
              schema:
                $ref: "#/components/schemas/Res{r}"
{ERROR_RESPONSES}"##
        );
        if has(3) {
            let _ = write!(
                out,
                r##"    patch:
      operationId: updateRes{r}
      summary: Update one resource of kind {r}.
      parameters:
        - $ref: "#/components/parameters/groupId"
        - $ref: "#/components/parameters/resourceId"
        - $ref: "#/components/parameters/pretty"
      requestBody:
        description: The new values.
        required: true
        content:
          application/vnd.atlas.2023-01-01+json:
            schema:
              $ref: "#/components/schemas/NewRes{r}"
      responses:
        "200":
          description: The updated resource.
          content:
            application/vnd.atlas.2023-01-01+json:
              schema:
                $ref: "#/components/schemas/Res{r}"
{ERROR_RESPONSES}"##
            );
        }
    }
    out.push_str(SYNTHETIC_COMPONENTS);
    // Extras: even j is an enum, odd j an object that refers to the enum before it.
    let extra_name = |j: usize| if j % 2 == 0 { format!("Status{j}") } else { format!("Detail{j}") };
    for r in 0..resources {
        let a = extra_name((2 * r) % extras);
        let b = extra_name((2 * r + 1) % extras);
        let _ = write!(
            out,
            r##"    Res{r}:
      type: object
      description: A resource of kind {r}.
      required: [name]
      properties:
        id:
          type: string
          readOnly: true
          description: Unique 24-hexadecimal digit string that identifies this resource.
          pattern: "^([a-f0-9]{{24}})$"
          minLength: 24
          maxLength: 24
        name:
          type: string
          description: Human-readable name.
          minLength: 1
          maxLength: 64
        description:
          type: string
          description: Free text.
        count:
          type: integer
          format: int32
          minimum: 0
          description: How many.
        sizeBytes:
          type: integer
          format: int64
          description: Size in bytes.
        ratio:
          type: number
          format: double
          description: A ratio.
        enabled:
          type: boolean
          description: Whether the resource is enabled.
        createdAt:
          type: string
          format: date-time
          readOnly: true
          description: When the resource was created.
        tags:
          type: array
          description: Labels.
          items:
            type: string
        first:
          $ref: "#/components/schemas/{a}"
        second:
          $ref: "#/components/schemas/{b}"
        links:
          type: array
          readOnly: true
          items:
            $ref: "#/components/schemas/Link"
    NewRes{r}:
      type: object
      description: A resource of kind {r} to create.
      required: [name]
      properties:
        name:
          type: string
          description: Human-readable name.
          minLength: 1
          maxLength: 64
        description:
          type: string
          maxLength: 250
        enabled:
          type: boolean
        tags:
          type: array
          minItems: 1
          uniqueItems: true
          items:
            type: string
    PaginatedRes{r}:
      type: object
      description: One page of resources of kind {r}.
      properties:
        links:
          type: array
          readOnly: true
          items:
            $ref: "#/components/schemas/Link"
        results:
          type: array
          readOnly: true
          items:
            $ref: "#/components/schemas/Res{r}"
        totalCount:
          type: integer
          format: int32
          minimum: 0
          readOnly: true
"##
        );
    }
    for j in 0..extras {
        if j % 2 == 0 {
            let _ = write!(
                out,
                r##"    Status{j}:
      type: string
      description: State number {j}.
      enum: [ACTIVE, PAUSED, DELETING, FAILED, IDLE]
"##
            );
        } else {
            let status = j - 1;
            let _ = write!(
                out,
                r##"    Detail{j}:
      type: object
      description: Details number {j}.
      properties:
        region:
          type: string
          description: Cloud region.
        nodes:
          type: integer
          format: int32
          minimum: 1
          maximum: 50
        state:
          $ref: "#/components/schemas/Status{status}"
        note:
          type: string
"##
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// Payloads and the bare baseline model
// ---------------------------------------------------------------------------------------------------

const ROLES: [&str; 4] = ["ORG_OWNER", "ORG_MEMBER", "GROUP_READ_ONLY", "ORG_BILLING_ADMIN"];

fn key_value(i: usize) -> serde_json::Value {
    let id = format!("{:024x}", 0x32b6_e34b_3d91_647a_u64 as usize + i);
    serde_json::json!({
        "desc": format!("Terraform deployments {i}"),
        "id": id,
        "links": [{"href": format!("https://cloud.mongodb.com/api/atlas/v2/orgs/{ORG_ID}/apiKeys/{id}"), "rel": "self"}],
        "privateKey": "********-****-****-db2c132ca78d",
        "publicKey": format!("{:08x}", 0x7a6d_6d72_u32 as usize + i),
        "roles": [
            {"orgId": ORG_ID, "roleName": ROLES[i % ROLES.len()]},
            {"groupId": format!("{:024x}", 0x5e2c_1a00_u64 as usize + i), "roleName": ROLES[(i + 2) % ROLES.len()]}
        ]
    })
}

/// The JSON body of one API key (what `GET .../apiKeys/{id}` returns).
pub fn key_json() -> Bytes {
    Bytes::from(serde_json::to_vec(&key_value(0)).unwrap_or_default())
}

/// The JSON body of a page of `items` API keys (what `GET .../apiKeys?itemsPerPage=500` returns).
pub fn page_json(items: usize) -> Bytes {
    let page = serde_json::json!({
        "links": [{"href": format!("https://cloud.mongodb.com/api/atlas/v2/orgs/{ORG_ID}/apiKeys?pageNum=1&itemsPerPage={items}"), "rel": "self"}],
        "results": (0..items).map(key_value).collect::<Vec<_>>(),
        "totalCount": items * 3,
    });
    Bytes::from(serde_json::to_vec(&page).unwrap_or_default())
}

/// A bare `#[derive(Deserialize)]` mirror of `PaginatedApiApiUserView`: same fields, plain `String`s for
/// enums and secrets, no open enums, no redaction.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub struct BarePage {
    #[serde(default)]
    pub links: Vec<BareLink>,
    #[serde(default)]
    pub results: Vec<BareKey>,
    #[serde(rename = "totalCount")]
    pub total_count: Option<i32>,
}

/// See [`BarePage`].
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub struct BareKey {
    pub desc: Option<String>,
    pub id: Option<String>,
    #[serde(default)]
    pub links: Vec<BareLink>,
    #[serde(rename = "privateKey")]
    pub private_key: Option<String>,
    #[serde(rename = "publicKey")]
    pub public_key: Option<String>,
    #[serde(default)]
    pub roles: Vec<BareRole>,
}

/// See [`BarePage`].
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub struct BareRole {
    #[serde(rename = "groupId")]
    pub group_id: Option<String>,
    #[serde(rename = "orgId")]
    pub org_id: Option<String>,
    #[serde(rename = "roleName")]
    pub role_name: Option<String>,
}

/// See [`BarePage`].
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub struct BareLink {
    pub href: Option<String>,
    pub rel: Option<String>,
}

// ---------------------------------------------------------------------------------------------------
// Loopback server
// ---------------------------------------------------------------------------------------------------

/// What the loopback server demands of requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Every request is answered.
    None,
    /// A request without `Authorization: Digest ... nonce="<NONCE>"` gets a 401 with a Digest
    /// challenge. Hashes are not verified.
    Digest,
    /// Digest as strict about nonce counts as RFC 7616 allows: each challenge carries a fresh nonce,
    /// and an answer is accepted only for an issued nonce with an `nc` higher than any seen for it
    /// (a replay defence); anything else gets a 401 with a fresh nonce. Hashes are not verified.
    DigestStrictNc,
}

struct State {
    auth: Auth,
    key: Bytes,
    page: Bytes,
    requests: AtomicU64,
    challenges: AtomicU64,
    /// [`Auth::DigestStrictNc`]: the issued nonces and the highest `nc` seen for each.
    nonces: std::sync::Mutex<std::collections::HashMap<String, u32>>,
}

/// An HTTP/1.1 server on 127.0.0.1 with its own thread and single-threaded runtime, serving the
/// API key routes with fixed bodies and counting requests.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts a server on `127.0.0.1:0`.
    pub fn start(auth: Auth) -> Server {
        let state = Arc::new(State {
            auth,
            key: key_json(),
            page: page_json(PAGE_ITEMS),
            requests: AtomicU64::new(0),
            challenges: AtomicU64::new(0),
            nonces: Default::default(),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("cannot bind: {e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("no local address: {e}"));
        listener.set_nonblocking(true).unwrap_or_else(|e| panic!("cannot set non-blocking: {e}"));
        let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
        let served = state.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap_or_else(|e| panic!("no runtime: {e}"));
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap_or_else(|e| panic!("{e}"));
                tokio::task::spawn(async move {
                    loop {
                        let Ok((stream, _)) = listener.accept().await else { continue };
                        let _ = stream.set_nodelay(true);
                        let state = served.clone();
                        tokio::task::spawn(async move {
                            let service = hyper::service::service_fn(move |req| {
                                let state = state.clone();
                                async move { Ok::<_, std::convert::Infallible>(handle(&state, req)) }
                            });
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                                .await;
                        });
                    }
                });
                // Dropping the runtime at the end of this thread cancels the accept loop and connections.
                let _ = (&mut rx).await;
            });
        });
        Server { addr, state, shutdown: Some(tx), thread: Some(thread) }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received so far.
    pub fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// Digest challenges (401s) sent so far.
    pub fn challenges(&self) -> u64 {
        self.state.challenges.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One `key=value` (or `key="value"`) parameter of a Digest `Authorization` header.
fn digest_param<'h>(header: &'h str, key: &str) -> Option<&'h str> {
    header.strip_prefix("Digest ")?.split(", ").find_map(|part| {
        let (k, v) = part.split_once('=')?;
        (k.trim() == key).then(|| v.trim_matches('"'))
    })
}

fn unauthorized(nonce: &str) -> Response<Full<Bytes>> {
    let challenge = format!(
        "Digest realm=\"MMS Public API\", domain=\"\", nonce=\"{nonce}\", algorithm=MD5, qop=\"auth\", stale=false"
    );
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(WWW_AUTHENTICATE, value);
    }
    response
}

/// Whether a strict-`nc` server accepts the request; records its count when it does.
fn strict_nc_accepts(state: &State, authorization: Option<&str>) -> bool {
    let Some(header) = authorization else { return false };
    let (Some(nonce), Some(nc)) = (digest_param(header, "nonce"), digest_param(header, "nc")) else { return false };
    let Ok(nc) = u32::from_str_radix(nc, 16) else { return false };
    let mut nonces = state.nonces.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    match nonces.get_mut(nonce) {
        Some(last) if nc > *last => {
            *last = nc;
            true
        }
        _ => false,
    }
}

fn handle(state: &State, req: Request<Incoming>) -> Response<Full<Bytes>> {
    state.requests.fetch_add(1, Ordering::Relaxed);
    if state.auth == Auth::DigestStrictNc {
        let authorization = req.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok());
        if !strict_nc_accepts(state, authorization) {
            let issued = state.challenges.fetch_add(1, Ordering::Relaxed);
            let nonce = format!("nonce-{issued}");
            state.nonces.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(nonce.clone(), 0);
            return unauthorized(&nonce);
        }
    }
    if state.auth == Auth::Digest {
        let answered = req
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("Digest ") && v.contains(&format!("nonce=\"{NONCE}\"")));
        if !answered {
            state.challenges.fetch_add(1, Ordering::Relaxed);
            let challenge = format!(
                "Digest realm=\"MMS Public API\", domain=\"\", nonce=\"{NONCE}\", algorithm=MD5, qop=\"auth\", stale=false"
            );
            let mut response = Response::new(Full::new(Bytes::new()));
            *response.status_mut() = StatusCode::UNAUTHORIZED;
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response.headers_mut().insert(WWW_AUTHENTICATE, value);
            }
            return response;
        }
    }
    let path = req.uri().path();
    let prefix = format!("/api/atlas/v2/orgs/{ORG_ID}/apiKeys");
    let body = match path.strip_prefix(&prefix) {
        Some("") => state.page.clone(),
        Some(rest) if rest.len() == 25 => state.key.clone(),
        _ => {
            let mut response = Response::new(Full::new(Bytes::from_static(b"{\"error\":404}")));
            *response.status_mut() = StatusCode::NOT_FOUND;
            return response;
        }
    };
    let mut response = Response::new(Full::new(body));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(ATLAS_MEDIA_TYPE));
    response
}

// ---------------------------------------------------------------------------------------------------
// Baselines
// ---------------------------------------------------------------------------------------------------

/// URL of one API key on `base`.
pub fn key_url(base: &str) -> String {
    format!("{base}/api/atlas/v2/orgs/{ORG_ID}/apiKeys/{KEY_ID}")
}

/// URL of the 500-item list page on `base`.
pub fn page_url(base: &str) -> String {
    format!("{base}/api/atlas/v2/orgs/{ORG_ID}/apiKeys?itemsPerPage={PAGE_ITEMS}")
}

/// A raw reqwest GET with the Accept header the client sends, decoded with serde_json.
pub async fn raw_get<T: serde::de::DeserializeOwned>(http: &reqwest::Client, url: &str) -> T {
    let response = http
        .get(url)
        .header(reqwest::header::ACCEPT, ATLAS_MEDIA_TYPE)
        .send()
        .await
        .unwrap_or_else(|e| panic!("raw GET failed: {e}"));
    assert!(response.status().is_success(), "raw GET: status {}", response.status());
    let body = response.bytes().await.unwrap_or_else(|e| panic!("raw GET body: {e}"));
    serde_json::from_slice(&body).unwrap_or_else(|e| panic!("raw GET decode: {e}"))
}

/// A Digest client without nonce reuse: every call is sent bare, gets the 401 challenge, and is sent
/// again with the answer (two requests per call). Built on the same `digest_auth` crate as ours.
pub async fn raw_digest_get<T: serde::de::DeserializeOwned>(http: &reqwest::Client, url: &str) -> T {
    let first = http
        .get(url)
        .header(reqwest::header::ACCEPT, ATLAS_MEDIA_TYPE)
        .send()
        .await
        .unwrap_or_else(|e| panic!("digest GET failed: {e}"));
    assert_eq!(first.status(), reqwest::StatusCode::UNAUTHORIZED, "no challenge");
    let challenge = first
        .headers()
        .get(reqwest::header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no WWW-Authenticate"))
        .to_owned();
    let _ = first.bytes().await;
    let mut prompt = digest_auth::parse(&challenge).unwrap_or_else(|e| panic!("bad challenge: {e}"));
    let parsed = reqwest::Url::parse(url).unwrap_or_else(|e| panic!("{e}"));
    let uri = match parsed.query() {
        Some(q) => format!("{}?{q}", parsed.path()),
        None => parsed.path().to_owned(),
    };
    let context = digest_auth::AuthContext::new("public-key", "private-key", uri);
    let answer = prompt.respond(&context).unwrap_or_else(|e| panic!("cannot answer: {e}"));
    let response = http
        .get(url)
        .header(reqwest::header::ACCEPT, ATLAS_MEDIA_TYPE)
        .header(reqwest::header::AUTHORIZATION, answer.to_header_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("digest GET failed: {e}"));
    assert!(response.status().is_success(), "digest GET: status {}", response.status());
    let body = response.bytes().await.unwrap_or_else(|e| panic!("digest GET body: {e}"));
    serde_json::from_slice(&body).unwrap_or_else(|e| panic!("digest GET decode: {e}"))
}

/// A single-threaded tokio runtime for the client side of the loopback benchmarks (the server has
/// its own thread, so client and server each get one of the two cores).
pub fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| panic!("no runtime: {e}"))
}

/// Where the benches write the figures criterion does not keep (request counts, output sizes):
/// `$ATLAS_BENCH_OUT` if set, else `target/atlas-bench/` under the bench crate.
pub fn out_dir() -> PathBuf {
    let dir = std::env::var_os("ATLAS_BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join("atlas-bench"));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Writes `value` as `<out_dir>/<name>.json`.
pub fn write_extra(name: &str, value: &serde_json::Value) {
    let path = out_dir().join(format!("{name}.json"));
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    if let Err(e) = std::fs::write(&path, text) {
        eprintln!("cannot write {}: {e}", path.display());
    }
}
