//! OAuth 2 over HTTP: the sign-in and consent page (`/oauth/authorize`,
//! plain HTML forms, no JavaScript), the token and revocation endpoints,
//! app registration (`/api/v1/apps`) and the RFC 8414 metadata document.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use base64::Engine;
use maud::html;
use moot_app::model::OAuthApp;
use moot_app::oauth::{self, AuthorizeRequest, ClientAuth, Grant, OAuthError, OUT_OF_BAND};
use moot_app::sign_in::Credentials;
use moot_app::Context;
use moot_core::client_address::{client_address, trusted_proxies};
use moot_core::scopes::Scopes;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::errors::ApiError;
use crate::pages::page;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(authorize_page)
        .service(authorize_answer)
        .service(token_endpoint)
        .service(revoke_endpoint)
        .service(metadata)
        .service(userinfo)
        .service(create_app)
        .service(verify_app);
}

/// Every scope a token can carry, as advertised.
const SCOPES: &[&str] = &[
    "read",
    "write",
    "follow",
    "push",
    "profile",
    "admin:read",
    "admin:write",
];

fn error_json(e: &OAuthError) -> HttpResponse {
    let status = if e.is_client_auth() {
        StatusCode::UNAUTHORIZED
    } else if e.error == "server_error" {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::BAD_REQUEST
    };
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({"error": e.error, "error_description": e.description}))
}

