//! Small files for library tests: two versions of a PDF the nodes accept,
//! and the checksum a node shows for a file.

/// Minutes as first drafted.
pub const DRAFT_PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% minutes, draft\ntrailer << /Root 1 0 R >>\n%%EOF\n";
/// The same minutes as agreed: a second version.
pub const AGREED_PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% minutes, as agreed\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Lower-case hex SHA-256, as library pages and the API show it.
pub fn sha256(bytes: &[u8]) -> String {
    openssl::sha::sha256(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Uploads a file through the Mastodon media endpoint: the status and the
/// media attachment.
pub async fn upload(
    node: &crate::ProcessNode,
    token: &str,
    name: &str,
    mime: &str,
    bytes: &[u8],
) -> (u16, serde_json::Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes.to_vec())
            .file_name(name.to_owned())
            .mime_str(mime)
            .unwrap(),
    );
    let response = node
        .http
        .post(format!("{}/api/v2/media", node.base_url))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}
