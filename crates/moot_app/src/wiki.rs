//! Group wikis. The node of a page's group is authoritative: it decides
//! every edit (its own people's and those sent by other nodes), records
//! the revision and publishes the page to the group's followers. Other
//! nodes keep a copy, send their people's edits to the origin and hear
//! back whether each was taken.
//!
//! An edit names the version it was based on. If the page has moved on
//! since, the edit is refused as a conflict showing both texts: nothing is
//! ever overwritten silently.

use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use moot_core::wiki::{self as rules, MAX_BODY, MAX_SUMMARY, MAX_TITLE};
use moot_db::accounts::{self as account_queries, Account};
use moot_db::wiki::{self as queries, NewRevision, Page, Revision, Submission};
use moot_db::{groups as group_queries, received};
use moot_protocol::wiki::{self as wire, RemoteArticle, RemotePatch, FIRST_PREVIOUS_VERSION};
use serde_json::{json, Value};
use url::Url;

use crate::follows::actor_id;
use crate::groups::MembershipMode;
use crate::{AppError, Context};

/// Who may edit a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditPolicy {
    /// Every member of the group.
    Members,
    /// The group's owner and moderators.
    Moderators,
    /// Moderators and the people listed as editors.
    Editors,
}

impl EditPolicy {
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "members" => EditPolicy::Members,
            "moderators" => EditPolicy::Moderators,
            "editors" => EditPolicy::Editors,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EditPolicy::Members => "members",
            EditPolicy::Moderators => "moderators",
            EditPolicy::Editors => "editors",
        }
    }
}

/// A new text for a page.
#[derive(Debug, Clone)]
pub struct EditInput {
    /// The version the editor started from.
    pub base_version: String,
    /// A new title, or None to keep it.
    pub title: Option<String>,
    pub body: String,
    pub summary: String,
}

/// What became of an edit.
pub enum EditOutcome {
    /// Recorded here: the page is this node's.
    Saved(Page, Revision),
    /// Sent to the node of the page's group, which decides.
    Submitted(Page, Submission),
}

/// A page with the group it belongs to.
pub struct PageView {
    pub page: Page,
    pub group: Account,
    /// Who may edit it.
    pub policy: EditPolicy,
}

fn check_text(title: Option<&str>, body: &str, summary: &str) -> Result<(), AppError> {
    if let Some(title) = title {
        if title.trim().is_empty() {
            return Err(AppError::invalid("title", "can't be blank"));
        }
    }
    AppError::check_length("title", title, MAX_TITLE)?;
    AppError::check_length("body", Some(body), MAX_BODY)?;
    AppError::check_length("summary", Some(summary), MAX_SUMMARY)
}

/// The version a revision gets: a UUID made of the first 16 bytes of the
/// SHA-256 of the version before it and the diff (the shape Ibis uses; the
/// previous version is hashed in so that a text restored later gets a new
/// version).
fn version_of(previous: &str, diff: &str) -> String {
    let digest = openssl::sha::sha256(format!("{previous}\n{diff}").as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The version a page's first revision is based on.
fn base_of(page: &Page) -> &str {
    match page.version.as_str() {
        "" => FIRST_PREVIOUS_VERSION,
        v => v,
    }
}

/// Who may edit `page` (or a new page of the group when None).
async fn policy_of(
    conn: &mut AsyncPgConnection,
    group: &Account,
    page: Option<&Page>,
) -> Result<EditPolicy, AppError> {
    let raw = match page.and_then(|p| p.edit_policy.clone()) {
        Some(raw) => raw,
        None => queries::group_policy(conn, group.id).await?,
    };
    Ok(EditPolicy::parse(&raw).unwrap_or(EditPolicy::Members))
}

/// The one rule for who may edit a page of one of our groups, whether the
/// editor is local or remote.
async fn check_can_edit(
    conn: &mut AsyncPgConnection,
    group: &Account,
    page: Option<&Page>,
    editor: &Account,
) -> Result<(), AppError> {
    if group_queries::is_banned(conn, group.id, editor.id).await? {
        return Err(AppError::Forbidden("you are banned from this group".into()));
    }
    let moderator = group_queries::role_of(conn, group.id, editor.id)
        .await?
        .is_some();
    if moderator {
        return Ok(());
    }
    if !crate::groups::is_member(conn, group, editor).await? {
        return Err(AppError::Forbidden(format!(
            "only members of {} can edit its wiki",
            group.username
        )));
    }
    match policy_of(conn, group, page).await? {
        EditPolicy::Members => Ok(()),
        EditPolicy::Moderators => Err(AppError::Forbidden(
            "only the group's moderators can edit this page".into(),
        )),
        EditPolicy::Editors => {
            let listed = match page {
                Some(page) => queries::is_listed_editor(conn, page, editor.id).await?,
                None => false,
            };
            if listed {
                Ok(())
            } else {
                Err(AppError::Forbidden(
                    "only the page's editors can edit it".into(),
                ))
            }
        }
    }
}

/// A page of a group's wiki pages, the newest first, ids below `max_id`.
pub async fn pages(
    ctx: &Context,
    viewer: Option<&Account>,
    group_id: i64,
    max_id: Option<i64>,
    limit: i64,
) -> Result<(Account, Vec<Page>), AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = crate::groups::group_by_id(&mut conn, group_id).await?;
    crate::groups::check_can_see_content(&mut conn, &group, viewer).await?;
    let pages = queries::of_group(&mut conn, group.id, max_id, limit).await?;
    Ok((group, pages))
}

/// One page of a group's wiki, by its slug.
pub async fn page(
    ctx: &Context,
    viewer: Option<&Account>,
    group_id: i64,
    slug: &str,
) -> Result<PageView, AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = crate::groups::group_by_id(&mut conn, group_id).await?;
    crate::groups::check_can_see_content(&mut conn, &group, viewer).await?;
    let page = queries::find_by_slug(&mut conn, group.id, slug)
        .await?
        .filter(|p| !p.version.is_empty())
        .ok_or(AppError::NotFound)?;
    let policy = policy_of(&mut conn, &group, Some(&page)).await?;
    Ok(PageView {
        page,
        group,
        policy,
    })
}