fn error_page(e: &OAuthError) -> HttpResponse {
    page(
        StatusCode::BAD_REQUEST,
        "Authorization failed",
        html! {
            h1 { "This app cannot be authorized" }
            p { (e.description) }
            p { "Go back to the app and try again, or tell its makers." }
        },
    )
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    response_type: Option<String>,
    client_id: String,
    redirect_uri: String,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

impl AuthorizeQuery {
    fn request(&self) -> AuthorizeRequest {
        AuthorizeRequest {
            client_id: self.client_id.clone(),
            redirect_uri: self.redirect_uri.clone(),
            scope: self.scope.clone(),
            code_challenge: self.code_challenge.clone(),
            code_challenge_method: self.code_challenge_method.clone(),
        }
    }
}

/// The form: who is asking, for what, and the person's credentials.
fn consent_form(
    app: &OAuthApp,
    scopes: &Scopes,
    q: &AuthorizeQuery,
    problem: Option<&str>,
) -> HttpResponse {
    let hidden = [
        ("client_id", Some(q.client_id.as_str())),
        ("redirect_uri", Some(q.redirect_uri.as_str())),
        ("scope", q.scope.as_deref()),
        ("state", q.state.as_deref()),
        ("code_challenge", q.code_challenge.as_deref()),
        ("code_challenge_method", q.code_challenge_method.as_deref()),
    ];
    let status = if problem.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    page(
        status,
        &format!("Authorize {}", app.name),
        html! {
            h1 { "Sign in to authorize " (app.name) }
            @if let Some(website) = &app.website { p { "Website: " a href=(website) rel="noopener" { (website) } } }
            p { (app.name) " asks to:" }
            ul { @for scope in scopes.to_string().split(' ') { li { code { (scope) } } } }
            @if let Some(problem) = problem { p role="alert" { strong { (problem) } } }
            form method="post" action="/oauth/authorize" {
                @for (name, value) in hidden {
                    @if let Some(value) = value { input type="hidden" name=(name) value=(value); }
                }
                p {
                    label for="login" { "Username or email" }
                    br;
                    input id="login" name="login" type="text" autocomplete="username" required;
                }
                p {
                    label for="password" { "Password" }
                    br;
                    input id="password" name="password" type="password" autocomplete="current-password" required;
                }
                p {
                    button type="submit" name="decision" value="approve" { "Authorize" }
                    " "
                    button type="submit" name="decision" value="deny" formnovalidate { "Deny" }
                }
            }
        },
    )
}

#[get("/oauth/authorize")]
async fn authorize_page(
    ctx: web::Data<Context>,
    query: web::Query<AuthorizeQuery>,
) -> HttpResponse {
    if query.response_type.as_deref().is_some_and(|t| t != "code") {
        return error_page(&OAuthError {
            error: "unsupported_response_type",
            description: "only response_type=code is supported".into(),
        });
    }
    match oauth::check_request(&ctx, &query.request()).await {
        Ok((app, scopes)) => consent_form(&app, &scopes, &query, None),
        Err(e) => error_page(&e),
    }
}

#[derive(Deserialize)]
struct AuthorizeForm {
    #[serde(flatten)]
    query: AuthorizeQuery,
    login: Option<String>,
    password: Option<String>,
    decision: Option<String>,
}

/// `uri` with query parameters added.
fn redirect_to(uri: &str, params: &[(&str, &str)]) -> HttpResponse {
    let Ok(mut url) = url::Url::parse(uri) else {
        return error_page(&OAuthError {
            error: "invalid_request",
            description: "the redirect_uri is not a URL".into(),
        });
    };
    url.query_pairs_mut().extend_pairs(params);
    HttpResponse::Found()
        .insert_header((header::LOCATION, url.to_string()))
        .finish()
}

#[post("/oauth/authorize")]
async fn authorize_answer(
    ctx: web::Data<Context>,
    req: HttpRequest,
    form: web::Form<AuthorizeForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let q = &form.query;
    let (app, scopes) = match oauth::check_request(&ctx, &q.request()).await {
        Ok(found) => found,
        Err(e) => return error_page(&e),
    };
    let state: Vec<(&str, &str)> = q
        .state
        .as_deref()
        .map(|s| ("state", s))
        .into_iter()
        .collect();
    if form.decision.as_deref() == Some("deny") {
        if q.redirect_uri == OUT_OF_BAND {
            return page(
                StatusCode::OK,
                "Not authorized",
                html! { h1 { "You did not authorize " (app.name) } },
            );
        }
        let mut params = vec![("error", "access_denied")];
        params.extend(state);
        return redirect_to(&q.redirect_uri, &params);
    }
    let checked = match (form.login.as_deref(), form.password.as_deref()) {
        (Some(login), Some(password)) => {
            let forwarded = req
                .headers()
                .get_all("x-forwarded-for")
                .filter_map(|v| v.to_str().ok());
            let trusted = trusted_proxies(&ctx.settings.rate_limits);
            let from = req
                .peer_addr()
                .map(|a| client_address(a.ip(), forwarded, &trusted));
            moot_app::sign_in::check(&ctx, login, password, from).await
        }
        _ => Ok(Credentials::Wrong),
    };
    let user = match checked {
        Ok(Credentials::Valid(found)) => found.1,
        Ok(refused) => {
            return consent_form(&app, &scopes, q, Some(refused.refusal()));
        }
        Err(e) => return error_page(&e.into()),
    };
    let code = match oauth::issue_code(&ctx, &q.request(), &user).await {
        Ok(code) => code,
        Err(e) => return error_page(&e),
    };
    if q.redirect_uri == OUT_OF_BAND {
        return page(
            StatusCode::OK,
            "Authorization code",
            html! {
                h1 { "Copy this code into " (app.name) }
                p { code id="code" { (code) } }
            },
        );
    }
    let mut params = vec![("code", code.as_str())];
    params.extend(state);
    redirect_to(&q.redirect_uri, &params)
}

#[derive(Deserialize)]
struct TokenParams {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    scope: Option<String>,
    username: Option<String>,
    password: Option<String>,
    token: Option<String>,
}

/// The client's credentials from HTTP Basic or from the body.
fn client_auth(req: &HttpRequest, params: &TokenParams) -> Result<ClientAuth, OAuthError> {
    let basic = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok());
    if let Some(pair) = basic {
        let (id, secret) = pair.split_once(':').unwrap_or((&pair, ""));
        let decode = |s: &str| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        return Ok(ClientAuth {
            client_id: decode(id),
            client_secret: Some(decode(secret)),
        });
    }
    let client_id = params.client_id.clone().ok_or(OAuthError {
        error: "invalid_client",
        description: "client_id is missing".into(),
    })?;
    Ok(ClientAuth {
        client_id,
        client_secret: params.client_secret.clone().filter(|s| !s.is_empty()),
    })
}

