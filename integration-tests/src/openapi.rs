//! Checks client API responses against OpenAPI documents: the Mastodon
//! client API's (`../shared/mastodon-openapi/schema.json`, read in place),
//! the shapes clients trust, and Moot's own (`crates/moot_api/openapi.json`),
//! so that the document stays true to the code.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use jsonschema::{Draft, Resource, Validator};
use serde_json::{json, Value};

/// One OpenAPI document and the validators built from it.
pub struct ApiDocument {
    name: &'static str,
    /// The document's address for `$ref`s into it.
    base: &'static str,
    doc: Value,
    validators: Mutex<HashMap<String, std::sync::Arc<Validator>>>,
}

/// The Mastodon client API's document.
pub struct MastodonApi;
/// Moot's own API's document (paths relative to `/api/moot/v1`).
pub struct MootApi;

impl MastodonApi {
    /// The document, read once per test process.
    pub fn get() -> &'static ApiDocument {
        static API: OnceLock<ApiDocument> = OnceLock::new();
        API.get_or_init(|| {
            let mut api = ApiDocument::load(
                "Mastodon API",
                "urn:mastodon-openapi",
                "../../shared/mastodon-openapi/schema.json",
            );
            // A status's `quote` is `oneOf` Quote and ShallowQuote, which
            // the document lets overlap (each requires only `state`), so no
            // quote could ever match just one. Mastodon tells them apart by
            // `quoted_status` and `quoted_status_id`: ShallowQuote is read
            // as having the latter.
            api.doc["components"]["schemas"]["ShallowQuote"]["required"] =
                json!(["state", "quoted_status_id"]);
            api
        })
    }
}

impl MootApi {
    pub fn get() -> &'static ApiDocument {
        static API: OnceLock<ApiDocument> = OnceLock::new();
        API.get_or_init(|| {
            ApiDocument::load(
                "Moot API",
                "urn:moot-openapi",
                "../crates/moot_api/openapi.json",
            )
        })
    }
}

impl ApiDocument {
    /// Every operation the document names, as (method in capitals, path
    /// template), in the document's order.
    pub fn operations(&self) -> Vec<(String, String)> {
        let methods = ["get", "post", "put", "patch", "delete"];
        self.doc["paths"]
            .as_object()
            .expect("the document has paths")
            .iter()
            .flat_map(|(path, ops)| {
                methods
                    .iter()
                    .filter(|m| ops.get(**m).is_some())
                    .map(|m| (m.to_uppercase(), path.clone()))
            })
            .collect()
    }

    fn load(name: &'static str, base: &'static str, relative: &str) -> ApiDocument {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("the {name} document belongs at {}: {e}", path.display()));
        ApiDocument {
            name,
            base,
            doc: serde_json::from_str(&text).expect("the OpenAPI document is JSON"),
            validators: Mutex::default(),
        }
    }

    /// The schema of the JSON `status` response of `method path` (a
    /// template like `/api/v1/accounts/{id}`), with its references pointed
    /// into the document.
    fn response_schema(&self, method: &str, path: &str, status: u16) -> Value {
        let operation = &self.doc["paths"][path][method.to_ascii_lowercase()];
        assert!(
            operation.is_object(),
            "the API document has no {method} {path}"
        );
        let schema =
            &operation["responses"][status.to_string()]["content"]["application/json"]["schema"];
        assert!(
            schema.is_object(),
            "the API document gives no JSON {status} response for {method} {path}"
        );
        let text = schema
            .to_string()
            .replace("\"#/", &format!("\"{}#/", self.base));
        serde_json::from_str(&text).expect("rewritten schema")
    }

    fn validator(&self, method: &str, path: &str, status: u16) -> std::sync::Arc<Validator> {
        let key = format!("{method} {path} {status}");
        if let Some(found) = self.validators.lock().unwrap().get(&key) {
            return found.clone();
        }
        let schema = self.response_schema(method, path, status);
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .with_resource(self.base, Resource::from_contents(self.doc.clone()))
            .build(&schema)
            .unwrap_or_else(|e| panic!("building the validator for {key}: {e}"));
        let validator = std::sync::Arc::new(validator);
        self.validators
            .lock()
            .unwrap()
            .insert(key, validator.clone());
        validator
    }

    /// Panics, listing every violation, unless `body` is the entity the
    /// document names `schema` (for answers whose paths it leaves out, such
    /// as Mastodon's admin API, while it describes their entities).
    pub fn assert_entity(&self, schema: &str, body: &Value) {
        let reference = json!({ "$ref": format!("{}#/components/schemas/{schema}", self.base) });
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .with_resource(self.base, Resource::from_contents(self.doc.clone()))
            .build(&reference)
            .unwrap_or_else(|e| panic!("building the validator for {schema}: {e}"));
        self.check(&validator, body, &format!("a {schema}"));
    }

    /// Panics, listing every violation, unless `validator` takes `body`.
    fn check(&self, validator: &Validator, body: &Value, what: &str) {
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("  at {}: {e}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} does not match the {} document:\n{}\nbody: {}",
            self.name,
            errors.join("\n"),
            json!(body)
        );
    }

    /// Panics, listing every violation, unless `body` is what the document
    /// says `method path` answers with `status`.
    pub fn assert_valid(&self, method: &str, path: &str, status: u16, body: &Value) {
        let validator = self.validator(method, path, status);
        self.check(&validator, body, &format!("{method} {path} ({status})"));
    }
}