/// A page's revisions, oldest first, with their authors.
pub async fn history(
    ctx: &Context,
    viewer: Option<&Account>,
    group_id: i64,
    slug: &str,
) -> Result<(PageView, Vec<(Revision, Account)>), AppError> {
    let view = page(ctx, viewer, group_id, slug).await?;
    let mut conn = ctx.db.conn().await?;
    let revisions = queries::history(&mut conn, view.page.id).await?;
    Ok((view, revisions))
}

/// The unified diff from revision `from` to revision `to` of a page.
pub async fn diff(
    ctx: &Context,
    viewer: Option<&Account>,
    group_id: i64,
    slug: &str,
    from: i32,
    to: i32,
) -> Result<(Revision, Revision, String), AppError> {
    let view = page(ctx, viewer, group_id, slug).await?;
    let mut conn = ctx.db.conn().await?;
    let mut find = async |number: i32, field: &'static str| {
        queries::revision(&mut conn, view.page.id, number)
            .await?
            .ok_or_else(|| AppError::invalid(field, format!("the page has no revision {number}")))
    };
    let from = find(from, "from").await?;
    let to = find(to, "to").await?;
    let diff = rules::diff(&from.body, &to.body);
    Ok((from, to, diff))
}

/// What became of a new page.
pub enum NewPage {
    /// Made here: the group is this node's.
    Created(PageView),
    /// Proposed to the node of the group, which decides (the page arrives
    /// with the group's publication when it is made).
    Submitted(Account, Submission),
}

/// Creates a page with its first text: made here in one of our groups,
/// proposed to the group's node for a group on another node.
pub async fn create_page(
    ctx: &Context,
    author: &Account,
    group_id: i64,
    title: &str,
    body: &str,
    summary: &str,
) -> Result<NewPage, AppError> {
    check_text(Some(title), body, summary)?;
    let title = title.trim();
    let slug = rules::slug(title)
        .ok_or_else(|| AppError::invalid("title", "needs at least one letter or digit"))?;
    let mut conn = ctx.db.conn().await?;
    let group = crate::groups::group_by_id(&mut conn, group_id).await?;
    if group.domain.is_some() {
        let policy = policy_of(&mut conn, &group, None).await?;
        check_remote_member(&mut conn, &group, policy, author).await?;
        if queries::find_by_slug(&mut conn, group.id, &slug)
            .await?
            .is_some_and(|p| !p.version.is_empty())
        {
            return Err(AppError::AlreadyExists(format!(
                "the group has a page called `{slug}`"
            )));
        }
        let sent = Sent {
            group: &group,
            page: None,
            base_version: FIRST_PREVIOUS_VERSION,
            title,
            body,
            summary,
        };
        let submission = send_submission(ctx, &mut conn, author, &sent).await?;
        return Ok(NewPage::Submitted(group, submission));
    }
    check_can_edit(&mut conn, &group, None, author).await?;
    let page = conn
        .transaction::<_, AppError, _>(async |conn| {
            make_page(ctx, conn, &group, &slug, author, title, body, summary).await
        })
        .await?;
    let policy = policy_of(&mut conn, &group, Some(&page)).await?;
    Ok(NewPage::Created(PageView {
        page,
        group,
        policy,
    }))
}

/// Makes a page of one of our groups with its first revision, in the
/// caller's transaction.
#[allow(clippy::too_many_arguments)]
async fn make_page(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    group: &Account,
    slug: &str,
    author: &Account,
    title: &str,
    body: &str,
    summary: &str,
) -> Result<Page, AppError> {
    let id = ctx.urls.wiki_page(&group.username, slug);
    let page = queries::insert_page(conn, group.id, id.as_str(), slug, title, Utc::now())
        .await?
        .ok_or_else(|| AppError::AlreadyExists(format!("the group has a page called `{slug}`")))?;
    let (page, _) = record(ctx, conn, group, &page, author, title, body, summary).await?;
    Ok(page)
}

