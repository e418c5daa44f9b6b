//! Request bodies as JSON, a form or a multipart form, as Mastodon accepts
//! all three; booleans as `true`/`false`/`1`/`0`; unknown fields ignored.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::errors::ApiError;

/// Longest text field read from a multipart body.
const MAX_MULTIPART_FIELD: usize = 64 * 1024;

fn content_type(req: &HttpRequest) -> &str {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Whether the request says its body is JSON.
pub fn is_json(req: &HttpRequest) -> bool {
    content_type(req).starts_with("application/json")
}

/// Parses `body` by the request's content type: JSON, multipart, or (by
/// default) a URL-encoded form, where `name[]=a&name[]=b` is a list.
pub async fn parse<T: DeserializeOwned>(
    req: &HttpRequest,
    body: &web::Bytes,
) -> Result<T, ApiError> {
    let kind = content_type(req);
    if is_json(req) {
        // Every body the API takes is an object (serde would otherwise
        // read a struct from an array, too).
        let first = body.iter().find(|b| !b.is_ascii_whitespace());
        if first.is_some_and(|b| *b != b'{') {
            return Err(ApiError::bad_request("Malformed JSON: expected an object"));
        }
        return serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("Malformed JSON: {e}")));
    }
    let form = if kind.starts_with("multipart/form-data") {
        let pairs = multipart_fields(req, body.clone()).await?;
        serde_urlencoded::to_string(&pairs)
            .map_err(|e| ApiError::bad_request(format!("Malformed form: {e}")))?
            .into_bytes()
    } else {
        body.to_vec()
    };
    serde_html_form::from_bytes(&form)
        .map_err(|e| ApiError::bad_request(format!("Malformed form: {e}")))
}

/// Parses a body whose fields nest (`subscription[keys][auth]=…` in a
/// form, objects in JSON) into `T`: form keys are folded into objects
/// first, so one struct reads both.
pub async fn parse_nested<T: DeserializeOwned>(
    req: &HttpRequest,
    body: &web::Bytes,
) -> Result<T, ApiError> {
    let value = if is_json(req) {
        parse::<serde_json::Map<String, serde_json::Value>>(req, body)
            .await
            .map(serde_json::Value::Object)?
    } else {
        let pairs: Vec<(String, String)> = parse(req, body).await?;
        fold_brackets(pairs)
    };
    serde_json::from_value(value).map_err(|e| ApiError::unprocessable(format!("{e}")))
}

/// `a[b][c]=v` pairs as `{"a": {"b": {"c": "v"}}}` (a later pair wins).
fn fold_brackets(pairs: Vec<(String, String)>) -> serde_json::Value {
    let mut root = serde_json::Map::new();
    for (key, value) in pairs {
        let mut names = key.split('[').map(|part| part.trim_end_matches(']'));
        let Some(first) = names.next() else { continue };
        let path: Vec<&str> = std::iter::once(first).chain(names).collect();
        let mut here = &mut root;
        for name in &path[..path.len() - 1] {
            let slot = here
                .entry(name.to_string())
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            if !slot.is_object() {
                *slot = serde_json::Value::Object(Default::default());
            }
            here = slot.as_object_mut().expect("made an object above");
        }
        here.insert(path[path.len() - 1].to_owned(), value.into());
    }
    serde_json::Value::Object(root)
}

/// A boolean read by `flag`, for maps of flags (`data[alerts][mention]`).
#[derive(Debug, Clone, Copy)]
pub struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        flag(d).map(|b| Flag(b.unwrap_or(false)))
    }
}

/// The text fields of a multipart body (files are for the media endpoint).
async fn multipart_fields(
    req: &HttpRequest,
    body: web::Bytes,
) -> Result<Vec<(String, String)>, ApiError> {
    let stream = futures_util::stream::once(async move { Ok(body) });
    let mut multipart = actix_multipart::Multipart::new(req.headers(), stream);
    let mut pairs = Vec::new();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(malformed_multipart)?;
        let Some(name) = field.name().map(str::to_owned) else {
            continue;
        };
        if field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .is_some()
        {
            continue;
        }
        pairs.push((name, read_text(&mut field, MAX_MULTIPART_FIELD).await?));
    }
    Ok(pairs)
}

