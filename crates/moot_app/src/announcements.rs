//! What a group tells its followers when its knowledge changes: a new
//! wiki page or a significant edit, a new document or version, a new
//! event. Each is a post by the group (see `statuses::post_as_group`), so
//! people who follow the group from any fediverse app see it in their
//! home timeline, with a link to the thing, and can reply to it.

use diesel_async::AsyncPgConnection;
use moot_db::accounts::Account;
use moot_protocol::notes::Visibility;
use url::Url;

use crate::groups::MembershipMode;
use crate::{AppError, Context};

/// Lines an edit must change to be worth telling followers about.
const SIGNIFICANT_LINES: usize = 3;
/// ... or characters it must add or remove.
const SIGNIFICANT_CHARS: usize = 200;

/// Whether an edit from `before` to `after` is more than a correction.
pub fn is_significant(before: &str, after: &str, title_changed: bool) -> bool {
    if title_changed {
        return true;
    }
    let diff = moot_core::wiki::diff(before, after);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') && !l.starts_with("+++"))
                || (l.starts_with('-') && !l.starts_with("---"))
        })
        .collect();
    let chars: usize = changed
        .iter()
        .map(|l| l.chars().count().saturating_sub(1))
        .sum();
    changed.len() >= SIGNIFICANT_LINES || chars >= SIGNIFICANT_CHARS
}

/// Markdown text as plain words: `[`, `]`, `*`, `_` and `` ` `` would
/// otherwise change what a title says when rendered.
fn plain(text: &str) -> String {
    text.chars()
        .map(|c| {
            if matches!(c, '[' | ']' | '*' | '_' | '`' | '<' | '>' | '#') {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the announcement says: what happened, the thing's title as a
/// link, and a line about it.
pub fn text(what: &str, title: &str, link: &Url, about: &str) -> String {
    let mut text = format!("{what}: [{}]({link})", plain(title));
    let about: String = plain(about).chars().take(280).collect();
    if !about.is_empty() {
        text.push_str("\n\n");
        text.push_str(&about);
    }
    text
}

/// Posts `text` as `group` about `link`, to the group's members only in a
/// private group.
pub async fn announce(
    ctx: &Context,
    conn: &mut AsyncPgConnection,
    group: &Account,
    text: &str,
    link: &Url,
) -> Result<(), AppError> {
    let private = crate::groups::mode_of(conn, group).await? == Some(MembershipMode::Private);
    let visibility = if private {
        Visibility::Private
    } else {
        Visibility::Public
    };
    crate::statuses::post_as_group(ctx, conn, group, text, link, visibility).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_corrections_are_not_significant() {
        let before = "Inspect within 14 days.\nRecord every visit.\nPhotograph the room.\n";
        assert!(!is_significant(before, &before.replace("14", "15"), false));
        assert!(is_significant(before, before, true), "a new title is");
        let longer = format!("{before}{}\n", "Check the ventilation. ".repeat(10));
        assert!(is_significant(before, &longer, false));
        let rewritten = "One.\nTwo.\nThree.\n";
        assert!(is_significant(before, rewritten, false));
    }

    #[test]
    fn titles_cannot_break_out_of_their_link() {
        let link = Url::parse("https://council.example/users/housing/wiki/x").unwrap();
        let said = text(
            "New wiki page",
            "Damp](https://evil.example) [",
            &link,
            "**Bold** words",
        );
        assert_eq!(
            said,
            "New wiki page: [Damp (https://evil.example)](https://council.example/users/housing/wiki/x)\n\nBold words"
        );
    }
}
