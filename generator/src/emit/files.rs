//! The crate around the modules: `lib.rs`, `Cargo.toml`, `README.md`.

use std::fmt::Write;

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::inner_doc_paragraphs;
use crate::emit::{Settings, ident};
use crate::model::{Api, Auth};

/// Versions of the generated crate's dependencies. One place, so that every crate agrees.
const DEPENDENCIES: &str = r#"[dependencies]
base64 = { version = "0.23", default-features = false, features = ["alloc"], optional = true }
bytes = "1"
futures-core = "0.3"
hmac = { version = "0.13", optional = true }
httpdate = "1"
redis = { version = "1", default-features = false, features = ["tokio-comp", "script"], optional = true }
reqwest = { version = "0.13", default-features = false, features = ["rustls-no-provider", "http2", "system-proxy"] }
rustls = { version = "0.23", default-features = false }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
sha2 = { version = "0.11", optional = true }
tokio = { version = "1", features = ["sync", "time"] }
tracing = "0.1"
url = "2"

[features]
default = ["rustls-ring"]
# `ClientBuilder::shared_rate_limit`: one rate limit for every client of a key, kept in Redis.
redis = ["dep:redis", "dep:sha2"]
# TLS crypto from aws-lc-rs, reqwest's default provider, for an application that already
# compiles it: turn default features off (else ring is compiled too, for nothing).
rustls-aws-lc-rs = ["reqwest/rustls"]
# TLS crypto from ring (the default): building a client installs it as rustls's
# process-default provider when none is installed (see `ClientBuilder::build`).
rustls-ring = ["rustls/ring"]
# `Webhook`: checks the signatures of the webhook requests the API sends.
webhooks = ["dep:base64", "dep:hmac", "dep:sha2"]

[dev-dependencies]
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
"#;

pub fn lib_rs(api: &Api, settings: Settings<'_>) -> TokenStream {
    let title = format!(
        "Client for the {} (version {}).",
        api.title, api.api_version
    );
    let origin = if has_operations(api) {
        format!(
            "Generated from `{}` by `{}`; the modules below follow the spec's tags.",
            settings.spec_path, settings.regenerate_command
        )
    } else {
        format!(
            "Generated from `{}` by `{}`. The spec describes no operations yet: call the API's \
             endpoints with [`Client::request`], which authenticates, paces and retries like a \
             typed operation would.",
            settings.spec_path, settings.regenerate_command
        )
    };
    let docs = inner_doc_paragraphs(&[Some(&title), api.description.as_deref(), Some(&origin)]);
    let modules = api.resources.iter().map(|r| {
        let module = ident(&r.module.rust);
        quote!(pub mod #module;)
    });
    let events = api.events.as_ref().map(|events| {
        let module = ident(&events.module);
        quote!(pub mod #module;)
    });
    // Square brackets in the spec's prose that rustdoc would read as links to items.
    let prose_links = api.prose_has_brackets.then(|| {
        quote! {
            #![allow(rustdoc::broken_intra_doc_links)]
        }
    });
    quote! {
        #docs
        #![forbid(unsafe_code)]
        #prose_links
        // Doc comments carry the spec's prose as its authors wrote it.
        #![allow(
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            clippy::tabs_in_doc_comments,
            clippy::empty_docs
        )]

        mod client;
        mod decode;
        mod enums;
        mod error;
        mod pacer;
        pub mod paginate;
        pub mod rate_limit;
        mod raw;
        mod request;
        mod response;
        pub mod retry;
        #[cfg(feature = "redis")]
        mod shared_limit;
        pub mod spec;
        pub mod types;
        #[cfg(feature = "webhooks")]
        mod webhook;

        #(#modules)*
        #events

        pub use client::{Client, ClientBuilder, Server};
        pub use error::{ApiError, Error};
        pub use paginate::{Items, Pages};
        pub use rate_limit::{RateLimit, RateLimitState};
        pub use raw::RawRequest;
        pub use request::File;
        pub use response::ApiResponse;
        pub use spec::ErrorCode;
        #[cfg(feature = "webhooks")]
        pub use webhook::{VerifiedWebhook, Webhook, WebhookError};

        /// The HTTP client library the crate sends with, for its types (`StatusCode`,
        /// `HeaderMap`, `Method`) and to configure one of your own.
        pub use reqwest;
        pub use reqwest::{Method, StatusCode};
    }
}

pub fn cargo_toml(api: &Api) -> String {
    let description = format!(
        "Client for the {}, generated from its OpenAPI description.",
        api.title
    );
    let mut text = String::new();
    let _ = writeln!(text, "[package]");
    let _ = writeln!(text, "name = {}", toml_string(&api.crate_name));
    let _ = writeln!(text, "version = {}", toml_string(&api.crate_version));
    let _ = writeln!(text, "edition = \"2021\"");
    let _ = writeln!(text, "rust-version = \"1.85\"");
    let _ = writeln!(text, "description = {}", toml_string(&description));
    let _ = writeln!(text, "readme = \"README.md\"");
    let _ = writeln!(text);
    let _ = writeln!(text, "[lib]");
    let _ = writeln!(
        text,
        "# Descriptions from the spec are documentation, not tests."
    );
    let _ = writeln!(text, "doctest = false");
    let _ = writeln!(text);
    text.push_str(DEPENDENCIES);
    text
}

