//! Actors: local people, the instance actor, and remote actors of any kind.

use activitypub_federation::config::Data;
use activitypub_federation::traits::{Actor as ActorTrait, Object};
use chrono::{DateTime, Utc};
use moot_app::model::Account;
use moot_app::profiles::actor_profile;
use moot_app::Context;
use moot_protocol::actor::{self, Actor};
use url::Url;

use crate::error::FederationError;
use crate::origin::{require_same_origin, same_origin};

/// An actor as the federation library sees it.
#[derive(Debug, Clone)]
pub struct ApActor {
    pub id: Url,
    /// The stored account; `None` for this node's instance actor.
    pub account: Option<Account>,
    public_key_pem: String,
    private_key_pem: Option<String>,
    inbox: Url,
    shared_inbox: Option<Url>,
}

impl ApActor {
    /// Wraps a stored account (local or remote).
    pub fn from_account(ctx: &Context, account: Account) -> Result<Self, FederationError> {
        let id = moot_app::follows::actor_id(ctx, &account)?;
        let (inbox, shared_inbox) = match &account.domain {
            None => (
                ctx.urls.person_collection(&account.username, "inbox"),
                Some(ctx.urls.shared_inbox()),
            ),
            Some(_) => {
                let inbox = account.inbox_url.as_deref().unwrap_or(id.as_str());
                (
                    Url::parse(inbox).map_err(|e| {
                        FederationError::App(anyhow::anyhow!("stored inbox: {e}").into())
                    })?,
                    account
                        .shared_inbox_url
                        .as_deref()
                        .and_then(|u| Url::parse(u).ok()),
                )
            }
        };
        Ok(ApActor {
            id,
            public_key_pem: account.public_key_pem.clone(),
            private_key_pem: account.private_key_pem.clone(),
            inbox,
            shared_inbox,
            account: Some(account),
        })
    }

    /// This node's instance actor, which signs fetches.
    pub async fn instance_actor(ctx: &Context) -> Result<Self, FederationError> {
        let keys = moot_app::site::instance_keys(&ctx.db).await?;
        Ok(ApActor {
            id: ctx.urls.instance_actor(),
            account: None,
            public_key_pem: keys.public_key_pem,
            private_key_pem: Some(keys.private_key_pem),
            inbox: ctx.urls.shared_inbox(),
            shared_inbox: Some(ctx.urls.shared_inbox()),
        })
    }

    /// The stored account, for actors that are accounts (all but ours).
    pub fn account(&self) -> Result<&Account, FederationError> {
        self.account.as_ref().ok_or_else(|| {
            FederationError::refused(
                actix_web::http::StatusCode::BAD_REQUEST,
                "the instance actor takes no part in this",
            )
        })
    }
}

/// A local person or group as its actor document.
pub async fn local_actor_json(ctx: &Context, account: &Account) -> Result<Actor, FederationError> {
    Ok(moot_app::profiles::actor_document(ctx, account).await?)
}

/// `host[:port]`, the way an account's domain is stored.
pub fn authority(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

#[async_trait::async_trait]
impl Object for ApActor {
    type DataType = Context;
    type Kind = Actor;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        // Local actors are always fresh; remote ones as of their last fetch.
        match &self.account {
            Some(account) if account.domain.is_some() => account.fetched_at,
            _ => Some(Utc::now()),
        }
    }

    async fn read_from_id(id: Url, data: &Data<Context>) -> Result<Option<Self>, FederationError> {
        let ctx = data.app_data();
        if id == ctx.urls.instance_actor() {
            return Ok(Some(ApActor::instance_actor(ctx).await?));
        }
        if let Some(name) = id
            .as_str()
            .strip_prefix(ctx.urls.base().as_str())
            .and_then(|path| path.strip_prefix("users/"))
        {
            let found = moot_app::directory::local_any(ctx, name).await?;
            return found
                .map(|account| ApActor::from_account(ctx, account))
                .transpose();
        }
        moot_app::directory::remote_by_uri(ctx, id.as_str())
            .await?
            .map(|account| ApActor::from_account(ctx, account))
            .transpose()
    }

    async fn into_json(self, data: &Data<Context>) -> Result<Actor, FederationError> {
        let ctx = data.app_data();
        Ok(match &self.account {
            Some(account) => actor::person(&ctx.urls, &actor_profile(account)),
            None => {
                actor::instance_actor(&ctx.urls, &ctx.settings.instance.name, &self.public_key_pem)
            }
        })
    }

    /// Origin is identity: the actor, its key and its inboxes live where it
    /// was fetched from.
    async fn verify(
        json: &Actor,
        expected_domain: &Url,
        _: &Data<Context>,
    ) -> Result<(), FederationError> {
        require_same_origin(
            &json.id,
            expected_domain,
            "actor id and the URL it was fetched from",
        )?;
        require_same_origin(&json.public_key.id, &json.id, "key and actor")?;
        if json.public_key.owner != json.id {
            return Err(FederationError::refused(
                actix_web::http::StatusCode::BAD_REQUEST,
                "the actor's key belongs to another actor",
            ));
        }
        Ok(())
    }

    async fn from_json(json: Actor, data: &Data<Context>) -> Result<Self, FederationError> {
        let ctx = data.app_data();
        let domain = authority(&json.id).ok_or_else(|| {
            FederationError::refused(
                actix_web::http::StatusCode::BAD_REQUEST,
                "actor id has no host",
            )
        })?;
        let shared_inbox = json
            .endpoints
            .as_ref()
            .and_then(|e| e.shared_inbox.as_ref())
            .filter(|u| same_origin(u, &json.id));
        let inbox = if same_origin(&json.inbox, &json.id) {
            json.inbox.as_str()
        } else {
            return Err(FederationError::refused(
                actix_web::http::StatusCode::BAD_REQUEST,
                "the actor's inbox is on another origin",
            ));
        };
        let account = moot_app::directory::store_remote(
            ctx,
            &json,
            moot_app::directory::Addresses {
                domain: &domain,
                inbox,
                shared_inbox: shared_inbox.map(Url::as_str),
            },
        )
        .await?;
        ApActor::from_account(ctx, account)
    }
}

impl ActorTrait for ApActor {
    fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        self.private_key_pem.clone()
    }

    fn inbox(&self) -> Url {
        self.inbox.clone()
    }

    fn shared_inbox(&self) -> Option<Url> {
        self.shared_inbox.clone()
    }
}
