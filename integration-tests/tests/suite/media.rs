//! Attachments: upload, alt text, posting with files, serving them, their
//! ActivityPub shape, and the uploads a node must refuse.

use moot_testkit::openapi::MastodonApi;
use moot_testkit::TestNode;
use openssl::sha::sha256;
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

pub(crate) const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) async fn upload(node: &TestNode, token: &str, form: Form) -> (u16, Value) {
    let response = node
        .http
        .post(node.url("/api/v2/media"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub(crate) fn file(name: &str, mime: &str, bytes: &[u8]) -> Form {
    Form::new().part(
        "file",
        Part::bytes(bytes.to_vec())
            .file_name(name.to_owned())
            .mime_str(mime)
            .unwrap(),
    )
}

#[tokio::test]
async fn a_document_is_uploaded_posted_served_and_federated() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write").await;
    let api = MastodonApi::get();

    let form =
        file("../Budget 2026.pdf", "application/pdf", PDF).text("description", "The draft budget");
    let (status, media) = upload(&node, &jo, form).await;
    assert_eq!(status, 200, "{media}");
    api.assert_valid("POST", "/api/v2/media", 200, &media);
    assert_eq!(media["type"], "unknown");
    assert_eq!(media["description"], "The draft budget");
    let media_id = media["id"].as_str().unwrap();

    // Alt text can change before posting.
    let (status, changed) = node
        .api_json(
            Method::PUT,
            &format!("/api/v1/media/{media_id}"),
            &jo,
            json!({"description": "Draft budget 2026", "focus": "0.5,-0.25"}),
        )
        .await;
    assert_eq!(status, 200);
    api.assert_valid("PUT", "/api/v1/media/{id}", 200, &changed);
    assert_eq!(changed["meta"]["focus"], json!({"x": 0.5, "y": -0.25}));

    // Posted with the file (as a form, the way most clients post).
    let response = node
        .http
        .post(node.url("/api/v1/statuses"))
        .bearer_auth(&jo)
        .form(&[
            ("status", "Budget for comment"),
            ("media_ids[]", media_id),
            ("sensitive", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let post: Value = response.json().await.unwrap();
    api.assert_valid("POST", "/api/v1/statuses", 200, &post);
    assert_eq!(post["media_attachments"][0]["id"], media_id);

    // The file is served as uploaded, as a download, and never as a page.
    let url = post["media_attachments"][0]["url"].as_str().unwrap();
    assert!(
        !url.contains("Budget"),
        "the stored name is the node's: {url}"
    );
    let response = node.http.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(response.bytes().await.unwrap().as_ref(), PDF);

    // Other nodes see a Document with its size and digest.
    let note: Value = node
        .http
        .get(post["uri"].as_str().unwrap())
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let attachment = &note["attachment"][0];
    assert_eq!(attachment["type"], "Document");
    assert_eq!(attachment["mediaType"], "application/pdf");
    assert_eq!(attachment["url"], url);
    assert_eq!(attachment["name"], "Draft budget 2026");
    assert_eq!(attachment["size"], PDF.len());
    assert_eq!(
        attachment["digestMultibase"],
        format!("f1220{}", hex(&sha256(PDF)))
    );

    // A file on a post cannot be put on another one, nor deleted.
    let (status, _) = node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &jo,
            json!({"status": "again", "media_ids": [media_id]}),
        )
        .await;
    assert_eq!(status, 422);
    let (status, _) = node
        .api(Method::DELETE, &format!("/api/v1/media/{media_id}"), &jo)
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn bad_uploads_are_refused_and_leave_nothing_behind() {
    let node = TestNode::start_with(|s| s.media.max_bytes = 10 * 1024 * 1024).await;
    let jo = node.create_user("jo", "read write").await;
    let sam = node.create_user("sam", "read write").await;
    let reader = node.create_user("reader", "read").await;
    let stored = || async {
        let mut conn = node.db.conn().await.unwrap();
        use diesel_async::RunQueryDsl;
        diesel::sql_query("SELECT 1 FROM media_attachments")
            .execute(&mut conn)
            .await
            .unwrap()
    };
    let files_on_disk = || {
        walk(&node.settings.media_directory())
            .into_iter()
            .filter(|p| !p.to_string_lossy().contains("staging"))
            .count()
    };

    // A page passed off as a PDF, an executable, an empty file.
    for (bytes, mime) in [
        (
            &b"<html><script>alert(1)</script></html>"[..],
            "application/pdf",
        ),
        (b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", "application/pdf"),
        (b"", "text/plain"),
    ] {
        let (status, body) = upload(&node, &jo, file("x.pdf", mime, bytes)).await;
        assert_eq!(status, 422, "{body}");
        assert!(body["error"].is_string());
    }
    // Over the limit: 413, whether the length is declared or streamed.
    let big = vec![b'%'; 100 * 1024 * 1024];
    let (status, body) = upload(&node, &jo, file("big.pdf", "application/pdf", &big)).await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"].as_str().unwrap().contains("too large"));
    let stream = futures_stream(vec![b'%'; 11 * 1024 * 1024]);
    let form = Form::new().part(
        "file",
        Part::stream(stream)
            .file_name("big.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let (status, _) = upload(&node, &jo, form).await;
    assert_eq!(status, 413);
    // No file, no token, a token without write:media, a body that is not multipart.
    let (status, _) = upload(&node, &jo, Form::new().text("description", "x")).await;
    assert_eq!(status, 422);
    let response = node
        .http
        .post(node.url("/api/v2/media"))
        .multipart(file("a.pdf", "application/pdf", PDF))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let (status, _) = upload(&node, &reader, file("a.pdf", "application/pdf", PDF)).await;
    assert_eq!(status, 403);
    let (status, _) = node
        .api_json(Method::POST, "/api/v2/media", &jo, json!({"file": "x"}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(stored().await, 0);
    assert_eq!(files_on_disk(), 0);

    // Someone else's file can be neither read nor posted.
    let (_, media) = upload(&node, &jo, file("a.pdf", "application/pdf", PDF)).await;
    let id = media["id"].as_str().unwrap();
    let (status, _) = node
        .api(Method::GET, &format!("/api/v1/media/{id}"), &sam)
        .await;
    assert_eq!(status, 404);
    let (status, _) = node
        .api_json(
            Method::POST,
            "/api/v1/statuses",
            &sam,
            json!({"status": "mine now", "media_ids": [id]}),
        )
        .await;
    assert_eq!(status, 422);
    let (_, posts) = node.api(Method::GET, "/api/v1/timelines/home", &sam).await;
    assert_eq!(posts, json!([]), "a refused post is not half-written");
    assert_eq!(files_on_disk(), 1);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            let path = e.path();
            if path.is_dir() {
                walk(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}

/// A body of unknown length (no Content-Length), sent in chunks.
fn futures_stream(bytes: Vec<u8>) -> reqwest::Body {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        bytes.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
}

/// A 1600 × 900 PNG, a gradient.
fn wide_png() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(1600, 900, |x, y| {
        image::Rgb([(x / 7) as u8, (y / 4) as u8, 90])
    });
    let mut bytes = Vec::new();
    picture
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

#[tokio::test]
async fn a_picture_gets_its_size_a_small_copy_and_a_blurhash() {
    let node = TestNode::start().await;
    let jo = node.create_user("jo", "read write").await;
    let form = file("depot.png", "image/png", &wide_png()).text("description", "The depot");
    let (status, media) = upload(&node, &jo, form).await;
    assert_eq!(status, 200, "{media}");
    MastodonApi::get().assert_valid("POST", "/api/v2/media", 200, &media);
    assert_eq!(media["type"], "image");
    assert_eq!(
        media["meta"]["original"],
        json!({"width": 1600, "height": 900, "size": "1600x900", "aspect": 1600.0 / 900.0})
    );
    assert_eq!(media["meta"]["small"]["width"], 640);
    assert_eq!(media["meta"]["small"]["height"], 360);
    assert_eq!(media["blurhash"].as_str().unwrap().len(), 28, "{media}");

    // The small copy is a JPEG of its own, served beside the picture.
    let (url, preview) = (
        media["url"].as_str().unwrap(),
        media["preview_url"].as_str().unwrap(),
    );
    assert_ne!(url, preview);
    let small = node.http.get(preview).send().await.unwrap();
    assert_eq!(small.status(), 200);
    assert_eq!(small.headers()["content-type"], "image/jpeg");
    let bytes = small.bytes().await.unwrap();
    let read = image::load_from_memory(&bytes).unwrap();
    assert_eq!((read.width(), read.height()), (640, 360));

    // Deleting the upload removes both.
    let id = media["id"].as_str().unwrap();
    let (status, _) = node
        .api(Method::DELETE, &format!("/api/v1/media/{id}"), &jo)
        .await;
    assert_eq!(status, 200);
    for gone in [url, preview] {
        assert_eq!(node.http.get(gone).send().await.unwrap().status(), 404);
    }
}