/// A TOML basic string.
fn toml_string(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn readme(api: &Api, settings: Settings<'_>) -> String {
    let library = api.crate_name.replace('-', "_");
    let mut text = String::new();
    let _ = writeln!(
        text,
        "<!-- This file is generated by `{}` from {}. Do not edit it by hand. -->",
        settings.regenerate_command, settings.spec_path
    );
    let _ = writeln!(text, "# {}\n", api.crate_name);
    let _ = writeln!(
        text,
        "A Rust client for the {} (API version {}), generated from `{}`.\n",
        api.title, api.api_version, settings.spec_path
    );
    let constructor = match &api.auth {
        Auth::None => "Client::new()?".to_string(),
        Auth::Bearer { env: Some(_) } | Auth::ApiKeyHeader { env: Some(_), .. } => {
            "Client::from_env()?".to_string()
        }
        _ => "Client::new(\"<api key>\")?".to_string(),
    };
    let _ = writeln!(text, "## Use\n");
    let _ = writeln!(text, "```rust,ignore");
    let first = api
        .resources
        .iter()
        .find_map(|r| r.operations.first().map(|o| (r, o)));
    match first {
        Some((resource, op)) => {
            let _ = writeln!(text, "use {library}::Client;\n");
            let _ = writeln!(text, "let client = {constructor};");
            // The operation's arguments, named as in its signature.
            let mut arguments: Vec<String> =
                op.required_params().map(|p| p.name.bare.clone()).collect();
            if op.body.as_ref().is_some_and(|b| b.required) {
                arguments.push("&body".to_string());
            }
            let _ = writeln!(
                text,
                "let response = client.{}().{}({}).await?;",
                resource.module.bare.as_str(),
                op.method_name.bare.as_str(),
                arguments.join(", ")
            );
        }
        None => {
            let _ = writeln!(text, "use {library}::{{Client, Method}};\n");
            let _ = writeln!(text, "let client = {constructor};");
            let _ = writeln!(
                text,
                "let response = client.request(Method::GET, \"/path/of/an/endpoint\").await?;"
            );
            let _ = writeln!(text, "println!(\"{{}}\", response.body());");
        }
    }
    let _ = writeln!(text, "```\n");
    match (&api.auth, &api.base_url_env) {
        (Auth::Bearer { env: Some(key) } | Auth::ApiKeyHeader { env: Some(key), .. }, base) => {
            let _ = write!(text, "`Client::from_env()` reads the API key from `{key}`");
            if let Some(base) = base {
                let _ = write!(text, "; `{base}`, when set, overrides the base URL");
            }
            let _ = writeln!(text, ".\n");
        }
        (_, Some(base)) => {
            let _ = writeln!(text, "`{base}`, when set, overrides the base URL.\n");
        }
        _ => {}
    }
    if let Some(url) = &api.base_url {
        let _ = writeln!(
            text,
            "Requests go to `{url}` by default, over HTTPS only.\n"
        );
    }
    if !api.types.is_empty() {
        let _ = writeln!(
            text,
            "The types of `types` are `#[non_exhaustive]`, so that the API can add fields and values without breaking this crate's users: build a request body with `new` (its required fields) and `with_*` setters, and give a `match` on an enum a `_` arm. `api-surface.json` records the public API; `{}` reports what a spec edit changes in it.\n",
            settings.regenerate_command
        );
    }
    let paginated = api
        .resources
        .iter()
        .flat_map(|r| &r.operations)
        .any(|op| op.pagination.is_some());
    if paginated {
        let _ = writeln!(
            text,
            "A paginated list's builder has `.pages()` and `.items()`: streams that fetch the next page when the last one is read.\n"
        );
    }
    let _ = writeln!(text, "## Errors, retries and rate limits\n");
    let _ = writeln!(
        text,
        "Every call returns `Result<ApiResponse<T>, Error>`. `Error` tells an API error (status, \
         code, message, headers, raw body) from a connection failure, a timeout or a body that \
         does not decode; `status()`, `code()`, `is_retryable()`, `retry_after()` and \
         `rate_limit()` answer the usual questions. Every response, success included, gives its \
         rate-limit headers as `rate_limit()`.\n"
    );
    let pace = match api.rate_limit {
        Some(rate) => format!(
            "Requests start at {} per {} s, the rate the spec declares, then follow the limit \
             the server announces in its `ratelimit-*` headers (`ClientBuilder::rate_limit` \
             sets a ceiling, `no_rate_limit` turns pacing off). A request leaves while the \
             window has room, and all wait when the server says to.",
            rate.requests, rate.window_seconds
        ),
        None => "The spec declares no request rate, so requests are paced only once the server \
                 announces its limit in its `ratelimit-*` headers (`ClientBuilder::rate_limit` \
                 sets one); all wait when the server says to."
            .to_string(),
    };
    let _ = writeln!(
        text,
        "{pace} A call refused for the rate limit (a 429 worth retrying) is sent again when the \
         server allows, within the call's deadline (60 s by default); failed calls are retried \
         (twice by default) when the failure may pass and sending again cannot do the work \
         twice; see the `retry` module.\n"
    );
    let _ = writeln!(
        text,
        "With the `redis` feature, `ClientBuilder::shared_rate_limit(\"redis://...\")` makes \
         every client of the same key and server, in any process, share one limit kept in \
         Redis; when Redis is unavailable each client paces on its own.\n"
    );
    let _ = writeln!(
        text,
        "With the `webhooks` feature, `Webhook::new(\"whsec_...\")?.verify(&headers, &body)` \
         checks a webhook request the API signed the Standard Webhooks way (`svix-*` or \
         `webhook-*` headers, a timestamp within five minutes of now) and gives its id, the \
         same on every redelivery, its timestamp and its JSON body; `verify_as::<T>` decodes \
         the body into a type of yours.\n"
    );
    if let Some(events) = &api.events {
        let verify = if events.verify {
            " With the `webhooks` feature, `webhook.verify_event(&headers, &body)` checks a \
             request and decodes its body into an `Event`."
        } else {
            ""
        };
        let _ = writeln!(
            text,
            "The events the API sends to webhook endpoints are `{module}::Event`, one variant \
             per event type ({count}, told apart by the body's `{tag}`), and `Unknown` for a \
             type this version does not know.{verify}\n",
            module = events.module,
            count = events.variants.len(),
            tag = events.tag,
        );
    }
    let _ = writeln!(text, "## TLS\n");
    let _ = writeln!(
        text,
        "Requests go over rustls, with the cryptography of ring (the default feature \
         `rustls-ring`): building a client installs ring as the process-default \
         `rustls::crypto::CryptoProvider` when no provider is installed yet, and uses the \
         installed one otherwise, so an application that wants another installs it before \
         building its first client. An application that already compiles aws-lc-rs (reqwest's \
         default TLS) can use it instead of compiling a second provider: `default-features = \
         false, features = [\"rustls-aws-lc-rs\"]` (plus the features it uses); then nothing \
         is installed. With neither feature, install a provider before building a client (else \
         building returns a configuration error). A client that sends through a \
         `reqwest::Client` of your own (`ClientBuilder::http_client`) installs nothing. ring \
         has no post-quantum key exchange (rustls deprecates its provider from 0.23.48 for \
         that); aws-lc-rs has it (X25519MLKEM768), so a connection that must resist later \
         decryption by a quantum computer wants `rustls-aws-lc-rs`.\n"
    );
    if !api.examples.is_empty() {
        let _ = writeln!(text, "## Examples\n");
        for example in &api.examples {
            let _ = writeln!(
                text,
                "- `examples/{name}.rs`: `cargo run --example {name}`",
                name = example.name
            );
        }
        let _ = writeln!(text);
    }
    let _ = writeln!(text, "## Operations\n");
    let raw = "`client.request(Method::POST, \"/path\")`, adding `.query(..)`, `.header(..)` \
               or `.json(&body)` as needed. Awaiting it gives the body as `serde_json::Value`; \
               `.send_as::<T>()` decodes it into a type of yours.";
    if !has_operations(api) {
        let _ = writeln!(
            text,
            "The spec describes no operations yet. Call the API's endpoints with {raw} Such a \
             request is authenticated, paced and retried as described above."
        );
        return text;
    }
    let _ = writeln!(
        text,
        "An endpoint the spec does not describe can still be called with {raw} It is \
         authenticated, paced and retried like the operations below. A query pair or a header \
         the spec does not describe can be added to any operation with `.query(name, value)` \
         or `.header(name, value)` on its builder (the credentials cannot be replaced).\n"
    );
    let _ = writeln!(text, "| call | request | summary |");
    let _ = writeln!(text, "| --- | --- | --- |");
    for resource in &api.resources {
        for op in &resource.operations {
            let summary = op
                .summary
                .as_deref()
                .unwrap_or("")
                .replace('|', "\\|")
                .replace('\n', " ");
            let _ = writeln!(
                text,
                "| `client.{}().{}()` | `{} {}` | {} |",
                resource.module.bare.as_str(),
                op.method_name.bare.as_str(),
                op.http_method.as_upper(),
                op.path_template,
                summary.trim()
            );
        }
    }
    text
}

/// Whether the spec describes any operation.
fn has_operations(api: &Api) -> bool {
    api.resources.iter().any(|r| !r.operations.is_empty())
}