/// Edits a page: recorded here if the group is ours, sent to the group's
/// node otherwise.
pub async fn edit(
    ctx: &Context,
    editor: &Account,
    group_id: i64,
    slug: &str,
    input: EditInput,
) -> Result<EditOutcome, AppError> {
    check_text(input.title.as_deref(), &input.body, &input.summary)?;
    let view = page(ctx, Some(editor), group_id, slug).await?;
    let mut conn = ctx.db.conn().await?;
    if view.group.domain.is_some() {
        return submit(ctx, &mut conn, editor, &view, input).await;
    }
    conn.transaction::<_, AppError, _>(async |conn| {
        let page = queries::lock(conn, view.page.id)
            .await?
            .ok_or(AppError::NotFound)?;
        check_can_edit(conn, &view.group, Some(&page), editor).await?;
        check_base(conn, &page, &input).await?;
        let title = input.title.as_deref().map(str::trim).unwrap_or(&page.title);
        let (page, revision) = record(
            ctx,
            conn,
            &view.group,
            &page,
            editor,
            title,
            &input.body,
            &input.summary,
        )
        .await?;
        Ok(EditOutcome::Saved(page, revision))
    })
    .await
}

/// Makes an old revision's text the page's again, as a new revision.
pub async fn restore(
    ctx: &Context,
    editor: &Account,
    group_id: i64,
    slug: &str,
    number: i32,
) -> Result<EditOutcome, AppError> {
    let view = page(ctx, Some(editor), group_id, slug).await?;
    let mut conn = ctx.db.conn().await?;
    let old = queries::revision(&mut conn, view.page.id, number)
        .await?
        .ok_or_else(|| {
            AppError::invalid("revision", format!("the page has no revision {number}"))
        })?;
    drop(conn);
    let input = EditInput {
        base_version: view.page.version.clone(),
        title: Some(old.title),
        body: old.body,
        summary: format!("Restored revision {number}"),
    };
    edit(ctx, editor, group_id, slug, input).await
}

/// Refuses an edit based on anything but the current version, showing the
/// current text beside the one submitted.
async fn check_base(
    conn: &mut AsyncPgConnection,
    page: &Page,
    input: &EditInput,
) -> Result<(), AppError> {
    if input.base_version == page.version {
        if input.body == page.body
            && input
                .title
                .as_deref()
                .is_none_or(|t| t.trim() == page.title)
        {
            return Err(AppError::invalid("body", "is the same as the current text"));
        }
        return Ok(());
    }
    let base = queries::revision_by_version(conn, page.id, &input.base_version).await?;
    Err(AppError::Conflict {
        message: format!(
            "the page was edited since version {}; merge your text with the current one and \
             send it again based on version {}",
            input.base_version, page.version
        ),
        details: json!({
            "current": {
                "version": page.version,
                "title": page.title,
                "body": page.body,
            },
            "yours": {
                "base_version": input.base_version,
                "title": input.title,
                "body": input.body,
            },
            "diff_from_base_to_current": base.map(|b| rules::diff(&b.body, &page.body)),
        }),
    })
}

/// Records a revision of a page of one of our groups, makes it the page's
/// text and publishes the page to the group's followers on other nodes
/// (`Create` for the first revision, `Update` after), all in the caller's
/// transaction.
#[allow(clippy::too_many_arguments)]
async fn record(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    group: &Account,
    page: &Page,
    author: &Account,
    title: &str,
    body: &str,
    summary: &str,
) -> Result<(Page, Revision), AppError> {
    let previous = base_of(page).to_owned();
    let diff = rules::diff(&page.body, body);
    let worth_telling = page.version.is_empty()
        || crate::announcements::is_significant(&page.body, body, title != page.title);
    let version = version_of(&previous, &diff);
    let number = queries::next_number(conn, page.id).await?;
    let id = ctx.urls.wiki_revision(&group.username, &page.slug, number);
    let html = moot_core::text::render_markdown(body);
    let now = Utc::now();
    let revision = queries::add_revision(
        conn,
        page,
        number,
        &NewRevision {
            ap_id: id.as_str(),
            version: &version,
            previous_version: &previous,
            author_id: author.id,
            summary,
            title,
            body,
            content_html: &html,
            created_at: now,
        },
    )
    .await?
    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("revision {number} exists already")))?;
    let page = queries::find(conn, page.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let patch = patch_json(ctx, group, &page, &revision, author, &diff)?;
    let article = article_json(ctx, conn, group, &page).await?;
    let kind = if number == 1 { "Create" } else { "Update" };
    let activity = moot_protocol::activities::group_publishes(
        &ctx.urls.new_activity(),
        kind,
        &ctx.urls.person(&group.username),
        &article,
        &patch,
    );
    crate::outbound::to_followers(ctx, conn, group, &activity).await?;
    if worth_telling {
        let what = if number == 1 {
            "New wiki page"
        } else {
            "Wiki page updated"
        };
        let about = if summary.trim().is_empty() {
            body
        } else {
            summary
        };
        let link = ctx.urls.wiki_page(&group.username, &page.slug);
        let text = crate::announcements::text(what, &page.title, &link, about);
        crate::announcements::announce(ctx, conn, group, &text, &link).await?;
    }
    Ok((page, revision))
}

