//! Checking a person's credentials, for every way of signing in: the web
//! app, the OAuth consent page and the password grant. Attempts are
//! limited per IP address and per login, so a password cannot be guessed
//! quickly from one place or against one account from many.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use moot_core::settings::RateLimitSettings;
use moot_db::accounts::{Account, User};

use crate::{AppError, Context};

/// What a sign-in attempt found.
pub enum Credentials {
    Valid(Box<(Account, User)>),
    /// The password is right, but an admin has not approved the account yet.
    AwaitsApproval,
    /// The password is right, but the account is suspended.
    Suspended,
    /// Unknown login or wrong password: the caller does not say which.
    Wrong,
    /// Too many attempts lately; try again after this long.
    TooMany(Duration),
}

impl Credentials {
    /// What a person is told when these credentials did not sign them in.
    pub fn refusal(&self) -> &'static str {
        match self {
            Credentials::Valid(..) => "",
            Credentials::AwaitsApproval => {
                "Your account is waiting for an admin to approve it. You can sign in once it is approved."
            }
            Credentials::Suspended => {
                "This account is suspended by the node's administrators."
            }
            Credentials::TooMany(_) => {
                "Too many sign-in attempts. Wait a few minutes, then try again."
            }
            Credentials::Wrong => "The username, email or password is not right.",
        }
    }
}

/// Recent sign-in attempts, per address and per login.
pub struct Throttle {
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_login: DefaultKeyedRateLimiter<String>,
    enabled: bool,
}

impl Throttle {
    pub fn new(settings: &RateLimitSettings) -> Throttle {
        let attempts = NonZeroU32::new(settings.sign_in_attempts).unwrap_or(NonZeroU32::MIN);
        let refill = Duration::from_secs(u64::from(settings.window_secs)) / attempts.get();
        let quota = Quota::with_period(refill.max(Duration::from_millis(1)))
            .unwrap_or_else(|| Quota::per_second(attempts))
            .allow_burst(attempts);
        Throttle {
            by_address: DefaultKeyedRateLimiter::keyed(quota),
            by_login: DefaultKeyedRateLimiter::keyed(quota),
            enabled: settings.enabled,
        }
    }

    /// Spends one attempt; how long to wait when none is left.
    fn spend(&self, login: &str, from: Option<IpAddr>) -> Option<Duration> {
        if !self.enabled {
            return None;
        }
        self.forget_idle();
        let now = DefaultClock::default().now();
        let by_address = from.and_then(|ip| self.by_address.check_key(&ip).err());
        let by_login = self.by_login.check_key(&login.to_lowercase()).err();
        by_address
            .into_iter()
            .chain(by_login)
            .map(|refused| refused.wait_time_from(now))
            .max()
    }

    /// Forgets keys whose allowance is full again, once there are many,
    /// so memory follows recent attempts, not every login ever tried.
    fn forget_idle(&self) {
        if self.by_address.len() + self.by_login.len() > 10_000 {
            self.by_address.retain_recent();
            self.by_login.retain_recent();
        }
    }
}

/// Checks `login` (a username or an email) and `password`.
pub async fn check(
    ctx: &Context,
    login: &str,
    password: &str,
    from: Option<IpAddr>,
) -> Result<Credentials, AppError> {
    if let Some(wait) = ctx.sign_in_throttle.spend(login, from) {
        return Ok(Credentials::TooMany(wait));
    }
    let mut conn = ctx.db.conn().await?;
    let found = moot_db::accounts::find_local_by_login(&mut conn, login).await?;
    drop(conn);
    let Some((account, user)) = found else {
        // The same work as a real check, so timing does not tell who exists.
        crate::passwords::verify(password.to_owned(), DUMMY_HASH.to_owned()).await;
        return Ok(Credentials::Wrong);
    };
    if !crate::passwords::verify(password.to_owned(), user.password_hash.clone()).await {
        return Ok(Credentials::Wrong);
    }
    if account.suspended_at.is_some() {
        return Ok(Credentials::Suspended);
    }
    if !user.approved {
        return Ok(Credentials::AwaitsApproval);
    }
    Ok(Credentials::Valid(Box::new((account, user))))
}

/// An argon2id hash of nothing in particular.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4Yb9B7w7Kx7l0o5pN8y8cT8k3JmC8b6gq7h0lO2N1vU";