/// The body and the client's credentials, as the token and revocation
/// endpoints both take them.
async fn client_request(
    req: &HttpRequest,
    body: &web::Bytes,
) -> Result<(TokenParams, ClientAuth), OAuthError> {
    let params: TokenParams = crate::params::parse(req, body)
        .await
        .map_err(|e| OAuthError {
            error: "invalid_request",
            description: e.to_string(),
        })?;
    let client = client_auth(req, &params)?;
    Ok((params, client))
}

fn missing(field: &str) -> OAuthError {
    OAuthError {
        error: "invalid_request",
        description: format!("{field} is missing"),
    }
}

/// The token response (RFC 6749 5.1, Mastodon's `Token`).
pub(crate) fn grant_json(grant: &Grant) -> HttpResponse {
    let mut body = json!({
        "access_token": grant.access_token,
        "token_type": "Bearer",
        "scope": grant.scopes.to_string(),
        "created_at": grant.created_at.timestamp(),
    });
    if let Some(refresh) = &grant.refresh_token {
        body["refresh_token"] = Value::String(refresh.clone());
    }
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

#[post("/oauth/token")]
async fn token_endpoint(
    ctx: web::Data<Context>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let result = async {
        let (params, client) = client_request(&req, &body).await?;
        let scope = params.scope.as_deref();
        match params.grant_type.as_deref() {
            Some("authorization_code") => {
                let code = params.code.as_deref().ok_or_else(|| missing("code"))?;
                let redirect = params
                    .redirect_uri
                    .as_deref()
                    .ok_or_else(|| missing("redirect_uri"))?;
                oauth::exchange_code(
                    &ctx,
                    &client,
                    code,
                    redirect,
                    params.code_verifier.as_deref(),
                )
                .await
            }
            Some("client_credentials") => oauth::client_credentials(&ctx, &client, scope).await,
            Some("refresh_token") => {
                let refresh = params
                    .refresh_token
                    .as_deref()
                    .ok_or_else(|| missing("refresh_token"))?;
                oauth::refresh(&ctx, &client, refresh, scope).await
            }
            Some("password") => {
                let username = params
                    .username
                    .as_deref()
                    .ok_or_else(|| missing("username"))?;
                let password = params
                    .password
                    .as_deref()
                    .ok_or_else(|| missing("password"))?;
                oauth::password_grant(&ctx, &client, username, password, scope).await
            }
            Some(other) => Err(OAuthError {
                error: "unsupported_grant_type",
                description: format!("grant_type `{other}` is not supported"),
            }),
            None => Err(missing("grant_type")),
        }
    }
    .await;
    match result {
        Ok(grant) => grant_json(&grant),
        Err(e) => error_json(&e),
    }
}

#[post("/oauth/revoke")]
async fn revoke_endpoint(
    ctx: web::Data<Context>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let result = async {
        let (params, client) = client_request(&req, &body).await?;
        let token = params.token.as_deref().ok_or_else(|| missing("token"))?;
        oauth::revoke(&ctx, &client, token).await
    }
    .await;
    match result {
        Ok(()) => HttpResponse::Ok().json(json!({})),
        Err(e) => error_json(&e),
    }
}

/// RFC 8414 authorization server metadata.
#[get("/.well-known/oauth-authorization-server")]
async fn metadata(ctx: web::Data<Context>) -> HttpResponse {
    let base = ctx.settings.public_url().to_string();
    let base = base.trim_end_matches('/');
    let mut scopes: Vec<String> = SCOPES.iter().map(|s| s.to_string()).collect();
    scopes.extend(moot_core::scopes::granular());
    HttpResponse::Ok().json(json!({
        "issuer": format!("{base}/"),
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "userinfo_endpoint": format!("{base}/oauth/userinfo"),
        "service_documentation": ctx.settings.source_url(),
        "app_registration_endpoint": format!("{base}/api/v1/apps"),
        "scopes_supported": scopes,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": if ctx.settings.oauth.password_grant {
            json!(["authorization_code", "client_credentials", "refresh_token", "password"])
        } else {
            json!(["authorization_code", "client_credentials", "refresh_token"])
        },
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

#[derive(Deserialize)]
struct AppParams {
    client_name: Option<String>,
    redirect_uris: Option<RedirectUris>,
    scopes: Option<String>,
    website: Option<String>,
}

/// One string (URIs separated by white space) or a list of them.
#[derive(Deserialize)]
#[serde(untagged)]
enum RedirectUris {
    One(String),
    Many(Vec<String>),
}

/// `vapid_key` is the node's Web Push key (older apps read it here).
fn app_json(app: &OAuthApp, secret: Option<&str>, vapid_key: &str) -> Value {
    let uris = app.redirect_uris();
    let mut body = json!({
        "id": app.id.to_string(),
        "name": app.name,
        "website": app.website,
        "scopes": app.scopes.split(' ').collect::<Vec<_>>(),
        "redirect_uri": uris.join("\n"),
        "redirect_uris": uris,
        "client_id": app.client_id,
        "vapid_key": vapid_key,
    });
    if let Some(secret) = secret {
        body["client_secret"] = Value::String(secret.to_owned());
        body["client_secret_expires_at"] = json!(0);
    }
    body
}

#[post("/api/v1/apps")]
async fn create_app(
    ctx: web::Data<Context>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let params: AppParams = crate::params::parse(&req, &body).await?;
    let name = params
        .client_name
        .ok_or_else(|| ApiError::unprocessable("Validation failed: client_name is missing"))?;
    let uris: Vec<String> = match params.redirect_uris {
        Some(RedirectUris::One(s)) => s.split_whitespace().map(str::to_owned).collect(),
        Some(RedirectUris::Many(v)) => v,
        None => Vec::new(),
    };
    let (app, secret) = oauth::register_app(
        &ctx,
        &name,
        &uris,
        params.scopes.as_deref(),
        params.website.as_deref(),
    )
    .await?;
    let vapid = moot_app::push::vapid(&ctx).await?;
    Ok(HttpResponse::Ok().json(app_json(&app, Some(&secret), &vapid.public_key())))
}

#[get("/api/v1/apps/verify_credentials")]
async fn verify_app(ctx: web::Data<Context>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let token = crate::auth::bearer_token(&req)
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "The access token is invalid"))?;
    match oauth::app_of_token(&ctx, &token).await? {
        Some((app, _)) => {
            let vapid = moot_app::push::vapid(&ctx).await?;
            Ok(HttpResponse::Ok().json(app_json(&app, None, &vapid.public_key())))
        }
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "The access token is invalid",
        )),
    }
}

/// OpenID Connect's userinfo, for apps that sign people in with Moot
/// (scope `profile`, or `read:accounts`).
#[actix_web::route("/oauth/userinfo", method = "GET", method = "POST")]
async fn userinfo(
    ctx: web::Data<Context>,
    auth: crate::auth::Auth,
) -> Result<HttpResponse, ApiError> {
    let session = if auth.0.scopes.allows("profile") {
        &auth.0
    } else {
        auth.require("read:accounts")?
    };
    let account = &session.account;
    let profile = ctx.urls.person_page(&account.username);
    Ok(HttpResponse::Ok().json(json!({
        "iss": ctx.settings.public_url().to_string(),
        "sub": ctx.urls.person(&account.username).to_string(),
        "name": if account.display_name.is_empty() { &account.username } else { &account.display_name },
        "preferred_username": account.username,
        "profile": profile.to_string(),
        "website": profile.to_string(),
    })))
}