fn patch_json(
    ctx: &Context,
    group: &Account,
    page: &Page,
    revision: &Revision,
    author: &Account,
    diff: &str,
) -> Result<Value, AppError> {
    let id = ctx
        .urls
        .wiki_revision(&group.username, &page.slug, revision.number);
    let page_id = parse_stored(&page.ap_id)?;
    Ok(wire::patch(&wire::LocalPatch {
        id: &id,
        page: &page_id,
        author: &actor_id(ctx, author)?,
        version: &revision.version,
        previous_version: &revision.previous_version,
        diff,
        title: &revision.title,
        markdown: &revision.body,
        summary: &revision.summary,
        published: revision.created_at,
    }))
}

fn parse_stored(raw: &str) -> Result<Url, AppError> {
    Url::parse(raw).map_err(|e| AppError::Internal(anyhow::anyhow!("stored page id: {e}")))
}

async fn article_json(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    group: &Account,
    page: &Page,
) -> Result<Value, AppError> {
    let private = group_queries::find(conn, group.id)
        .await?
        .is_some_and(|g| g.membership_mode == MembershipMode::Private.as_str());
    let policy = policy_of(conn, group, Some(page)).await?;
    let id = parse_stored(&page.ap_id)?;
    let mut article = wire::article(&wire::LocalArticle {
        id: &id,
        group: &ctx.urls.person(&group.username),
        followers: &ctx.urls.person_collection(&group.username, "followers"),
        edits: &ctx.urls.wiki_edits(&group.username, &page.slug),
        title: &page.title,
        html: &page.content_html,
        markdown: &page.body,
        version: &page.version,
        moderators_only: policy == EditPolicy::Moderators,
        private,
        published: page.created_at,
        updated: page.updated_at,
    });
    moot_protocol::context::set_context(&mut article);
    Ok(article)
}

/// A page of one of our groups as its ActivityPub document, for `viewer`
/// (None when unsigned).
pub async fn article(
    ctx: &Context,
    viewer: Option<&Account>,
    group_name: &str,
    slug: &str,
) -> Result<Value, AppError> {
    let mut conn = ctx.db.conn().await?;
    let (group, page) = local_page(&mut conn, viewer, group_name, slug).await?;
    article_json(ctx, &mut conn, &group, &page).await
}

/// The revisions of a page of one of our groups, oldest first, as `Patch`es.
pub async fn edits(
    ctx: &Context,
    viewer: Option<&Account>,
    group_name: &str,
    slug: &str,
) -> Result<Value, AppError> {
    let mut conn = ctx.db.conn().await?;
    let (group, page) = local_page(&mut conn, viewer, group_name, slug).await?;
    let history = queries::history(&mut conn, page.id).await?;
    let mut before = String::new();
    let mut items = Vec::with_capacity(history.len());
    for (revision, author) in &history {
        let diff = rules::diff(&before, &revision.body);
        items.push(patch_json(ctx, &group, &page, revision, author, &diff)?);
        before.clone_from(&revision.body);
    }
    let collection = moot_protocol::collection::OrderedCollection::new(
        ctx.urls.wiki_edits(&group.username, &page.slug),
        items.len() as i64,
        items,
    );
    serde_json::to_value(collection).map_err(|e| AppError::Internal(e.into()))
}

/// The pages of one of our groups' wiki as they are now, the latest
/// first (its `wiki` collection).
pub async fn articles(
    ctx: &Context,
    viewer: Option<&Account>,
    group_name: &str,
) -> Result<Vec<Value>, AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = crate::groups::local_group_by_name(&mut conn, group_name, viewer).await?;
    let pages = queries::of_group(&mut conn, group.id, None, crate::library::MAX_LISTED).await?;
    let mut articles = Vec::with_capacity(pages.len());
    for page in pages.iter().filter(|p| !p.version.is_empty()) {
        let mut article = article_json(ctx, &mut conn, &group, page).await?;
        if let Some(map) = article.as_object_mut() {
            map.remove("@context");
        }
        articles.push(article);
    }
    Ok(articles)
}

