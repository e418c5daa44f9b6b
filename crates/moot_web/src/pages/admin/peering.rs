//! `/admin/peering`: peering this node with other councils' nodes (propose,
//! accept, decline, end; each peer's status, directory and delivery) and
//! the relays it subscribes to. The same rules as `moot peer` and
//! `moot relay`, in `moot_app::peering` and `moot_app::relays`.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use moot_app::audit::Who;
use moot_app::peering::PeerView;
use moot_app::relays::Relay;
use moot_app::Context;
use serde::Deserialize;

use crate::errors::WebError;
use crate::forms::{csrf_field, Posted};
use crate::layout;
use crate::session::{self, Viewer};

use super::{administrator, nav};

const HERE: &str = "/admin/peering";

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(page)
        .service(propose)
        .service(decide)
        .service(subscribe)
        .service(unsubscribe);
}

/// What a peer's status means, in words.
fn status_tag(state: &str) -> Markup {
    let (class, label) = match state {
        "active" => ("tag green", "Peered"),
        "proposed" => ("tag", "Waiting for their answer"),
        "received" => ("tag", "Waiting for your answer"),
        "declined" => ("tag grey", "Declined"),
        "blocked" => ("tag grey", "Blocked (the block wins)"),
        _ => ("tag grey", "Ended"),
    };
    html! { strong class=(class) { (label) } }
}

/// A button posting `action` about `domain`.
fn action(csrf: &str, domain: &str, action: &str, label: &str, secondary: bool) -> Markup {
    html! {
        form method="post" action={ (HERE) "/decide" } class="inline" {
            (csrf_field(csrf))
            input type="hidden" name="domain" value=(domain);
            input type="hidden" name="action" value=(action);
            button type="submit" class=[secondary.then_some("secondary")] {
                (label) span class="visually-hidden" { " " (domain) }
            }
        }
    }
}