pub fn malformed_multipart(e: actix_multipart::MultipartError) -> ApiError {
    ApiError::bad_request(format!("Malformed multipart body: {e}"))
}

/// One multipart field as text, refused past `limit` bytes.
pub async fn read_text(
    field: &mut actix_multipart::Field,
    limit: usize,
) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(malformed_multipart)?;
        if bytes.len() + chunk.len() > limit {
            return Err(ApiError::new(
                actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                "A form field is too large",
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| ApiError::bad_request("A form field is not UTF-8"))
}

/// A boolean field as clients send it: `true`/`false`, `1`/`0`, `on`/`off`
/// or an empty value (absent), in JSON or a form.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Number(i64),
        Text(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Bool(b)) => Ok(Some(b)),
        Some(Raw::Number(n)) => Ok(Some(n != 0)),
        Some(Raw::Text(t)) => match t.to_ascii_lowercase().as_str() {
            "" => Ok(None),
            "true" | "1" | "on" | "yes" => Ok(Some(true)),
            "false" | "0" | "off" | "no" => Ok(Some(false)),
            other => Err(serde::de::Error::custom(format!(
                "`{other}` is not a boolean (true, false, 1 or 0)"
            ))),
        },
    }
}

/// A whole number as clients send it: a JSON number (`3` or `3.0`) or a
/// string of digits.
#[derive(Debug, Clone, Copy)]
pub struct Number(pub i64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(i64),
            Float(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) => Ok(Number(n)),
            // JSON does not tell 3 from 3.0; both are whole.
            Raw::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Number(f as i64)),
            Raw::Float(f) => Err(serde::de::Error::custom(format!(
                "`{f}` is not a whole number"
            ))),
            Raw::Text(t) => t
                .trim()
                .parse()
                .map(Number)
                .map_err(|_| serde::de::Error::custom(format!("`{t}` is not a whole number"))),
        }
    }
}

/// A path id (ids are decimal strings); anything else is simply not found.
pub fn parse_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found())
}

#[cfg(test)]
mod tests {
    #[test]
    fn form_brackets_fold_into_objects() {
        let pairs = [
            ("subscription[endpoint]", "https://push.example/1"),
            ("subscription[keys][auth]", "abc"),
            ("data[alerts][mention]", "true"),
            ("policy", "all"),
        ];
        let folded = super::fold_brackets(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        assert_eq!(
            folded,
            serde_json::json!({
                "subscription": {"endpoint": "https://push.example/1", "keys": {"auth": "abc"}},
                "data": {"alerts": {"mention": "true"}},
                "policy": "all",
            })
        );
    }

    use super::*;

    #[derive(Deserialize, Debug)]
    struct Form {
        #[serde(default, deserialize_with = "flag")]
        sensitive: Option<bool>,
        #[serde(default, rename = "media_ids[]", alias = "media_ids")]
        media_ids: Vec<String>,
        status: Option<String>,
    }

    #[test]
    fn forms_take_lists_flags_and_unknown_fields() {
        let f: Form =
            serde_html_form::from_str("status=hi&sensitive=1&media_ids[]=3&media_ids[]=4&x=y")
                .unwrap();
        assert_eq!(f.sensitive, Some(true));
        assert_eq!(f.media_ids, ["3", "4"]);
        assert_eq!(f.status.as_deref(), Some("hi"));
        let f: Form = serde_html_form::from_str("sensitive=false").unwrap();
        assert_eq!(f.sensitive, Some(false));
        let f: Form = serde_json::from_str(r#"{"sensitive":0,"media_ids":["5"]}"#).unwrap();
        assert_eq!((f.sensitive, f.media_ids), (Some(false), vec!["5".into()]));
        assert!(serde_html_form::from_str::<Form>("sensitive=maybe").is_err());
    }
}
