//! The rules for creating local people, against a real database.

use moot_app::accounts::{create_local_user, find_local, CreatedBy, NewUser};
use moot_app::AppError;
use moot_core::settings::RegistrationMode;
use moot_core::Settings;
use moot_testkit::fresh_database;

fn new_user(username: &str, email: &str) -> NewUser {
    NewUser {
        username: username.into(),
        email: email.into(),
        password: Some("a long enough password".into()),
        ..Default::default()
    }
}

fn settings(mode: RegistrationMode, domains: &[&str]) -> Settings {
    let mut s = Settings::defaults();
    s.registration.mode = mode;
    s.registration.allowed_email_domains = domains.iter().map(|d| d.to_string()).collect();
    s
}

const ADMIN: CreatedBy = CreatedBy::Admin { make_admin: false };

#[tokio::test]
async fn usernames_are_unique_whatever_their_case() {
    let db = fresh_database().await.connect().await;
    let s = Settings::defaults();
    let created = create_local_user(&db, &s, new_user("Alice", "alice@a.example"), ADMIN)
        .await
        .unwrap();
    assert_eq!(created.account.username, "alice");
    assert!(created.account.domain.is_none());
    let err = create_local_user(&db, &s, new_user("ALICE", "other@a.example"), ADMIN)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::AlreadyExists(_)), "{err:?}");
    assert!(err.to_string().contains("already exists"), "{err}");
    let err = create_local_user(&db, &s, new_user("alice2", "ALICE@a.example"), ADMIN)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("email"), "{err}");
    assert!(find_local(&db, "aLiCe").await.unwrap().is_some());
    assert!(find_local(&db, "nobody").await.unwrap().is_none());
}

#[tokio::test]
async fn concurrent_sign_ups_for_one_name_let_exactly_one_win() {
    let db = fresh_database().await.connect().await;
    let s = settings(RegistrationMode::Open, &[]);
    let attempts = (0..8).map(|i| {
        let (db, s) = (db.clone(), s.clone());
        tokio::spawn(async move {
            create_local_user(
                &db,
                &s,
                new_user("samename", &format!("p{i}@a.example")),
                CreatedBy::SignUp,
            )
            .await
        })
    });
    let mut won = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(_) => won += 1,
            Err(AppError::AlreadyExists(_)) => {}
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }
    assert_eq!(won, 1);
}

#[tokio::test]
async fn bad_names_emails_and_passwords_are_refused_by_field() {
    let db = fresh_database().await.connect().await;
    let s = Settings::defaults();
    for (user, field) in [
        (new_user("admin", "x@a.example"), "username"),
        (new_user("has space", "x@a.example"), "username"),
        (new_user(&"a".repeat(31), "x@a.example"), "username"),
        (new_user("fine", "not-an-email"), "email"),
        (
            NewUser {
                password: Some("short".into()),
                ..new_user("fine", "x@a.example")
            },
            "password",
        ),
    ] {
        match create_local_user(&db, &s, user, ADMIN).await {
            Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("expected an invalid {field}, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn registration_mode_decides_sign_up() {
    let db = fresh_database().await.connect().await;
    let open = create_local_user(
        &db,
        &settings(RegistrationMode::Open, &[]),
        new_user("o", "o@a.example"),
        CreatedBy::SignUp,
    )
    .await
    .unwrap();
    assert!(open.user.approved);
    let pending = create_local_user(
        &db,
        &settings(RegistrationMode::Approval, &[]),
        new_user("p", "p@a.example"),
        CreatedBy::SignUp,
    )
    .await
    .unwrap();
    assert!(
        !pending.user.approved,
        "approval mode leaves the account waiting"
    );
    for mode in [RegistrationMode::Closed, RegistrationMode::Invite] {
        let err = create_local_user(
            &db,
            &settings(mode, &[]),
            new_user("c", "c@a.example"),
            CreatedBy::SignUp,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{mode:?}: {err:?}");
    }
    // An admin can always create people, even on a closed node.
    let made = create_local_user(
        &db,
        &settings(RegistrationMode::Closed, &[]),
        new_user("c", "c@a.example"),
        CreatedBy::Admin { make_admin: true },
    )
    .await
    .unwrap();
    assert!(made.user.approved && made.user.is_admin);
}

#[tokio::test]
async fn sign_up_is_limited_to_the_allowed_email_domains() {
    let db = fresh_database().await.connect().await;
    let s = settings(RegistrationMode::Open, &["council.gov.uk"]);
    for ok in ["jo@council.gov.uk", "jo2@Staff.Council.gov.uk"] {
        let name = ok.split('@').next().unwrap();
        create_local_user(&db, &s, new_user(name, ok), CreatedBy::SignUp)
            .await
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    for refused in ["jo3@gmail.com", "jo4@badcouncil.gov.uk"] {
        let err = create_local_user(&db, &s, new_user("someone", refused), CreatedBy::SignUp)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{refused}: {err:?}");
    }
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_and_generated_when_absent() {
    let db = fresh_database().await.connect().await;
    let s = Settings::defaults();
    let created = create_local_user(&db, &s, new_user("hashme", "h@a.example"), ADMIN)
        .await
        .unwrap();
    assert!(created.user.password_hash.starts_with("$argon2id$"));
    assert!(!created
        .user
        .password_hash
        .contains("a long enough password"));
    assert!(
        moot_app::passwords::verify("a long enough password".into(), created.user.password_hash)
            .await
    );

    let generated = create_local_user(
        &db,
        &s,
        NewUser {
            password: None,
            ..new_user("genpass", "g@a.example")
        },
        ADMIN,
    )
    .await
    .unwrap();
    let password = generated.generated_password.expect("a generated password");
    assert!(moot_app::passwords::verify(password, generated.user.password_hash).await);

    // Sign-up never gets a generated password: the person must choose one.
    let err = create_local_user(
        &db,
        &settings(RegistrationMode::Open, &[]),
        NewUser {
            password: None,
            ..new_user("nopass", "n@a.example")
        },
        CreatedBy::SignUp,
    )
    .await
    .unwrap_err();
    assert!(matches!(
        err,
        AppError::Invalid {
            field: "password",
            ..
        }
    ));
}