fn peers_table(csrf: &str, peers: &[PeerView]) -> Markup {
    html! {
        @if peers.is_empty() { p { "This node is not peered with any other node yet." } }
        @else {
            div class="table-wrap" {
                table {
                    thead { tr {
                        th scope="col" { "Node" } th scope="col" { "Status" } th scope="col" { "Since" }
                        th scope="col" { "Directory" } th scope="col" { "Delivery" }
                        th scope="col" { span class="visually-hidden" { "Actions" } }
                    } }
                    tbody {
                        @for peer in peers {
                            @let p = &peer.peering;
                            tr {
                                td {
                                    (p.domain)
                                    @if !p.message.is_empty() { br; span class="hint" { "“" (p.message) "”" } }
                                }
                                td { (status_tag(peer.state)) }
                                td { (layout::when(p.active_since.unwrap_or(p.updated_at))) }
                                td {
                                    @match (&p.directory_fetched_at, &p.directory_error) {
                                        (None, _) => { "Not read yet" },
                                        (Some(at), None) => { (peer.listed) " groups, read " (layout::when(*at)) },
                                        (Some(at), Some(e)) => { "Could not be read " (layout::when(*at)) ": " (e) },
                                    }
                                }
                                td {
                                    @match &peer.delivery {
                                        None => { "Nothing sent yet" },
                                        Some(h) => { (h.state.label()) ", " (h.status.backlog) " waiting" },
                                    }
                                }
                                td {
                                    @match peer.state {
                                        "received" => {
                                            (action(csrf, &p.domain, "accept", "Accept", false))
                                            (action(csrf, &p.domain, "decline", "Decline", true))
                                        },
                                        "active" | "proposed" | "blocked" => {
                                            (action(csrf, &p.domain, "remove", "End peering", true))
                                        },
                                        _ => {},
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn relays_table(csrf: &str, relays: &[Relay]) -> Markup {
    html! {
        @if relays.is_empty() { p { "This node subscribes to no relay." } }
        @else {
            div class="table-wrap" {
                table {
                    thead { tr {
                        th scope="col" { "Relay inbox" } th scope="col" { "Status" } th scope="col" { "Since" }
                        th scope="col" { span class="visually-hidden" { "Actions" } }
                    } }
                    tbody {
                        @for relay in relays {
                            tr {
                                td { (relay.inbox) }
                                td { @match relay.status.as_str() {
                                    "accepted" => strong class="tag green" { "Accepted" },
                                    "pending" => strong class="tag" { "Waiting for the relay" },
                                    _ => strong class="tag grey" { "Refused by the relay" },
                                } }
                                td { (layout::when(relay.updated_at)) }
                                td {
                                    form method="post" action={ (HERE) "/relays/unsubscribe" } class="inline" {
                                        (csrf_field(csrf))
                                        input type="hidden" name="inbox" value=(relay.inbox);
                                        button type="submit" class="secondary" {
                                            "Unsubscribe" span class="visually-hidden" { " from " (relay.inbox) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[get("/admin/peering")]
async fn page(
    ctx: web::Data<Context>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &viewer)?;
    let peers = moot_app::peering::views(&ctx).await?;
    let relays = moot_app::relays::list(&ctx).await?;
    let csrf = &session.csrf_token;
    Ok(layout::page(
        &ctx,
        &req,
        &viewer,
        "Peering",
        html! {
            (nav(HERE))
            h1 { "Peering" }
            p { "Peering joins this node with another council's node, when both administrators agree. Peered nodes list each other's public groups, and what open groups publish reaches both, so search here covers the sector. Private and approval-only groups never leave their node. A block always wins over a peering." }
            form method="post" action=(HERE) class="panel" {
                (csrf_field(csrf))
                h2 { "Propose peering" }
                (layout::input(&layout::Input { hint: Some("For example council-b.example"), required: true,
                    ..layout::Input::new("domain", "The other node's domain") }, &[]))
                (layout::input(&layout::Input { hint: Some("Shown to the other node's administrators."),
                    ..layout::Input::new("message", "Message (optional)") }, &[]))
                button type="submit" { "Send proposal" }
            }
            h2 { "Peers" }
            (peers_table(csrf, &peers))
            h2 id="relays" { "Relays" }
            p { "Some sectors share public posts through an ActivityPub relay instead. This node's public posts go to the relays it subscribes to, and what they relay is found by search here." }
            form method="post" action={ (HERE) "/relays" } class="panel" {
                (csrf_field(csrf))
                (layout::input(&layout::Input { hint: Some("The relay's inbox address, for example https://relay.example/inbox"), required: true,
                    ..layout::Input::new("inbox", "Relay inbox") }, &[]))
                button type="submit" { "Subscribe" }
            }
            (relays_table(csrf, &relays))
        },
    ))
}

#[derive(Deserialize)]
struct ProposeForm {
    #[serde(default)]
    domain: String,
    #[serde(default)]
    message: String,
}

#[post("/admin/peering")]
async fn propose(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<ProposeForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let who = Who::person(&session.session.account.username);
    let row =
        moot_app::peering::propose(&ctx, &who, &posted.form.domain, &posted.form.message).await?;
    let notice = match row.status.as_str() {
        "active" => format!(
            "You accepted {}'s proposal: the nodes are peered.",
            row.domain
        ),
        _ => format!(
            "The proposal is on its way to {}; its administrators decide.",
            row.domain
        ),
    };
    Ok(session::redirect_with_notice(&ctx, HERE, &notice))
}

#[derive(Deserialize)]
struct DecideForm {
    #[serde(default)]
    domain: String,
    #[serde(default)]
    action: String,
}

#[post("/admin/peering/decide")]
async fn decide(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<DecideForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let who = Who::person(&session.session.account.username);
    let domain = &posted.form.domain;
    let notice = match posted.form.action.as_str() {
        "accept" => {
            moot_app::peering::accept(&ctx, &who, domain).await?;
            format!("Peered with {domain}.")
        }
        "decline" => {
            moot_app::peering::decline(&ctx, &who, domain).await?;
            format!("You declined {domain}'s proposal.")
        }
        "remove" => {
            moot_app::peering::remove(&ctx, &who, domain, false).await?;
            format!("The peering with {domain} has ended.")
        }
        _ => {
            return Err(
                moot_app::AppError::invalid("action", "must be accept, decline or remove").into(),
            )
        }
    };
    Ok(session::redirect_with_notice(&ctx, HERE, &notice))
}

#[derive(Deserialize)]
struct RelayForm {
    #[serde(default)]
    inbox: String,
}

#[post("/admin/peering/relays")]
async fn subscribe(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<RelayForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let who = Who::person(&session.session.account.username);
    moot_app::relays::subscribe(&ctx, &who, &posted.form.inbox).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        &format!("{HERE}#relays"),
        "Subscribed: the relay is asked to accept this node.",
    ))
}

#[post("/admin/peering/relays/unsubscribe")]
async fn unsubscribe(
    ctx: web::Data<Context>,
    req: HttpRequest,
    posted: Posted<RelayForm>,
) -> Result<HttpResponse, WebError> {
    let session = administrator(&req, &posted.viewer)?;
    let who = Who::person(&session.session.account.username);
    moot_app::relays::unsubscribe(&ctx, &who, &posted.form.inbox).await?;
    Ok(session::redirect_with_notice(
        &ctx,
        &format!("{HERE}#relays"),
        "Unsubscribed from the relay.",
    ))
}