/// One revision of a page of one of our groups, as a `Patch`.
pub async fn edit_json(
    ctx: &Context,
    viewer: Option<&Account>,
    group_name: &str,
    slug: &str,
    number: i32,
) -> Result<Value, AppError> {
    let mut conn = ctx.db.conn().await?;
    let (group, page) = local_page(&mut conn, viewer, group_name, slug).await?;
    let revision = queries::revision(&mut conn, page.id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = match number {
        1 => String::new(),
        n => queries::revision(&mut conn, page.id, n - 1)
            .await?
            .map(|r| r.body)
            .unwrap_or_default(),
    };
    let author = account_queries::find_by_id(&mut conn, revision.author_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let diff = rules::diff(&before, &revision.body);
    let mut patch = patch_json(ctx, &group, &page, &revision, &author, &diff)?;
    moot_protocol::context::set_context(&mut patch);
    Ok(patch)
}

async fn local_page(
    conn: &mut AsyncPgConnection,
    viewer: Option<&Account>,
    group_name: &str,
    slug: &str,
) -> Result<(Account, Page), AppError> {
    let group = crate::groups::local_group_by_name(conn, group_name, viewer).await?;
    let page = queries::find_by_slug(conn, group.id, slug)
        .await?
        .filter(|p| !p.version.is_empty())
        .ok_or(AppError::NotFound)?;
    Ok((group, page))
}

/// Refuses at once what this node can tell of an edit of a remote group's
/// wiki: the editor is not a member, or the page is for moderators (whom
/// only the group's node knows).
async fn check_remote_member(
    conn: &mut AsyncPgConnection,
    group: &Account,
    policy: EditPolicy,
    editor: &Account,
) -> Result<(), AppError> {
    if group_queries::is_banned(conn, group.id, editor.id).await?
        || !crate::groups::is_member(conn, group, editor).await?
    {
        return Err(AppError::Forbidden(format!(
            "only members of {} can edit its wiki",
            group.username
        )));
    }
    if policy == EditPolicy::Moderators {
        return Err(AppError::Forbidden(
            "only the group's moderators can edit this page".into(),
        ));
    }
    Ok(())
}

/// Sends an edit of another node's page to that node's group, keeping it
/// here as a submission until the group answers. What this node can tell
/// already (membership, a base version older than the copy here) it
/// refuses at once; the group's node decides the rest.
async fn submit(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    editor: &Account,
    view: &PageView,
    input: EditInput,
) -> Result<EditOutcome, AppError> {
    check_remote_member(conn, &view.group, view.policy, editor).await?;
    check_base(conn, &view.page, &input).await?;
    let title = input
        .title
        .as_deref()
        .map(str::trim)
        .unwrap_or(&view.page.title);
    let sent = Sent {
        group: &view.group,
        page: Some(&view.page),
        base_version: &input.base_version,
        title,
        body: &input.body,
        summary: &input.summary,
    };
    let submission = send_submission(ctx, conn, editor, &sent).await?;
    Ok(EditOutcome::Submitted(view.page.clone(), submission))
}

/// A text sent to a remote group's node: an edit of `page`, or a new page
/// when there is none.
struct Sent<'a> {
    group: &'a Account,
    page: Option<&'a Page>,
    base_version: &'a str,
    title: &'a str,
    body: &'a str,
    summary: &'a str,
}

/// Records `sent` as a pending submission and sends it to the group's
/// inbox (`Edit{Patch}`, or `Create{Patch}` for a new page).
async fn send_submission(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    editor: &Account,
    sent: &Sent<'_>,
) -> Result<Submission, AppError> {
    let group_inbox = crate::follows::inbox_of(sent.group)?;
    let group_uri = actor_id(ctx, sent.group)?;
    let target = match sent.page {
        Some(page) => parse_stored(&page.ap_id)?,
        None => group_uri.clone(),
    };
    let before = sent.page.map(|p| p.body.as_str()).unwrap_or_default();
    conn.transaction::<_, AppError, _>(async |conn| {
        let activity_id = ctx.urls.new_activity();
        let patch_id = Url::parse(&format!("{activity_id}/patch"))
            .map_err(|e| AppError::Internal(e.into()))?;
        let diff = rules::diff(before, sent.body);
        let patch = wire::patch(&wire::LocalPatch {
            id: &patch_id,
            page: &target,
            author: &actor_id(ctx, editor)?,
            version: &version_of(sent.base_version, &diff),
            previous_version: sent.base_version,
            diff: &diff,
            title: sent.title,
            markdown: sent.body,
            summary: sent.summary,
            published: Utc::now(),
        });
        let submission = queries::insert_submission(
            conn,
            sent.group.id,
            sent.page.map(|p| p.id),
            editor.id,
            activity_id.as_str(),
            patch_id.as_str(),
            sent.base_version,
            sent.summary,
            sent.title,
            sent.body,
        )
        .await?;
        let activity = wire::edit(&activity_id, &actor_id(ctx, editor)?, &group_uri, &patch);
        crate::follows::send(ctx, conn, editor, &activity, &[group_inbox]).await?;
        Ok(submission)
    })
    .await
}

/// An edit this node sent, for its author, with the group it was sent to
/// and the page (None for a new page the group has not made yet).
pub async fn submission(
    ctx: &Context,
    author: &Account,
    id: i64,
) -> Result<(Submission, Account, Option<PageView>), AppError> {
    let mut conn = ctx.db.conn().await?;
    let submission = queries::submission(&mut conn, id)
        .await?
        .filter(|s| s.author_id == author.id)
        .ok_or(AppError::NotFound)?;
    let group = crate::groups::group_by_id(&mut conn, submission.group_id).await?;
    let page = match submission.page_id {
        Some(page_id) => queries::find(&mut conn, page_id).await?,
        None => match rules::slug(&submission.title) {
            Some(slug) => queries::find_by_slug(&mut conn, group.id, &slug)
                .await?
                .filter(|p| !p.version.is_empty()),
            None => None,
        },
    };
    let view = match page {
        Some(page) => {
            let policy = policy_of(&mut conn, &group, Some(&page)).await?;
            Some(PageView {
                page,
                group: group.clone(),
                policy,
            })
        }
        None => None,
    };
    Ok((submission, group, view))
}

/// An `Edit` of one of our pages (or a `Create` of a new page in one of
/// our groups) sent by `editor`'s node, origins checked by the federation
/// layer. The group decides as for a local edit: the revision is recorded
/// and published and the editor's node told `Accept`, or the editor's node
/// is told `Reject` with the reason.
pub async fn receive_edit(
    ctx: &Context,
    activity_id: &Url,
    editor: &Account,
    patch: &RemotePatch,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    let (group, page_id) = match queries::find_by_uri(&mut conn, patch.object.as_str()).await? {
        Some(page) => (
            crate::groups::group_by_id(&mut conn, page.group_id).await?,
            Some(page.id),
        ),
        None => {
            let addressed = [patch.object.to_string()];
            let group = crate::groups::find_addressed(ctx, &mut conn, &addressed)
                .await?
                .ok_or(AppError::NotFound)?;
            (group, None)
        }
    };
    if group.domain.is_some() {
        return Err(AppError::invalid(
            "object",
            "the page belongs to a group on another node",
        ));
    }
    let editor_inbox = crate::follows::inbox_of(editor)?;
    let editor_uri = actor_id(ctx, editor)?;
    let group_uri = ctx.urls.person(&group.username);
    conn.transaction::<_, AppError, _>(async |conn| {
        if !received::first_time(conn, activity_id.as_str()).await? {
            return Ok(());
        }
        let decision = match page_id {
            Some(page_id) => decide_edit(ctx, conn, &group, page_id, editor, patch).await?,
            None => decide_new_page(ctx, conn, &group, editor, patch).await?,
        };
        let answer = match decision {
            Ok(revision) => moot_protocol::activities::answer_proposal(
                "Accept",
                &ctx.urls.new_activity(),
                &group_uri,
                activity_id,
                &editor_uri,
                Some(&parse_stored(&revision.ap_id)?),
                None,
            ),
            Err(reason) => moot_protocol::activities::answer_proposal(
                "Reject",
                &ctx.urls.new_activity(),
                &group_uri,
                activity_id,
                &editor_uri,
                None,
                Some(&reason),
            ),
        };
        crate::follows::send(
            ctx,
            conn,
            &group,
            &answer,
            std::slice::from_ref(&editor_inbox),
        )
        .await?;
        Ok(())
    })
    .await
}

/// The group's decision on a received edit: the revision recorded, or
/// why not (told to the editor's node).
type Decision = Result<Revision, String>;

/// The received text after `patch`, within the length limit.
fn received_text(patch: &RemotePatch, before: &str) -> Result<String, String> {
    match patch.text_after(before) {
        None => Err("the patch does not apply to the page's text".to_owned()),
        Some(body) if body.chars().count() > MAX_BODY => {
            Err(format!("the text is longer than {MAX_BODY} characters"))
        }
        Some(body) => Ok(body),
    }
}

fn received_title(patch: &RemotePatch) -> Option<String> {
    patch
        .name
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().take(MAX_TITLE).collect())
}

