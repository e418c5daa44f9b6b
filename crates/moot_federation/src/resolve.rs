//! Finding remote actors by `user@host` (WebFinger, then a signed fetch),
//! and posts by URL: what the app's search asks for when told to resolve.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::webfinger::webfinger_resolve_actor;
use moot_app::model::Account;
use moot_app::Context;

use crate::error::FederationError;
use crate::objects::actor::ApActor;

/// The account for `user@host`, fetching and storing it if it is new.
pub async fn account_by_handle(
    data: &Data<Context>,
    handle: &str,
) -> Result<Account, FederationError> {
    let handle = handle.trim().trim_start_matches('@');
    let actor: ApActor = webfinger_resolve_actor(handle, data).await?;
    actor.account().cloned()
}

/// The actor at `uri`, fetching and storing it if it is new.
pub async fn account_by_uri(
    data: &Data<Context>,
    uri: &url::Url,
) -> Result<Account, FederationError> {
    use activitypub_federation::fetch::object_id::ObjectId;
    let actor = ObjectId::<ApActor>::from(uri.clone())
        .dereference(data)
        .await?;
    actor.account().cloned()
}

/// The post at `uri`, fetching and storing it (and its thread's parents,
/// within the fetch limit) if it is new.
pub async fn post_by_uri(
    data: &Data<Context>,
    uri: &url::Url,
) -> Result<(moot_app::model::Status, Account), FederationError> {
    use activitypub_federation::fetch::object_id::ObjectId;
    let post = ObjectId::<crate::objects::post::ApPost>::from(uri.clone())
        .dereference(data)
        .await?;
    Ok((post.status, post.author))
}

/// The app's `Resolver`, answered by fetching through this node's
/// federation config (and, for web pages, the guarded client).
pub struct FetchingResolver {
    pub config: activitypub_federation::config::FederationConfig<Context>,
    pub client: reqwest::Client,
    pub settings: std::sync::Arc<moot_core::Settings>,
}

impl moot_app::remote::Resolver for FetchingResolver {
    fn account_by_handle<'a>(&'a self, handle: &'a str) -> moot_app::remote::Pending<'a, Account> {
        Box::pin(async move {
            let data = self.config.to_request_data();
            account_by_handle(&data, handle)
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn account_by_uri<'a>(&'a self, uri: &'a url::Url) -> moot_app::remote::Pending<'a, Account> {
        Box::pin(async move {
            let data = self.config.to_request_data();
            account_by_uri(&data, uri).await.map_err(|e| e.to_string())
        })
    }

    fn post_by_uri<'a>(
        &'a self,
        uri: &'a url::Url,
    ) -> moot_app::remote::Pending<'a, (moot_app::model::Status, Account)> {
        Box::pin(async move {
            let data = self.config.to_request_data();
            post_by_uri(&data, uri).await.map_err(|e| e.to_string())
        })
    }

    fn page_summary<'a>(
        &'a self,
        url: &'a url::Url,
    ) -> moot_app::remote::Pending<'a, moot_core::pages::PageSummary> {
        Box::pin(
            async move { crate::pages::fetch_summary(&self.client, &self.settings, url).await },
        )
    }
}
