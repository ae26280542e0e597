//! Contract test of the generated Resend client against the spec it was generated from.
//!
//! Prism (`@stoplight/prism-cli`), a mock server that validates every request and response
//! against an OpenAPI description, serves `spec/resend.yaml` on a free loopback port. Every
//! operation of the client is called once with valid arguments; each call must succeed, its
//! body must decode into the operation's type, and no answer may carry Prism's `sl-violations`
//! header (which lists what in the request, or in Prism's own answer, breaks the spec).
//!
//! Prism must be installed: `npm install -g @stoplight/prism-cli` (or set `PRISM` to its path).
//! Without it the test fails and says so; it never passes silently.

// Helpers panic with a message; a panic in a test is a failed test.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use resend_client::types::*;
use resend_client::{ApiResponse, Client, Error, File};
use yaml_rust2::{Yaml, YamlLoader};

const ID: &str = "4ef9a417-02e9-4d39-ad75-9611e0fcc33c";
const OTHER_ID: &str = "78261eea-8f8b-4381-83c6-79fa7120f1cf";

fn spec_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/resend.yaml")
}

/// The `prism` executable: `$PRISM`, else the first `prism` on `PATH`.
fn find_prism() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PRISM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| [dir.join("prism"), dir.join("prism.cmd")])
        .find(|candidate| candidate.is_file())
}