fn received_summary(patch: &RemotePatch) -> String {
    patch
        .summary
        .as_deref()
        .unwrap_or_default()
        .chars()
        .take(MAX_SUMMARY)
        .collect()
}

/// Why `editor` may not edit, as told to their node, or an error of ours.
async fn refusal(
    conn: &mut AsyncPgConnection,
    group: &Account,
    page: Option<&Page>,
    editor: &Account,
) -> Result<Option<String>, AppError> {
    match check_can_edit(conn, group, page, editor).await {
        Ok(()) => Ok(None),
        Err(AppError::Forbidden(reason)) => Ok(Some(reason)),
        Err(other) => Err(other),
    }
}

async fn decide_edit(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    group: &Account,
    page_id: i64,
    editor: &Account,
    patch: &RemotePatch,
) -> Result<Decision, AppError> {
    let page = queries::lock(conn, page_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(reason) = refusal(conn, group, Some(&page), editor).await? {
        return Ok(Err(reason));
    }
    if patch.previous_version != base_of(&page) {
        return Ok(Err(format!(
            "conflict: the page was edited since version {}; it is now at version {}",
            patch.previous_version, page.version
        )));
    }
    let body = match received_text(patch, &page.body) {
        Ok(body) => body,
        Err(reason) => return Ok(Err(reason)),
    };
    let title = received_title(patch).unwrap_or_else(|| page.title.clone());
    let summary = received_summary(patch);
    let (_, revision) = record(ctx, conn, group, &page, editor, &title, &body, &summary).await?;
    Ok(Ok(revision))
}

async fn decide_new_page(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    group: &Account,
    editor: &Account,
    patch: &RemotePatch,
) -> Result<Decision, AppError> {
    if let Some(reason) = refusal(conn, group, None, editor).await? {
        return Ok(Err(reason));
    }
    if patch.previous_version != FIRST_PREVIOUS_VERSION {
        return Ok(Err("a new page starts from the empty text".to_owned()));
    }
    let Some((slug, title)) = received_title(patch).and_then(|t| Some((rules::slug(&t)?, t)))
    else {
        return Ok(Err(
            "a new page needs a title with a letter or digit".to_owned()
        ));
    };
    let body = match received_text(patch, "") {
        Ok(body) => body,
        Err(reason) => return Ok(Err(reason)),
    };
    let summary = received_summary(patch);
    let made = make_page(ctx, conn, group, &slug, editor, &title, &body, &summary).await;
    match made {
        Ok(page) => Ok(Ok(queries::revision(conn, page.id, 1)
            .await?
            .ok_or(AppError::NotFound)?)),
        Err(AppError::AlreadyExists(reason)) => Ok(Err(format!("conflict: {reason}"))),
        Err(other) => Err(other),
    }
}

/// The answer of a group's node to an edit sent from here. Returns whether
/// `answered` was one of our submissions (else it is someone else's
/// business, e.g. a follow).
pub async fn receive_answer(
    ctx: &Context,
    group: &Account,
    answered: &Url,
    accepted: bool,
    reason: Option<&str>,
) -> Result<bool, AppError> {
    let mut conn = ctx.db.conn().await?;
    let Some(submission) = queries::pending_submission(&mut conn, answered.as_str()).await? else {
        return Ok(false);
    };
    if submission.group_id != group.id {
        return Err(AppError::Forbidden(
            "only the page's group can answer an edit of it".into(),
        ));
    }
    let reason: Option<String> = reason.map(|r| r.chars().take(MAX_SUMMARY).collect());
    let state = if accepted { "accepted" } else { "rejected" };
    queries::decide_submission(&mut conn, submission.id, state, reason.as_deref()).await?;
    Ok(true)
}

/// What a received page still needs after [`receive_page`].
#[derive(Debug, PartialEq, Eq)]
pub enum Sync {
    /// The copy here is up to date.
    Done,
    /// Revisions are missing: the page's history should be fetched from
    /// its origin and given to [`receive_history`].
    NeedsHistory(i64),
}

/// A page of a remote `group`, as the group published it (origins checked
/// by the federation layer), with the revision that made it when the
/// activity carried one (`revision` and its author here).
pub async fn receive_page(
    ctx: &Context,
    group: &Account,
    article: &RemoteArticle,
    revision: Option<(&RemotePatch, &Account)>,
) -> Result<Sync, AppError> {
    if group.actor_type != "Group" {
        return Err(AppError::invalid("actor", "wiki pages belong to groups"));
    }
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let page = match queries::find_by_uri(conn, article.id.as_str()).await? {
            Some(page) if page.group_id != group.id => {
                return Err(AppError::Forbidden(
                    "a page is published by its own group only".into(),
                ))
            }
            Some(page) => page,
            None => {
                let title: String = article.name.trim().chars().take(MAX_TITLE).collect();
                let slug = remote_slug(conn, group, article).await?;
                let created = article.published.unwrap_or_else(Utc::now);
                queries::insert_page(conn, group.id, article.id.as_str(), &slug, &title, created)
                    .await?
                    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("page slug taken")))?
            }
        };
        let page = queries::lock(conn, page.id)
            .await?
            .ok_or(AppError::NotFound)?;
        if let Some((patch, author)) = revision {
            add_remote_revision(conn, &page, patch, author).await?;
        }
        let page = queries::find(conn, page.id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(match article.latest_version.as_deref() {
            Some(latest) if latest != page.version => Sync::NeedsHistory(page.id),
            _ => Sync::Done,
        })
    })
    .await
}

