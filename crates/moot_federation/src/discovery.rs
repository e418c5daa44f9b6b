//! How other servers find this node and its actors: WebFinger (RFC 7033),
//! host-meta (RFC 6415) and NodeInfo 2.0 / 2.1.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use moot_app::Context;
use moot_core::settings::RegistrationMode;
use serde::Deserialize;
use serde_json::json;
use url::Url;

use crate::error::FederationError;
use moot_protocol::actor::INSTANCE_ACTOR_USERNAME;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(webfinger)
        .service(host_meta)
        .service(nodeinfo_links)
        .service(nodeinfo);
}

#[derive(Deserialize)]
struct WebfingerQuery {
    resource: Option<String>,
}

/// Whom a WebFinger `resource` names on this node, if anyone.
#[derive(Debug, PartialEq, Eq)]
enum Resource {
    Local(String),
    /// The instance actor, by the name it was asked for.
    InstanceActor(String),
}

/// Strict parsing: `acct:user@host` with this node's host, or one of this
/// node's actor URLs. Anything else is not ours (404) or malformed (400).
fn parse_resource(ctx: &Context, raw: &str) -> Result<Option<Resource>, FederationError> {
    let bad = || FederationError::bad_request(format!("`{raw}` is not an acct: URI or actor URL"));
    if let Some(acct) = raw.strip_prefix("acct:") {
        let (user, host) = acct.rsplit_once('@').ok_or_else(bad)?;
        if user.is_empty() || host.is_empty() || user.contains(['@', '/', ' ']) {
            return Err(bad());
        }
        if !host.eq_ignore_ascii_case(&ctx.urls.authority()) {
            return Ok(None);
        }
        let user = user.to_ascii_lowercase();
        // `host@host` names the instance actor, as on Mastodon.
        if user == INSTANCE_ACTOR_USERNAME || user == ctx.urls.authority().to_ascii_lowercase() {
            return Ok(Some(Resource::InstanceActor(user)));
        }
        return Ok(Some(Resource::Local(user)));
    }
    let url = Url::parse(raw).map_err(|_| bad())?;
    if url == ctx.urls.instance_actor() {
        return Ok(Some(Resource::InstanceActor(
            INSTANCE_ACTOR_USERNAME.into(),
        )));
    }
    let user = url
        .as_str()
        .strip_prefix(ctx.urls.base().as_str())
        .and_then(|path| {
            path.strip_prefix("users/")
                .or_else(|| path.strip_prefix('@'))
        })
        .filter(|name| !name.is_empty() && !name.contains('/'));
    Ok(user.map(|name| Resource::Local(name.to_owned())))
}

#[get("/.well-known/webfinger")]
async fn webfinger(
    ctx: web::Data<Context>,
    query: web::Query<WebfingerQuery>,
) -> Result<HttpResponse, FederationError> {
    let raw = query
        .resource
        .as_deref()
        .ok_or_else(|| FederationError::bad_request("the resource parameter is required"))?;
    let authority = ctx.urls.authority();
    let (username, actor_id, page) = match parse_resource(&ctx, raw)? {
        None => return Err(FederationError::not_found()),
        Some(Resource::InstanceActor(name)) => {
            (name, ctx.urls.instance_actor(), ctx.urls.about_page())
        }
        Some(Resource::Local(name)) => {
            let account = moot_app::directory::local_any(&ctx, &name)
                .await?
                .ok_or_else(FederationError::not_found)?;
            let id = ctx.urls.person(&account.username);
            let page = ctx.urls.person_page(&account.username);
            (account.username, id, page)
        }
    };
    let body = json!({
        "subject": format!("acct:{username}@{authority}"),
        "aliases": [actor_id.as_str(), page.as_str()],
        "links": [
            { "rel": "self", "type": "application/activity+json", "href": actor_id.as_str() },
            { "rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": page.as_str() },
        ],
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/jrd+json; charset=utf-8"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .body(body.to_string()))
}

#[get("/.well-known/host-meta")]
async fn host_meta(ctx: web::Data<Context>) -> HttpResponse {
    let template = format!("{}.well-known/webfinger?resource={{uri}}", ctx.urls.base());
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n  \
         <Link rel=\"lrdd\" type=\"application/jrd+json\" template=\"{}\"/>\n\
         </XRD>\n",
        xml_attribute(&template)
    );
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/xrd+xml; charset=utf-8"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .body(xml)
}

/// Escapes text for an XML attribute value.
fn xml_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

const NODEINFO_SCHEMA: &str = "http://nodeinfo.diaspora.software/ns/schema/";

#[get("/.well-known/nodeinfo")]
async fn nodeinfo_links(ctx: web::Data<Context>) -> HttpResponse {
    let link = |version: &str| {
        json!({
            "rel": format!("{NODEINFO_SCHEMA}{version}"),
            "href": format!("{}nodeinfo/{version}", ctx.urls.base()),
        })
    };
    HttpResponse::Ok()
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .json(json!({ "links": [link("2.0"), link("2.1")] }))
}

#[get("/nodeinfo/{version:2\\.0|2\\.1}")]
async fn nodeinfo(
    ctx: web::Data<Context>,
    version: web::Path<String>,
) -> Result<HttpResponse, FederationError> {
    let sizes = moot_app::site::sizes(&ctx).await?;
    let (users, local_posts) = (sizes.users, sizes.posts);
    let mut software = json!({ "name": "moot", "version": env!("CARGO_PKG_VERSION") });
    if version.as_str() == "2.1" {
        software["repository"] = json!(ctx.settings.source_url());
    }
    let open = matches!(
        ctx.settings.registration.mode,
        RegistrationMode::Open | RegistrationMode::Approval
    );
    let body = json!({
        "version": version.as_str(),
        "software": software,
        "protocols": ["activitypub"],
        "services": { "inbound": [], "outbound": [] },
        "openRegistrations": open,
        "usage": { "users": { "total": users }, "localPosts": local_posts },
        "metadata": {
            "nodeName": ctx.settings.instance.name,
            "nodeDescription": ctx.settings.instance.description,
            "registrationMode": ctx.settings.registration.mode,
        },
    });
    let content_type = format!(
        "application/json; profile=\"{NODEINFO_SCHEMA}{}#\"",
        version.as_str()
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .body(body.to_string()))
}
