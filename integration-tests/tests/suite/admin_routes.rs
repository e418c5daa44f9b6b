//! Every administration route refuses everyone but administrators. The
//! routes are read from the source (each `#[get(...)]`, `#[post(...)]` …
//! whose path is an admin one), so a route added later is checked too: a
//! signed-in member gets 403 from every page and every form (with a valid
//! CSRF token), and every admin API answers 403 to a member's token even
//! when it carries admin scopes; without a token or a session, 401 from
//! the API, and the sign-in page (or 403 for a form) from the web.

use std::path::Path;

use moot_testkit::web::WebClient;
use moot_testkit::TestNode;
use reqwest::Method;

const PASSWORD: &str = "a long enough password";

/// (method, path) of every route declared in the `.rs` files under `dir`
/// whose path `wanted` says is an admin one; path parameters become `1`.
fn routes(dir: &Path, wanted: impl Fn(&str) -> bool) -> Vec<(Method, String)> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines().map(str::trim) {
                for (attr, method) in [
                    ("#[get(\"", Method::GET),
                    ("#[post(\"", Method::POST),
                    ("#[put(\"", Method::PUT),
                    ("#[patch(\"", Method::PATCH),
                    ("#[delete(\"", Method::DELETE),
                ] {
                    let Some(rest) = line.strip_prefix(attr) else {
                        continue;
                    };
                    let route = rest.split('"').next().unwrap();
                    if wanted(route) {
                        found.push((method.clone(), with_ids(route)));
                    }
                }
            }
        }
    }
    found.sort_by(|a, b| a.1.cmp(&b.1));
    found
}

/// `route` with each `{parameter}` replaced by `1`.
fn with_ids(route: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in route.chars() {
        match c {
            '{' => inside = true,
            '}' => {
                inside = false;
                out.push('1');
            }
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

fn crates_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates")
}

#[tokio::test]
async fn every_admin_page_and_form_refuses_everyone_but_administrators() {
    let node = TestNode::start().await;
    node.create_user("member", "read").await;
    node.create_admin("keeper", "read").await;
    let pages = routes(&crates_dir().join("moot_web/src"), |r| {
        r == "/admin" || r.starts_with("/admin/") || r.starts_with("/admin.")
    });
    assert!(pages.len() >= 30, "the admin routes were found: {pages:?}");

    let mut member = WebClient::new(&node.url(""));
    member.sign_in("member", PASSWORD).await;
    let token = member.get("/settings").await.csrf_token().unwrap();
    let mut anonymous = WebClient::new(&node.url(""));
    for (method, path) in &pages {
        let (as_member, as_nobody, forged) = if *method == Method::GET {
            (member.get(path).await, anonymous.get(path).await, None)
        } else {
            (
                member.post(path, &[("csrf_token", token.as_str())]).await,
                anonymous.post(path, &[]).await,
                Some(member.post(path, &[]).await),
            )
        };
        assert_eq!(as_member.status, 403, "{method} {path} for a member");
        assert!(
            !as_member.body.contains("csrf_token\" value"),
            "{method} {path}: no admin form shown"
        );
        // Signed out: sent to sign in, or refused; never served.
        let to_sign_in = as_nobody.status == 303
            && as_nobody
                .location
                .as_deref()
                .is_some_and(|l| l.starts_with("/login"));
        assert!(
            to_sign_in || (*method != Method::GET && as_nobody.status == 403),
            "{method} {path} signed out: {} {:?}",
            as_nobody.status,
            as_nobody.location
        );
        if let Some(forged) = forged {
            assert_eq!(
                forged.status, 403,
                "{method} {path} without the form's token"
            );
        }
    }

    // An administrator reaches every page (the forms are driven in the
    // tests of each part).
    let mut keeper = WebClient::new(&node.url(""));
    keeper.sign_in("keeper", PASSWORD).await;
    for (method, path) in pages
        .iter()
        .filter(|(m, p)| *m == Method::GET && !p.contains('1'))
    {
        let answer = keeper.get(path).await;
        assert_eq!(answer.status, 200, "{method} {path} for an administrator");
    }
}

#[tokio::test]
async fn every_admin_api_refuses_everyone_but_administrators() {
    let node = TestNode::start().await;
    let scopes = "read write admin:read admin:write";
    let member = node.create_user("member", scopes).await;
    let apis = routes(&crates_dir().join("moot_api/src"), |r| {
        r.starts_with("/api/v1/admin/")
            || r.starts_with("/api/v2/admin/")
            || r.starts_with("/api/moot/v1/admin/")
    });
    assert!(apis.len() >= 20, "the admin APIs were found: {apis:?}");
    for (method, path) in &apis {
        let (status, body) = node.api(method.clone(), path, &member).await;
        assert_eq!(status, 403, "{method} {path} for a member: {body}");
        let anonymous = node
            .http
            .request(method.clone(), node.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401, "{method} {path} without a token");
    }
}