/// The slug a remote page gets here: the last part of its id when that is
/// a slug (Moot's ids end so), else one made from its title; numbered if
/// the group has a page by that name already.
async fn remote_slug(
    conn: &mut AsyncPgConnection,
    group: &Account,
    article: &RemoteArticle,
) -> Result<String, AppError> {
    let last = article
        .id
        .path_segments()
        .and_then(|mut s| s.next_back())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .filter(|s| rules::is_slug(s));
    let base = last
        .or_else(|| rules::slug(&article.name))
        .unwrap_or_else(|| "page".to_owned());
    let mut slug = base.clone();
    let mut n = 1;
    while queries::find_by_slug(conn, group.id, &slug)
        .await?
        .is_some()
    {
        n += 1;
        slug = format!("{base}-{n}");
    }
    Ok(slug)
}

/// Adds a remote revision that follows on from the copy's current version
/// (others are left for a history sync). Returns whether it was added.
async fn add_remote_revision(
    conn: &mut AsyncPgConnection,
    page: &Page,
    patch: &RemotePatch,
    author: &Account,
) -> Result<bool, AppError> {
    if patch.object.as_str() != page.ap_id || patch.previous_version != base_of(page) {
        return Ok(false);
    }
    let Some(body) = patch.text_after(&page.body) else {
        return Ok(false);
    };
    let body: String = body.chars().take(MAX_BODY).collect();
    let title: String = patch
        .name
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(&page.title)
        .chars()
        .take(MAX_TITLE)
        .collect();
    let summary: String = patch
        .summary
        .as_deref()
        .unwrap_or_default()
        .chars()
        .take(MAX_SUMMARY)
        .collect();
    let number = queries::next_number(conn, page.id).await?;
    let html = moot_core::text::render_markdown(&body);
    let added = queries::add_revision(
        conn,
        page,
        number,
        &NewRevision {
            ap_id: patch.id.as_str(),
            version: &patch.version,
            previous_version: &patch.previous_version,
            author_id: author.id,
            summary: &summary,
            title: &title,
            body: &body,
            content_html: &html,
            created_at: patch.published.unwrap_or_else(Utc::now),
        },
    )
    .await?;
    Ok(added.is_some())
}

