//! `/posts/ID`: a post with the discussion around it, and replying.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::html;
use moot_app::statuses::PostInput;
use moot_app::views::posts::PostView;
use moot_app::Context;
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{csrf_field, Posted};
use crate::layout::{self, FieldError, Input};
use crate::posts;
use crate::session::{self, Viewer};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(thread_page).service(reply);
}

fn parse_id(raw: &str) -> Result<i64, WebError> {
    raw.parse().map_err(|_| WebError::not_found())
}

async fn render(
    ctx: &Context,
    req: &HttpRequest,
    viewer: &Viewer,
    id: i64,
    draft: &str,
    errors: &[FieldError],
) -> Result<HttpResponse, WebError> {
    let me = viewer.session.as_ref().map(|s| &s.session.account);
    let post: PostView = moot_app::views::posts::visible(ctx, me, id).await?;
    let (ancestors, replies) = moot_app::views::timelines::thread(ctx, me, id).await?;
    let author = posts::shown_name(&post.author.account);
    // The group it was posted in, when the viewer moderates it here.
    let moderated = match (post.status.group_id, me) {
        (Some(group_id), Some(me)) => {
            let group = moot_app::views::groups::by_id(ctx, Some(me), group_id).await?;
            (group.membership.moderates() && group.is_local()).then_some(group)
        }
        _ => None,
    };
    let closed = moot_app::group_moderation::thread_closed(ctx, id).await?;
    Ok(layout::form_page(
        ctx,
        req,
        viewer,
        errors,
        &format!("Post by {author}"),
        html! {
            h1 class="visually-hidden" { "Post by " (author) }
            @if !ancestors.is_empty() {
                h2 { "In reply to" }
                ul class="feed" { @for p in &ancestors { li { (posts::post(ctx, p, true)) } } }
            }
            (posts::post(ctx, &post, false))
            @if me.is_some_and(|me| me.id != post.author.account.id) {
                p class="post-meta" { a href={ "/report?status=" (id) } { "Report this post" } }
            }
            @if let (Some(group), Some(session)) = (&moderated, &viewer.session) {
                (crate::pages::manage::post_moderation(group, &session.csrf_token, id, closed))
            }
            h2 { @match replies.len() { 0 => "No replies yet", 1 => "1 reply", n => { (n) " replies" } } }
            @if !replies.is_empty() {
                ul class="feed" { @for p in &replies { li { (posts::post(ctx, p, true)) } } }
            }
            @if closed {
                p class="panel" { "This discussion is closed to new replies." }
            } @else if let Some(session) = &viewer.session {
                h2 { "Reply" }
                (layout::error_summary(errors))
                form method="post" action={ "/posts/" (id) "/reply" } novalidate {
                    (csrf_field(&session.csrf_token))
                    (layout::textarea(&Input { value: draft, required: true,
                        hint: Some("You can use Markdown."),
                        ..Input::new("text", "Your reply") }, 5, errors))
                    button type="submit" { "Reply" }
                }
            } @else {
                p { a href={ "/login?next=/posts/" (id) } { "Sign in to reply" } }
            }
        },
    ))
}

#[get("/posts/{id}")]
async fn thread_page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    render(&ctx, &req, &viewer, parse_id(&id)?, "", &[]).await
}

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(default)]
    text: String,
}

#[post("/posts/{id}/reply")]
async fn reply(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
    posted: Posted<ReplyForm>,
) -> Result<HttpResponse, WebError> {
    let session = posted.viewer.require(&req)?;
    let id = parse_id(&id)?;
    let me = &session.session.account;
    let parent = moot_app::views::posts::visible(&ctx, Some(me), id).await?;
    let text = posted.form.text.trim();
    if text.is_empty() {
        let errors = [FieldError {
            field: "text",
            message: "Enter your reply".into(),
        }];
        return render(&ctx, &req, &posted.viewer, id, "", &errors).await;
    }
    let input = PostInput {
        text: text.to_owned(),
        // A reply is seen by whoever could see what it answers.
        visibility: moot_app::model::Visibility::parse(&parent.status.visibility)
            .unwrap_or(moot_app::model::Visibility::Public),
        in_reply_to_id: Some(id),
        spoiler_text: parent.status.spoiler_text.clone(),
        sensitive: parent.status.sensitive,
        language: None,
        media_ids: Vec::new(),
        idempotency_key: None,
        poll: None,
        // The web form says Markdown may be used.
        format: Some(moot_core::text::TextFormat::Markdown),
    };
    match moot_app::statuses::create(&ctx, me, input).await {
        Ok(_) => Ok(session::redirect_with_notice(
            &ctx,
            &format!("/posts/{id}"),
            "Your reply has been published.",
        )),
        Err(moot_app::AppError::Invalid { message, .. }) => {
            let errors = [FieldError {
                field: "text",
                message: format!("Your reply {message}"),
            }];
            render(&ctx, &req, &posted.viewer, id, text, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}
