//! `/search`: the node's knowledge (posts, wiki pages, documents, events)
//! with the search API's filters and the matching words marked; and
//! `/directory`, "who knows" about a topic; and `/tags/{name}`, where a
//! post's hashtag links lead.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, TimeZone, Utc};
use maud::{html, Markup};
use moot_app::search::SearchInput;
use moot_app::{AppError, Context};
use serde::Deserialize;

use crate::errors::WebError;
use crate::layout::{self, FieldError};
use crate::posts;
use crate::session::Viewer;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(search_page)
        .service(directory_page)
        .service(tag_page)
        .service(wiki_page_by_id)
        .service(document_by_id);
}

#[derive(Deserialize, Default)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    node: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
}

/// The excerpt with its matches (between PostgreSQL's `<b>` markers)
/// marked, everything else shown as text.
fn excerpt(raw: &str) -> Markup {
    html! {
        @for (i, part) in raw.split("<b>").enumerate() {
            @if i == 0 {
                (part)
            } @else {
                @match part.split_once("</b>") {
                    Some((found, rest)) => { mark { (found) } (rest) },
                    None => (part),
                }
            }
        }
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "post" => "Discussion",
        "wiki" => "Wiki page",
        "file" => "Document",
        "event" => "Event",
        _ => "Result",
    }
}

fn hit_href(hit: &moot_app::model::SearchHit) -> String {
    match hit.kind.as_str() {
        "post" => format!("/posts/{}", hit.id),
        "wiki" => format!("/wiki-pages/{}", hit.id),
        "file" => format!("/documents/{}?group={}", hit.id, hit.group_id.unwrap_or(0)),
        _ => format!("/events/{}", hit.id),
    }
}

fn date(raw: &str, field: &'static str) -> Result<Option<chrono::DateTime<Utc>>, FieldError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| Some(Utc.from_utc_datetime(&d)))
        .ok_or(FieldError {
            field,
            message: "Enter a date, for example 2026-03-31".into(),
        })
}

fn select(name: &'static str, label: &str, current: &str, options: &[(&str, &str)]) -> Markup {
    html! {
        div class="field" {
            label for=(name) { (label) }
            select id=(name) name=(name) {
                @for (value, text) in options {
                    option value=(value) selected[*value == current] { (text) }
                }
            }
        }
    }
}