/// A remote page's history as its origin serves it, oldest first, each
/// revision with its author here: the ones this copy lacks are added in
/// order, following the chain of versions from the copy's current one.
pub async fn receive_history(
    ctx: &Context,
    page_id: i64,
    revisions: &[(RemotePatch, Account)],
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        for (patch, author) in revisions {
            let page = queries::lock(conn, page_id)
                .await?
                .ok_or(AppError::NotFound)?;
            add_remote_revision(conn, &page, patch, author).await?;
        }
        Ok(())
    })
    .await
}

/// A page this node keeps by its row id, with its group, for `viewer`.
pub async fn by_id(ctx: &Context, viewer: Option<&Account>, id: i64) -> Result<PageView, AppError> {
    let mut conn = ctx.db.conn().await?;
    let page = queries::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    page_of(ctx, viewer, page).await
}

/// The page this node keeps with this ActivityPub id, for `viewer`.
pub async fn by_uri(
    ctx: &Context,
    viewer: Option<&Account>,
    uri: &str,
) -> Result<PageView, AppError> {
    let mut conn = ctx.db.conn().await?;
    let page = queries::find_by_uri(&mut conn, uri)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    page_of(ctx, viewer, page).await
}

async fn page_of(
    ctx: &Context,
    viewer: Option<&Account>,
    page: Page,
) -> Result<PageView, AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = crate::groups::group_by_id(&mut conn, page.group_id).await?;
    crate::groups::check_can_see_content(&mut conn, &group, viewer).await?;
    if page.version.is_empty() {
        return Err(AppError::NotFound);
    }
    let policy = policy_of(&mut conn, &group, Some(&page)).await?;
    Ok(PageView {
        page,
        group,
        policy,
    })
}

/// The page this node keeps (its own or a copy) with this id.
pub async fn find_by_uri(ctx: &Context, uri: &Url) -> Result<Option<Page>, AppError> {
    let mut conn = ctx.db.conn().await?;
    Ok(queries::find_by_uri(&mut conn, uri.as_str()).await?)
}

/// A moderator sets who may edit the group's pages, or one page.
pub async fn set_policy(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
    slug: Option<&str>,
    policy: Option<EditPolicy>,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = crate::groups::group_by_id(&mut conn, group_id).await?;
    require_moderator(&mut conn, &group, moderator).await?;
    match slug {
        Some(slug) => {
            let page = queries::find_by_slug(&mut conn, group.id, slug)
                .await?
                .ok_or(AppError::NotFound)?;
            queries::set_page_policy(&mut conn, page.id, policy.map(EditPolicy::as_str)).await?;
        }
        None => {
            let policy = policy.unwrap_or(EditPolicy::Members);
            queries::set_group_policy(&mut conn, group.id, policy.as_str()).await?;
        }
    }
    Ok(())
}

/// A moderator lists (or unlists) someone as an editor of the group's pages
/// or of one page.
pub async fn set_editor(
    ctx: &Context,
    moderator: &Account,
    group_id: i64,
    slug: Option<&str>,
    account_id: i64,
    listed: bool,
) -> Result<(), AppError> {
    let mut conn = ctx.db.conn().await?;
    let group = crate::groups::group_by_id(&mut conn, group_id).await?;
    require_moderator(&mut conn, &group, moderator).await?;
    account_queries::find_by_id(&mut conn, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page_id = match slug {
        Some(slug) => Some(
            queries::find_by_slug(&mut conn, group.id, slug)
                .await?
                .ok_or(AppError::NotFound)?
                .id,
        ),
        None => None,
    };
    if listed {
        queries::add_editor(&mut conn, group.id, page_id, account_id).await?;
    } else {
        queries::remove_editor(&mut conn, group.id, page_id, account_id).await?;
    }
    Ok(())
}

async fn require_moderator(
    conn: &mut AsyncPgConnection,
    group: &Account,
    who: &Account,
) -> Result<(), AppError> {
    if group.domain.is_some() {
        return Err(AppError::invalid(
            "group",
            "a group on another node is run on that node",
        ));
    }
    crate::groups::require_moderator(conn, group.id, who).await
}
