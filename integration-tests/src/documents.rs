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
