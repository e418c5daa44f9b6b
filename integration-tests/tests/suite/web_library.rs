//! A group's library in the browser: adding a document and a new version,
//! sizes and checksums, downloads, deleting, and the refusals.

use moot_testkit::documents::{sha256, AGREED_PDF, DRAFT_PDF};
use moot_testkit::web::WebClient;
use moot_testkit::TestNode;

const PASSWORD: &str = "a long enough password";

#[tokio::test]
async fn members_add_documents_and_versions_from_the_browser() {
    let node = TestNode::start().await;
    node.create_user("jo", "read").await;
    node.create_user("outsider", "read").await;
    node.create_group("housing", "jo", moot_app::groups::MembershipMode::Open)
        .await;
    let mut jo = WebClient::new(&node.url(""));
    jo.sign_in("jo", PASSWORD).await;

    // No title: the form comes back with the problem, nothing is kept.
    let untitled = jo
        .upload(
            "/groups/housing/new-document",
            "/groups/housing/new-document",
            &[("title", ""), ("folder", "Minutes")],
            ("minutes.pdf", DRAFT_PDF),
        )
        .await;
    assert_eq!(untitled.status, 400, "{}", untitled.body);
    assert!(untitled.body.contains("The title"), "{}", untitled.body);
    assert!(
        untitled.body.contains("value=\"Minutes\""),
        "the folder is kept"
    );

    let added = jo
        .upload(
            "/groups/housing/new-document",
            "/groups/housing/new-document",
            &[
                ("title", "Board minutes"),
                ("description", "March meeting"),
                ("folder", "Minutes/2026"),
                ("tags", "minutes, board"),
            ],
            ("minutes.pdf", DRAFT_PDF),
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let item_path = added.location.clone().unwrap();
    let item = jo.get(&item_path).await;
    assert!(item.body.contains("Board minutes"));
    assert!(item.body.contains(&sha256(DRAFT_PDF)), "{}", item.body);
    assert!(item.body.contains("#minutes"));

    let version = jo
        .upload(
            &item_path,
            &format!("{item_path}/versions"),
            &[],
            ("minutes-final.pdf", AGREED_PDF),
        )
        .await;
    assert_eq!(version.status, 303, "{}", version.body);
    let item = jo.get(&item_path).await;
    assert!(item.body.contains(&sha256(AGREED_PDF)));
    assert!(
        item.body.contains(&sha256(DRAFT_PDF)),
        "the first version stays listed"
    );
    assert!(item.body.contains("minutes-final.pdf"));

    // The download link gives the newest file.
    let at = item
        .body
        .find("download>")
        .or_else(|| item.body.find(" download"))
        .unwrap();
    let href_at = item.body[..at].rfind("href=\"").unwrap() + 6;
    let href = &item.body[href_at..href_at + item.body[href_at..].find('"').unwrap()];
    let file = node.http.get(href).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(&file.bytes().await.unwrap()[..], AGREED_PDF);

    let folder = jo
        .get("/groups/housing/library?folder=Minutes%2F2026")
        .await;
    assert!(folder.body.contains("Board minutes"));
    let other = jo.get("/groups/housing/library?tag=budget").await;
    assert!(!other.body.contains("Board minutes"));

    // An upload without its token is refused before anything is kept; an
    // outsider is told they must join.
    let mut outsider = WebClient::new(&node.url(""));
    outsider.sign_in("outsider", PASSWORD).await;
    let forged = outsider
        .post_multipart(
            "/groups/housing/new-document",
            reqwest::multipart::Form::new().text("title", "Spam").part(
                "file",
                reqwest::multipart::Part::bytes(DRAFT_PDF).file_name("x.pdf"),
            ),
        )
        .await;
    assert_eq!(forged.status, 403);
    let refused = outsider
        .upload(
            "/groups/housing/new-document",
            "/groups/housing/new-document",
            &[("title", "Spam")],
            ("x.pdf", DRAFT_PDF),
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let list = jo.get("/groups/housing/library").await;
    assert!(!list.body.contains("Spam"));

    let deleted = jo
        .submit(&item_path, &format!("{item_path}/delete"), &[])
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(jo.get(&item_path).await.status, 404);
    assert_eq!(
        jo.get("/groups/housing/library/not-a-number").await.status,
        404
    );
}
