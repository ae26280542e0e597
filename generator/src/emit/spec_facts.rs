//! `src/spec.rs`: what the spec says about the API as a whole (server, credentials, default
//! rate, error codes), as constants and small functions the runtime reads. This is the only
//! runtime file that differs between APIs.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::ident;
use crate::model::{Api, Auth, ErrorModel};

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    }
}

pub fn spec_rs(api: &Api) -> TokenStream {
    let base_url = option_str(api.base_url.as_deref());
    let base_url_env = option_str(api.base_url_env.as_deref());
    let key_env = match &api.auth {
        Auth::Bearer { env } | Auth::ApiKeyHeader { env, .. } => env.as_deref(),
        Auth::None => None,
    };
    let api_key_env = option_str(key_env);
    let api_key_env_doc = crate::emit::docs::doc(Some(if key_env.is_some() {
        "The environment variable [`Client::from_env`] reads the API key from."
    } else {
        "The environment variable holding the API key, had the spec named one (`x-env` on its security scheme)."
    }));
    let requires_key = !matches!(api.auth, Auth::None);
    let rate = match api.rate_limit {
        Some(rate) => {
            let requests = proc_macro2::Literal::u32_unsuffixed(rate.requests);
            let window = proc_macro2::Literal::u32_unsuffixed(rate.window_seconds);
            quote!(Some(RateLimit::new(#requests, std::time::Duration::from_secs(#window))))
        }
        None => quote!(None),
    };
    let servers = api.servers.iter().map(|server| {
        let url = &server.url;
        let template = &server.template;
        let description = option_str(server.description.as_deref());
        quote! {
            Server { url: #url, template: #template, description: #description }
        }
    });
    let authorize = authorize(&api.auth);
    let constructors = constructors(&api.auth, key_env);
    let errors = errors(api.errors.as_ref(), &api.retryable_statuses);
    quote! {
        //! What the spec says about the API as a whole: where it is, how requests are
        //! authenticated, the default request rate, and how errors are reported.

        use reqwest::header::HeaderMap;
        #[allow(unused_imports)]
        use reqwest::header::HeaderValue;

        use crate::client::{Client, Credential, Server};
        use crate::error::Error;
        #[allow(unused_imports)]
        use crate::rate_limit::RateLimit;

        /// The server the spec names; requests go here unless configured otherwise.
        pub const DEFAULT_BASE_URL: Option<&str> = #base_url;

        /// The environment variable that, when set, overrides [`DEFAULT_BASE_URL`].
        pub const BASE_URL_ENV: Option<&str> = #base_url_env;

        /// Every server the spec names, in its order (the first is the default). Give one
        /// to [`ClientBuilder::base_url`](crate::ClientBuilder::base_url) to use it.
        pub const SERVERS: &[Server] = &[#(#servers),*];

        #api_key_env_doc
        pub const API_KEY_ENV: Option<&str> = #api_key_env;

        /// Whether every request needs an API key.
        pub const REQUIRES_API_KEY: bool = #requires_key;

        /// The default request rate the spec declares (`x-rate-limit`); the client paces its
        /// requests to it unless configured otherwise.
        pub const DEFAULT_RATE_LIMIT: Option<RateLimit> = #rate;

        #authorize

        #constructors

        #errors
    }
}

fn authorize(auth: &Auth) -> TokenStream {
    let insert = match auth {
        Auth::None => quote! {
            let _ = (headers, key);
        },
        Auth::Bearer { .. } => quote! {
            if let Some(key) = key {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
                    .map_err(|_| Error::config("the API key cannot be sent in a header"))?;
                value.set_sensitive(true);
                headers.insert(reqwest::header::AUTHORIZATION, value);
            }
        },
        Auth::ApiKeyHeader { header, .. } => {
            let header = header.to_ascii_lowercase();
            quote! {
                if let Some(key) = key {
                    let mut value = HeaderValue::from_str(key.expose())
                        .map_err(|_| Error::config("the API key cannot be sent in a header"))?;
                    value.set_sensitive(true);
                    headers.insert(#header, value);
                }
            }
        }
    };
    quote! {
        /// Puts the credentials on a request, the way the spec's security scheme says.
        pub(crate) fn authorize(headers: &mut HeaderMap, key: Option<&Credential>) -> Result<(), Error> {
            #insert
            Ok(())
        }
    }
}

fn constructors(auth: &Auth, key_env: Option<&str>) -> TokenStream {
    if matches!(auth, Auth::None) {
        return quote! {
            impl Client {
                /// A client with default settings (the base URL from [`BASE_URL_ENV`] when set,
                /// else [`DEFAULT_BASE_URL`]).
                pub fn new() -> Result<Self, Error> {
                    Self::builder().build()
                }
            }
        };
    }
    let from_env = key_env.map(|name| {
        let missing = format!("the environment variable `{name}` is not set");
        let empty = format!("the environment variable `{name}` is empty");
        let doc =
            format!(" A client with the API key from `{name}`, and otherwise default settings.");
        quote! {
            #[doc = #doc]
            pub fn from_env() -> Result<Self, Error> {
                let key = std::env::var(#name).map_err(|_| Error::config(#missing))?;
                if key.trim().is_empty() {
                    return Err(Error::config(#empty));
                }
                Self::new(key)
            }
        }
    });
    quote! {
        impl Client {
            /// A client that authenticates with `api_key`, with default settings (the base URL
            /// from [`BASE_URL_ENV`] when set, else [`DEFAULT_BASE_URL`]).
            pub fn new(api_key: impl Into<String>) -> Result<Self, Error> {
                Self::builder().api_key(api_key).build()
            }

            #from_env
        }
    }
}

fn errors(model: Option<&ErrorModel>, retryable_statuses: &[u16]) -> TokenStream {
    let (code_type, code_doc) = match model.and_then(|m| m.code_type.as_deref()) {
        Some(name) => {
            let name = ident(name);
            (
                quote!(crate::types::#name),
                "The machine-readable code of an error response, from the spec's catalog.",
            )
        }
        None => (
            quote!(String),
            "The machine-readable code of an error response, as text (the spec lists no catalog).",
        ),
    };
    let code_from = match model.and_then(|m| m.code_type.as_ref()) {
        Some(_) => quote!(ErrorCode::from),
        None => quote!(str::to_string),
    };
    let code_property = option_str(model.and_then(|m| m.code_property.as_deref()));
    let message_property = option_str(model.and_then(|m| m.message_property.as_deref()));
    let retryable_codes = model.map(|m| m.retryable_codes.clone()).unwrap_or_default();
    let retryable_statuses = retryable_statuses
        .iter()
        .copied()
        .map(proc_macro2::Literal::u16_unsuffixed);
    let code_doc = crate::emit::docs::doc(Some(code_doc));
    quote! {
        #code_doc
        pub type ErrorCode = #code_type;

        /// Property of an error body that holds the code.
        const ERROR_CODE_PROPERTY: Option<&str> = #code_property;

        /// Property of an error body that holds the message.
        const ERROR_MESSAGE_PROPERTY: Option<&str> = #message_property;

        /// Error codes the spec marks as worth retrying (`x-retryable`).
        pub const RETRYABLE_CODES: &[&str] = &[#(#retryable_codes),*];

        /// Statuses whose responses the spec marks as worth retrying when the body carries
        /// no known code.
        pub const RETRYABLE_STATUSES: &[u16] = &[#(#retryable_statuses),*];

        /// Code and message read from an error body.
        #[derive(Debug, Default)]
        pub(crate) struct ErrorDetails {
            pub(crate) code: Option<ErrorCode>,
            pub(crate) raw_code: Option<String>,
            pub(crate) message: Option<String>,
        }

        /// Reads the code and message from an error body. A body that is not JSON, or lacks
        /// them, gives neither.
        pub(crate) fn parse_error_body(body: &[u8]) -> ErrorDetails {
            let Ok(serde_json::Value::Object(object)) = serde_json::from_slice(body) else {
                return ErrorDetails::default();
            };
            let text = |property: Option<&str>| {
                property
                    .and_then(|name| object.get(name))
                    .and_then(serde_json::Value::as_str)
            };
            let raw_code = text(ERROR_CODE_PROPERTY);
            ErrorDetails {
                code: raw_code.map(#code_from),
                raw_code: raw_code.map(str::to_string),
                message: text(ERROR_MESSAGE_PROPERTY).map(str::to_string),
            }
        }
    }
}