#[get("/search")]
async fn search_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, WebError> {
    let session = viewer.require(&req)?;
    let me = &session.session.account;
    let q = query.q.trim();
    let mut errors = Vec::new();
    let mut input = SearchInput {
        text: q.to_owned(),
        kind: Some(query.kind.clone()).filter(|k| !k.is_empty()),
        node: Some(query.node.trim().to_owned()).filter(|n| !n.is_empty()),
        limit: 40,
        ..Default::default()
    };
    match date(&query.since, "since") {
        Ok(at) => input.since = at,
        Err(e) => errors.push(e),
    }
    match date(&query.until, "until") {
        Ok(at) => input.until = at.map(|d| d + chrono::Duration::days(1)),
        Err(e) => errors.push(e),
    }
    if !query.group.trim().is_empty() {
        match moot_app::views::groups::by_handle(&ctx, Some(me), query.group.trim()).await {
            Ok(group) => input.group_id = Some(group.account.id),
            Err(AppError::NotFound) => errors.push(FieldError {
                field: "group",
                message: "No group by that name is known here".into(),
            }),
            Err(e) => return Err(e.into()),
        }
    }
    if !query.author.trim().is_empty() {
        match moot_app::directory::by_acct(&ctx, query.author.trim()).await? {
            Some(author) => input.author_id = Some(author.id),
            None => errors.push(FieldError {
                field: "author",
                message: "No one by that name is known here".into(),
            }),
        }
    }
    let hits = if q.is_empty() || !errors.is_empty() {
        Vec::new()
    } else {
        match moot_app::search::search(&ctx, me, &input).await {
            Ok(hits) => hits,
            Err(AppError::Invalid { message, .. }) => {
                errors.push(FieldError {
                    field: "q",
                    message: format!("The search {message}"),
                });
                Vec::new()
            }
            Err(e) => return Err(e.into()),
        }
    };
    let title = if q.is_empty() {
        "Search".to_owned()
    } else {
        format!("Search: {q}")
    };
    let text = |value: &str,
                name: &'static str,
                label: &str,
                hint: Option<&str>,
                errors: &[FieldError]| {
        layout::input(
            &layout::Input {
                value,
                hint,
                kind: "text",
                ..layout::Input::new(name, label)
            },
            errors,
        )
    };
    Ok(layout::form_page(
        &ctx,
        &req,
        &viewer,
        &errors,
        &title,
        html! {
            h1 { "Search" }
            (layout::error_summary(&errors))
            form method="get" action="/search" role="search" {
                (layout::input(&layout::Input { kind: "search", value: q, ..layout::Input::new("q", "Search discussions, wiki pages, documents and events") }, &errors))
                details open[!query.kind.is_empty() || !query.group.is_empty() || !query.author.is_empty() || !query.node.is_empty() || !query.since.is_empty() || !query.until.is_empty()] {
                    summary { "Filters" }
                    (select("type", "Type", &query.kind, &[("", "Everything"), ("post", "Discussions"), ("wiki", "Wiki pages"), ("file", "Documents"), ("event", "Events")]))
                    (text(&query.group, "group", "Group", Some("Its name, or name@node for another council's group."), &errors))
                    (text(&query.author, "author", "Author", Some("Their username, or user@node."), &errors))
                    (text(&query.node, "node", "Node", Some("A node's address, or “local” for this one."), &errors))
                    (layout::input(&layout::Input { kind: "date", value: &query.since, ..layout::Input::new("since", "From date") }, &errors))
                    (layout::input(&layout::Input { kind: "date", value: &query.until, ..layout::Input::new("until", "To date") }, &errors))
                }
                button type="submit" { "Search" }
            }
            @if !q.is_empty() && errors.is_empty() {
                h2 { @match hits.len() { 0 => "No results", 1 => "1 result", n => { (n) " results" } } }
                ul class="feed" {
                    @for hit in &hits {
                        li {
                            p class="post-meta" { span class="tag grey" { (kind_label(&hit.kind)) } " " (layout::when(hit.created_at)) }
                            h3 { a href=(hit_href(hit)) { @if hit.title.is_empty() { (kind_label(&hit.kind)) } @else { (hit.title) } } }
                            p { (excerpt(&hit.excerpt)) }
                        }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
struct TopicQuery {
    #[serde(default)]
    topic: String,
}

/// Public posts with a hashtag, newest first, and who knows about it.
#[get("/tags/{name}")]
async fn tag_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    name: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let session = viewer.require(&req)?;
    let tag = name.trim().trim_start_matches('#').to_lowercase();
    let query = moot_app::views::timelines::PublicQuery {
        local: None,
        tag: Some(tag.clone()),
    };
    let window = moot_app::model::Window::below(None, 40);
    let found =
        moot_app::views::timelines::public(&ctx, &session.session.account, &query, window).await?;
    let title = format!("#{tag}");
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        &title,
        html! {
            h1 { (title) }
            p { a href={ "/directory?topic=" (tag) } { "Who knows about " (title) } }
            @if found.items.is_empty() {
                p { "No public posts with this hashtag yet." }
            } @else {
                ul class="feed" { @for entry in &found.items { li { (posts::post(&ctx, &entry.post, true)) } } }
            }
        },
    ))
}

#[get("/directory")]
async fn directory_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<TopicQuery>,
) -> Result<HttpResponse, WebError> {
    viewer.require(&req)?;
    let topic = query.topic.trim().trim_start_matches('#');
    let mut errors = Vec::new();
    let found = if topic.is_empty() {
        Vec::new()
    } else {
        match moot_app::search::who_knows(&ctx, topic, 40).await {
            Ok(found) => found,
            Err(AppError::Invalid { message, .. }) => {
                errors.push(FieldError {
                    field: "topic",
                    message: format!("The topic {message}"),
                });
                Vec::new()
            }
            Err(e) => return Err(e.into()),
        }
    };
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        "Who knows",
        html! {
            h1 { "Who knows" }
            p { "Find people on this node and the nodes it federates with who write about a topic." }
            (layout::error_summary(&errors))
            form method="get" action="/directory" role="search" {
                (layout::input(&layout::Input { kind: "search", value: topic,
                    hint: Some("One word or hashtag, for example: homelessness"),
                    ..layout::Input::new("topic", "Topic") }, &errors))
                button type="submit" { "Find people" }
            }
            @if !topic.is_empty() && errors.is_empty() {
                h2 { @if found.is_empty() { "No one yet" } @else { "People who know about " (topic) } }
                ul class="feed" {
                    @for (person, score) in &found {
                        li {
                            a href=(posts::person_href(person)) { strong { (posts::shown_name(person)) } }
                            " " span class="secondary" { (posts::handle(&ctx, person)) }
                            " · " (score) @if *score == 1 { " post" } @else { " posts" } " on this topic"
                        }
                    }
                }
            }
        },
    ))
}

/// A wiki page by its id (as search finds it), at its group's address.
#[get("/wiki-pages/{id}")]
async fn wiki_page_by_id(
    ctx: web::Data<Context>,
    viewer: Viewer,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::not_found())?;
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let view = moot_app::wiki::by_id(&ctx, me, id).await?;
    Ok(crate::session::see_other(&format!(
        "/groups/{}/wiki/{}",
        moot_app::views::groups::handle_of(&view.group),
        view.page.slug
    )))
}

#[derive(Deserialize)]
struct InGroup {
    #[serde(default)]
    group: String,
}

/// A document by its id and group (as search finds it).
#[get("/documents/{id}")]
async fn document_by_id(
    ctx: web::Data<Context>,
    viewer: Viewer,
    id: web::Path<String>,
    query: web::Query<InGroup>,
) -> Result<HttpResponse, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::not_found())?;
    let group_id: i64 = query.group.parse().map_err(|_| WebError::not_found())?;
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let view = moot_app::library::show(&ctx, me, group_id, id).await?;
    Ok(crate::session::see_other(&format!(
        "/groups/{}/library/{}",
        moot_app::views::groups::handle_of(&view.group),
        view.item.id
    )))
}
