//! `src/webhook_events.rs`: the event enum of the spec's webhooks, tagged by the event type,
//! and (when the spec declares a signature scheme the runtime checks) a method of `Webhook`
//! that verifies a delivery and decodes it into an event.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::emit::docs::doc_paragraphs;
use crate::emit::ident;
use crate::emit::types::tagged;
use crate::model::{Events, OneOf};

pub fn events_rs(events: &Events) -> TokenStream {
    let tag = &events.tag;
    let union = OneOf {
        tag: Some(tag.clone()),
        variants: events.variants.clone(),
    };
    let summary = format!(
        "An event the API sends to a webhook endpoint, told apart by its `{tag}`. A body whose \
         `{tag}` names a known event but does not fit that event's type is an error; an event \
         type this version of the client does not know (or a body without one) is `Unknown`, \
         as received."
    );
    let docs = doc_paragraphs(&[Some(&summary)]);
    let name = ident("Event");
    let definition = tagged(docs, &name, &union, "crate::types::");
    let arms = events.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = Literal::string(v.tags.first().map(String::as_str).unwrap_or_default());
        quote!(Self::#variant(_) => #value,)
    });
    let type_doc = format!(
        " The event type: the `{tag}` of the body (empty for an `Unknown` event without one)."
    );
    let verify = events.verify.then(|| {
        quote! {
            #[cfg(feature = "webhooks")]
            impl crate::Webhook {
                /// Checks a webhook request like [`Webhook::verify`](crate::Webhook::verify)
                /// and decodes its body into an [`Event`]. `body` must be the bytes as
                /// received.
                pub fn verify_event(
                    &self,
                    headers: &reqwest::header::HeaderMap,
                    body: &[u8],
                ) -> Result<crate::VerifiedWebhook<Event>, crate::WebhookError> {
                    self.verify_as(headers, body)
                }
            }
        }
    });
    quote! {
        //! The events the API sends to webhook endpoints.
        #![allow(clippy::large_enum_variant)]

        #definition

        impl Event {
            #[doc = #type_doc]
            pub fn event_type(&self) -> &str {
                match self {
                    #(#arms)*
                    Self::Unknown(value) => value
                        .get(#tag)
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default(),
                }
            }
        }

        #verify
    }
}