/// A running Prism; killed when dropped, so also when a test panics.
struct Prism {
    child: Child,
    port: u16,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prism {
    /// Starts `prism mock` with `extra` arguments on a free loopback port and waits until it
    /// listens.
    fn start(extra: &[&str]) -> Prism {
        let prism = find_prism().unwrap_or_else(|| {
            panic!(
                "the contract test needs Prism, a validating mock server, and found no `prism` on \
                 PATH: install it with `npm install -g @stoplight/prism-cli` (Node.js 18 or newer), \
                 or set PRISM to its path"
            )
        });
        // A free port: the system picks one, the listener is dropped, Prism takes it.
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();
        let child = Command::new(&prism)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .args(extra)
            .arg(spec_path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", prism.display()));
        let mut prism = Prism { child, port };
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return prism;
            }
            if let Ok(Some(status)) = prism.child.try_wait() {
                panic!("Prism exited before listening ({status}); run it by hand to see why");
            }
            assert!(
                Instant::now() < deadline,
                "Prism did not listen on port {port} within 90 seconds"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn client(&self) -> Client {
        Client::builder()
            .api_key("re_contract_test")
            .base_url(format!("http://127.0.0.1:{}", self.port))
            // Prism's example rate-limit headers must not pace or hold the calls.
            .no_rate_limit()
            .follow_rate_limit_headers(false)
            .max_retries(0)
            .build()
            .expect("a client for the local Prism")
    }
}

/// Records each call and what was wrong with it.
#[derive(Default)]
struct Calls {
    called: Vec<&'static str>,
    failures: Vec<String>,
}

impl Calls {
    fn check<T: std::fmt::Debug>(
        &mut self,
        operation: &'static str,
        result: Result<ApiResponse<T>, Error>,
    ) {
        self.called.push(operation);
        match result {
            Ok(response) => {
                if let Some(violations) = response.headers().get("sl-violations") {
                    self.failures.push(format!(
                        "{operation}: {} with sl-violations: {}",
                        response.status(),
                        String::from_utf8_lossy(violations.as_bytes())
                    ));
                }
            }
            Err(Error::Api(error)) => {
                let violations = error
                    .headers()
                    .get("sl-violations")
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                    .unwrap_or_default();
                self.failures.push(format!(
                    "{operation}: HTTP {} {violations} {}",
                    error.status(),
                    error.body()
                ));
            }
            Err(other) => self.failures.push(format!("{operation}: {other}")),
        }
    }
}

/// The `operationId` of every operation in the spec.
fn spec_operation_ids() -> BTreeSet<String> {
    let text = std::fs::read_to_string(spec_path()).expect("spec/resend.yaml");
    let docs = YamlLoader::load_from_str(&text).expect("spec/resend.yaml is YAML");
    let Yaml::Hash(paths) = &docs[0]["paths"] else {
        panic!("the spec has paths");
    };
    let mut ids = BTreeSet::new();
    for item in paths.values() {
        for method in [
            "get", "put", "post", "patch", "delete", "head", "options", "trace",
        ] {
            if let Some(id) = item[method]["operationId"].as_str() {
                ids.insert(id.to_string());
            }
        }
    }
    ids
}

fn email() -> SendEmailRequest {
    SendEmailRequest::new(
        "Acme <onboarding@resend.dev>",
        vec!["delivered@resend.dev".into()],
        "Contract",
    )
    .with_text("It works.")
}

async fn call_every_operation(client: &Client, calls: &mut Calls) {
    // Emails.
    let mut with_template = email();
    with_template.text = None;
    with_template.template = Some(EmailTemplateRef::new("order-confirmation").with_variables(
        BTreeMap::from([
            (
                "PRODUCT".into(),
                ScalarValue::String("Vintage macintosh".into()),
            ),
            ("PRICE".into(), ScalarValue::Number(499.0)),
        ]),
    ));
    calls.check(
        "sendEmail",
        client
            .emails()
            .send(&with_template)
            .idempotency_key("contract-1")
            .await,
    );
    calls.check("listEmails", client.emails().list().limit(10).await);
    let batch = vec![email(), email()];
    calls.check(
        "sendBatchEmails",
        client
            .emails()
            .send_batch(&batch)
            .x_batch_validation(BatchValidationMode::Permissive)
            .await,
    );
    calls.check("getEmail", client.emails().get(ID).await);
    let reschedule = UpdateEmailRequest::new("2030-08-05T11:52:01.858Z");
    calls.check("updateEmail", client.emails().update(ID, &reschedule).await);
    calls.check("cancelEmail", client.emails().cancel(ID).await);
    calls.check(
        "listEmailAttachments",
        client.emails().list_attachments(ID).await,
    );
    calls.check(
        "getEmailAttachment",
        client.emails().get_attachment(ID, OTHER_ID).await,
    );
    let share = ShareEmailRequest::new().with_expires_in("2 hours");
    calls.check("shareEmail", client.emails().share(ID, &share).await);
    calls.check(
        "getEmailMetrics",
        client
            .emails()
            .get_metrics()
            .start_date("2026-07-01")
            .granularity(MetricsGranularity::Daily)
            .metrics(vec![EmailMetricName::Delivered, EmailMetricName::OpenRate])
            .dimensions(vec![MetricsDimension::Period])
            .domain_id(vec![ID.into()])
            .await,
    );

    // Received emails.
    calls.check("listReceivedEmails", client.received_emails().list().await);
    calls.check("getReceivedEmail", client.received_emails().get(ID).await);
    calls.check(
        "listReceivedEmailAttachments",
        client.received_emails().list_attachments(ID).await,
    );
    calls.check(
        "getReceivedEmailAttachment",
        client.received_emails().get_attachment(ID, OTHER_ID).await,
    );

    // Domains.
    let domain = CreateDomainRequest::new("example.com").with_region(Region::EuWest1);
    calls.check("createDomain", client.domains().create(&domain).await);
    calls.check("listDomains", client.domains().list().await);
    calls.check("getDomain", client.domains().get(ID).await);
    let domain_update = UpdateDomainRequest::new()
        .with_open_tracking(true)
        .with_tls(TlsMode::Enforced);
    calls.check(
        "updateDomain",
        client.domains().update(ID, &domain_update).await,
    );
    calls.check("deleteDomain", client.domains().delete(ID).await);
    calls.check("verifyDomain", client.domains().verify(ID).await);
    let claim = CreateDomainClaimRequest::new("example.com");
    calls.check(
        "createDomainClaim",
        client.domains().create_claim(&claim).await,
    );
    calls.check("getDomainClaim", client.domains().get_claim(ID).await);
    calls.check("verifyDomainClaim", client.domains().verify_claim(ID).await);

    // API keys.
    let key =
        CreateApiKeyRequest::new("Production").with_permission(ApiKeyPermission::SendingAccess);
    calls.check("createApiKey", client.api_keys().create(&key).await);
    calls.check("listApiKeys", client.api_keys().list().await);
    let rename = UpdateApiKeyRequest::new("Staging");
    calls.check("updateApiKey", client.api_keys().update(ID, &rename).await);
    calls.check("deleteApiKey", client.api_keys().delete(ID).await);

    // OAuth grants.
    calls.check("listOauthGrants", client.oauth_grants().list().await);
    calls.check(
        "revokeOauthGrant",
        client.oauth_grants().revoke("grant_1").await,
    );

    // Contacts.
    let contact = CreateContactRequest::new("steve.wozniak@gmail.com")
        .with_properties(BTreeMap::from([
            ("plan".into(), ScalarValue::String("pro".into())),
            ("seats".into(), ScalarValue::Number(5.0)),
        ]))
        .with_segments(vec![OTHER_ID.into()]);
    calls.check("createContact", client.contacts().create(&contact).await);
    calls.check(
        "listContacts",
        client.contacts().list().segment_id(OTHER_ID).await,
    );
    calls.check("getContact", client.contacts().get(ID).await);
    let contact_update = UpdateContactRequest::new().with_unsubscribed(true);
    calls.check(
        "updateContact",
        client.contacts().update(ID, &contact_update).await,
    );
    calls.check("deleteContact", client.contacts().delete(ID).await);
    let import = CreateContactImportRequest::new(
        File::new(&b"email\nsteve.wozniak@gmail.com\n"[..])
            .with_file_name("contacts.csv")
            .with_content_type("text/csv"),
    )
    .with_column_map(r#"{"email":"email"}"#)
    .with_on_conflict(ImportConflictMode::Upsert);
    calls.check(
        "createContactImport",
        client.contacts().create_import(&import).await,
    );
    calls.check(
        "listContactImports",
        client
            .contacts()
            .list_imports()
            .status(ContactImportStatus::Completed)
            .await,
    );
    calls.check("getContactImport", client.contacts().get_import(ID).await);
    calls.check(
        "listContactSegments",
        client
            .contacts()
            .list_segments("steve.wozniak@gmail.com")
            .await,
    );
    calls.check(
        "addContactToSegment",
        client.contacts().add_to_segment(ID, OTHER_ID).await,
    );
    calls.check(
        "removeContactFromSegment",
        client.contacts().remove_from_segment(ID, OTHER_ID).await,
    );
    calls.check("listContactTopics", client.contacts().list_topics(ID).await);
    let topics = UpdateContactTopicsRequest::new(vec![ContactTopic::new(
        OTHER_ID,
        TopicSubscription::OptOut,
    )]);
    calls.check(
        "updateContactTopics",
        client.contacts().update_topics(ID, &topics).await,
    );

    // Broadcasts.
    let broadcast = CreateBroadcastRequest::new(OTHER_ID, "Acme <onboarding@resend.dev>", "News")
        .with_html("<p>Hi</p>");
    calls.check(
        "createBroadcast",
        client.broadcasts().create(&broadcast).await,
    );
    calls.check("listBroadcasts", client.broadcasts().list().await);
    calls.check("getBroadcast", client.broadcasts().get(ID).await);
    let broadcast_update = UpdateBroadcastRequest::new().with_subject("More news");
    calls.check(
        "updateBroadcast",
        client.broadcasts().update(ID, &broadcast_update).await,
    );
    calls.check("deleteBroadcast", client.broadcasts().delete(ID).await);
    let later = SendBroadcastRequest::new().with_scheduled_at("in 1 hour");
    calls.check(
        "sendBroadcast",
        client.broadcasts().send(ID).body(&later).await,
    );
    calls.check("cancelBroadcast", client.broadcasts().cancel(ID).await);
    calls.check(
        "listBroadcastRecipients",
        client
            .broadcasts()
            .list_recipients(ID, BroadcastRecipientEvent::Bounced)
            .bounce_type(BounceType::Permanent)
            .await,
    );
    calls.check(
        "listBroadcastClickedLinks",
        client.broadcasts().list_clicked_links(ID).await,
    );

    // Segments.
    let segment = CreateSegmentRequest::new("Registered users");
    calls.check("createSegment", client.segments().create(&segment).await);
    calls.check("listSegments", client.segments().list().await);
    calls.check("getSegment", client.segments().get(ID).await);
    calls.check("deleteSegment", client.segments().delete(ID).await);

    // Webhooks.
    let webhook = CreateWebhookRequest::new(
        "https://webhook.example.com/handler",
        vec![WebhookEventType::EmailReceived],
    );
    calls.check("createWebhook", client.webhooks().create(&webhook).await);
    calls.check("listWebhooks", client.webhooks().list().await);
    calls.check("getWebhook", client.webhooks().get(ID).await);
    let webhook_update = UpdateWebhookRequest::new().with_status(WebhookStatus::Disabled);
    calls.check(
        "updateWebhook",
        client.webhooks().update(ID, &webhook_update).await,
    );
    calls.check("deleteWebhook", client.webhooks().delete(ID).await);

    // Templates.
    let template =
        CreateTemplateRequest::new("Order confirmation", "<p>Thanks, {{{FIRST_NAME}}}!</p>")
            .with_variables(vec![
                TemplateVariableInput::new("FIRST_NAME", TemplateVariableType::String)
                    .with_fallback_value(TemplateFallbackValue::String("there".into())),
            ]);
    calls.check("createTemplate", client.templates().create(&template).await);
    calls.check("listTemplates", client.templates().list().await);
    calls.check(
        "getTemplate",
        client.templates().get("order-confirmation").await,
    );
    let template_update = UpdateTemplateRequest::new().with_subject("Your order");
    calls.check(
        "updateTemplate",
        client.templates().update(ID, &template_update).await,
    );
    calls.check("deleteTemplate", client.templates().delete(ID).await);
    calls.check("publishTemplate", client.templates().publish(ID).await);
    calls.check("duplicateTemplate", client.templates().duplicate(ID).await);

    // Topics.
    let topic = CreateTopicRequest::new("Product updates", TopicSubscription::OptIn)
        .with_visibility(TopicVisibility::Public);
    calls.check("createTopic", client.topics().create(&topic).await);
    calls.check("listTopics", client.topics().list().await);
    calls.check("getTopic", client.topics().get(ID).await);
    let topic_update = UpdateTopicRequest::new().with_description("News about features we ship.");
    calls.check(
        "updateTopic",
        client.topics().update(ID, &topic_update).await,
    );
    calls.check("deleteTopic", client.topics().delete(ID).await);

    // Contact properties.
    let property = CreateContactPropertyRequest::new("seats", ContactPropertyType::Number)
        .with_fallback_value(ScalarValue::Number(1.0));
    calls.check(
        "createContactProperty",
        client.contact_properties().create(&property).await,
    );
    calls.check(
        "listContactProperties",
        client.contact_properties().list().await,
    );
    calls.check(
        "getContactProperty",
        client.contact_properties().get(ID).await,
    );
    let property_update =
        UpdateContactPropertyRequest::new().with_fallback_value(ScalarValue::Number(2.0));
    calls.check(
        "updateContactProperty",
        client
            .contact_properties()
            .update(ID, &property_update)
            .await,
    );
    calls.check(
        "deleteContactProperty",
        client.contact_properties().delete(ID).await,
    );

    // Suppressions.
    let suppression = CreateSuppressionRequest::new("steve.wozniak@gmail.com");
    calls.check(
        "addSuppression",
        client.suppressions().add(&suppression).await,
    );
    calls.check(
        "listSuppressions",
        client
            .suppressions()
            .list()
            .origin(SuppressionOrigin::Manual)
            .await,
    );
    let many = AddSuppressionsRequest::new(vec!["steve.wozniak@gmail.com".into()]);
    calls.check(
        "batchAddSuppressions",
        client.suppressions().batch_add(&many).await,
    );
    let lift = RemoveSuppressionsRequest::new().with_emails(vec!["steve.wozniak@gmail.com".into()]);
    calls.check(
        "batchRemoveSuppressions",
        client.suppressions().batch_remove(&lift).await,
    );
    calls.check(
        "getSuppression",
        client.suppressions().get("steve.wozniak@gmail.com").await,
    );
    calls.check("removeSuppression", client.suppressions().remove(ID).await);

    // Logs.
    calls.check("listLogs", client.logs().list().limit(5).await);
    calls.check("getLog", client.logs().get(ID).await);

    // Automations.
    let steps = vec![
        AutomationStep::new(
            "trigger",
            AutomationStepType::Trigger,
            BTreeMap::from([("event".into(), serde_json::json!("user.signed_up"))]),
        ),
        AutomationStep::new(
            "welcome",
            AutomationStepType::SendEmail,
            BTreeMap::from([("template_id".into(), serde_json::json!(ID))]),
        ),
    ];
    let connections = vec![
        AutomationConnection::new("trigger", "welcome")
            .with_type(AutomationConnectionType::Default),
    ];
    let automation =
        CreateAutomationRequest::new("Welcome series", steps.clone(), connections.clone())
            .with_status(AutomationStatus::Disabled);
    calls.check(
        "createAutomation",
        client.automations().create(&automation).await,
    );
    calls.check(
        "listAutomations",
        client
            .automations()
            .list()
            .status(AutomationStatus::Enabled)
            .await,
    );
    calls.check("getAutomation", client.automations().get(ID).await);
    let automation_update = UpdateAutomationRequest::new()
        .with_status(AutomationStatus::Enabled)
        .with_steps(steps)
        .with_connections(connections);
    calls.check(
        "updateAutomation",
        client.automations().update(ID, &automation_update).await,
    );
    calls.check("deleteAutomation", client.automations().delete(ID).await);
    calls.check(
        "duplicateAutomation",
        client.automations().duplicate(ID).await,
    );
    calls.check("stopAutomation", client.automations().stop(ID).await);
    calls.check(
        "listAutomationRuns",
        client.automations().list_runs(ID).status("failed").await,
    );
    calls.check(
        "getAutomationRun",
        client.automations().get_run(ID, OTHER_ID).await,
    );

    // Events.
    let event = CreateEventRequest::new("user.signed_up")
        .with_schema(BTreeMap::from([("plan".into(), EventFieldType::String)]));
    calls.check("createEvent", client.events().create(&event).await);
    calls.check("listEvents", client.events().list().await);
    let occurrence = SendEventRequest::new("user.signed_up")
        .with_email("steve.wozniak@gmail.com")
        .with_payload(BTreeMap::from([("plan".into(), serde_json::json!("pro"))]));
    calls.check("sendEvent", client.events().send(&occurrence).await);
    calls.check("getEvent", client.events().get("user.signed_up").await);
    let event_update = UpdateEventRequest::new();
    calls.check(
        "updateEvent",
        client.events().update(ID, &event_update).await,
    );
    calls.check("deleteEvent", client.events().delete(ID).await);
}

/// Calls every operation against Prism started with `prism_args`, and checks the calls.
async fn check_every_operation(prism_args: &[&str]) {
    let prism = Prism::start(prism_args);
    let client = prism.client();
    let mut calls = Calls::default();
    call_every_operation(&client, &mut calls).await;
    drop(prism);

    assert!(
        calls.failures.is_empty(),
        "{} of {} calls broke the contract:\n  {}",
        calls.failures.len(),
        calls.called.len(),
        calls.failures.join("\n  ")
    );

    // Every operation of the spec is called, each once.
    let called: BTreeSet<String> = calls.called.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        called.len(),
        calls.called.len(),
        "an operation was called twice"
    );
    let spec = spec_operation_ids();
    let missing: Vec<&String> = spec.difference(&called).collect();
    let unknown: Vec<&String> = called.difference(&spec).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "operations of spec/resend.yaml not called: {missing:?}; calls named after no operation: {unknown:?}"
    );
}

/// Prism answers with the spec's examples: the answers the docs show decode.
#[tokio::test]
async fn every_operation_matches_the_spec_prism_serves() {
    check_every_operation(&[]).await;
}

/// Prism makes up each answer from its schema (optional fields present or not, any enum value,
/// either branch of an alternative), with a fixed seed so that a failure can be repeated.
#[tokio::test]
async fn every_operation_decodes_answers_generated_from_the_schemas() {
    check_every_operation(&["--dynamic", "--seed", "resend-contract"]).await;
}

#[test]
fn the_spec_has_as_many_operations_as_the_client_calls() {
    // Guards the count the contract test relies on: an operation added to the spec without a
    // call in `call_every_operation` fails the contract test's last assertion.
    let ids = spec_operation_ids();
    assert_eq!(ids.len(), 100, "operations in spec/resend.yaml: {ids:?}");
}
