//! Creating local people: the username, email, password and registration
//! rules, for self-service sign-up and for admins alike.

use moot_core::identifiers::{self, domain_is_within};
use moot_core::settings::{RegistrationMode, Settings};
use moot_db::accounts::{self as queries, Account, NewLocalUser, NotCreated, User};
use moot_db::Database;

use crate::{keys, passwords, AppError};

/// Who is creating the account, which decides the rules that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreatedBy {
    /// The person signs up themselves: the registration mode and the
    /// allowed email domains apply.
    SignUp,
    /// An admin (CLI or admin API) creates it: always allowed and approved.
    Admin { make_admin: bool },
}

#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub username: String,
    pub email: String,
    /// `None` asks for a generated password (admins only).
    pub password: Option<String>,
    /// Why they want to join, for the admins who approve sign-ups.
    pub reason: String,
    /// An invitation's code: it admits the person whatever the
    /// registration mode, approved at once.
    pub invite_code: Option<String>,
}

/// Longest registration reason kept.
const MOST_REASON_CHARS: usize = 1000;

#[derive(Debug)]
pub struct CreatedUser {
    pub account: Account,
    pub user: User,
    /// The generated password, to show once; never stored in clear.
    pub generated_password: Option<String>,
}

/// Creates a local person after checking every rule; the unique indexes
/// settle races between two sign-ups for one name.
pub async fn create_local_user(
    db: &Database,
    settings: &Settings,
    new: NewUser,
    by: CreatedBy,
) -> Result<CreatedUser, AppError> {
    let username = identifiers::normalize_username(&new.username)
        .map_err(|e| AppError::invalid("username", e.to_string()))?;
    let email = new.email.trim().to_owned();
    if !identifiers::is_valid_email(&email) {
        return Err(AppError::invalid(
            "email",
            format!("`{email}` is not a valid email address"),
        ));
    }
    AppError::check_length("reason", Some(&new.reason), MOST_REASON_CHARS)?;
    let invite_code = new
        .invite_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty() && matches!(by, CreatedBy::SignUp));
    let approved = match (by, invite_code) {
        (CreatedBy::Admin { .. }, _) => true,
        // An administrator chose to invite them: no mode or email rule.
        (CreatedBy::SignUp, Some(_)) => true,
        (CreatedBy::SignUp, None) => {
            check_sign_up_allowed(settings, &email)?;
            settings.registration.mode == RegistrationMode::Open
        }
    };
    let (password, generated_password) = match new.password {
        Some(password) => (password, None),
        None if matches!(by, CreatedBy::Admin { .. }) => {
            let generated = passwords::generate();
            (generated.clone(), Some(generated))
        }
        None => return Err(AppError::invalid("password", "is required")),
    };
    passwords::check_strength(&password)?;
    let password_hash = passwords::hash(password).await?;
    let keys = keys::generate().await?;

    let mut conn = db.conn().await?;
    let inserted = queries::insert_local_user(
        &mut conn,
        NewLocalUser {
            username: &username,
            public_key_pem: &keys.public_pem,
            private_key_pem: &keys.private_pem,
            email: &email,
            password_hash: &password_hash,
            is_admin: matches!(by, CreatedBy::Admin { make_admin: true }),
            approved,
            sign_up_reason: new.reason.trim(),
            invite_code,
        },
    )
    .await?;
    match inserted {
        Ok((account, user)) => {
            tracing::info!(
                username,
                admin = user.is_admin,
                approved,
                "local user created"
            );
            Ok(CreatedUser {
                account,
                user,
                generated_password,
            })
        }
        Err(NotCreated::Username) => Err(AppError::AlreadyExists(format!(
            "username `{username}` already exists"
        ))),
        Err(NotCreated::Email) => Err(AppError::AlreadyExists(format!(
            "email address `{email}` is already in use"
        ))),
        Err(NotCreated::Invite) => Err(AppError::Forbidden(
            "this invitation has expired, been withdrawn or been used up".into(),
        )),
    }
}

/// The registration mode and email-domain rules for self-service sign-up.
fn check_sign_up_allowed(settings: &Settings, email: &str) -> Result<(), AppError> {
    match settings.registration.mode {
        RegistrationMode::Closed => {
            return Err(AppError::Forbidden(
                "registrations are closed on this node".into(),
            ))
        }
        RegistrationMode::Invite => {
            return Err(AppError::Forbidden(
                "this node accepts sign-ups by invitation only".into(),
            ))
        }
        RegistrationMode::Open | RegistrationMode::Approval => {}
    }
    let allowed = &settings.registration.allowed_email_domains;
    let domain = identifiers::email_domain(email).unwrap_or_default();
    if !allowed.is_empty() && !allowed.iter().any(|a| domain_is_within(&domain, a)) {
        return Err(AppError::Forbidden(format!(
            "sign-up is limited to email addresses at {}",
            allowed.join(", ")
        )));
    }
    Ok(())
}

/// The local person with this username, if any.
pub async fn find_local(
    db: &Database,
    username: &str,
) -> Result<Option<(Account, User)>, AppError> {
    let mut conn = db.conn().await?;
    Ok(queries::find_local_by_username(&mut conn, username).await?)
}

/// The local person with this username, or `NotFound`.
pub async fn require_local(db: &Database, username: &str) -> Result<(Account, User), AppError> {
    find_local(db, username).await?.ok_or(AppError::NotFound)
}

/// How a person's posts from apps are read when the app does not say.
pub async fn set_post_format(
    db: &Database,
    user: &User,
    format: moot_core::text::TextFormat,
) -> Result<(), AppError> {
    let mut conn = db.conn().await?;
    Ok(queries::set_post_format(&mut conn, user.id, format.media_type()).await?)
}

/// Refuses unless `account` is one of this node's administrators.
pub async fn require_admin(ctx: &crate::Context, account: &Account) -> Result<(), AppError> {
    let admin = match account.domain {
        None => find_local(&ctx.db, &account.username)
            .await?
            .is_some_and(|(_, user)| user.is_admin),
        Some(_) => false,
    };
    match admin {
        true => Ok(()),
        false => Err(AppError::Forbidden(
            "this is for the node's administrators".into(),
        )),
    }
}
