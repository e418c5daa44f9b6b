//! The rules of who sees what, as pure functions of facts read from the
//! database. Each rule is written once, here; the views read the facts
//! and ask.

use moot_protocol::notes::Visibility;

use moot_core::domain_rules::Verdict;

use crate::domain_policy::Policy;
use crate::model::Account;

/// How the viewer stands towards one post and its author.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// Someone is signed in (or a remote actor is fetching).
    pub signed_in: bool,
    /// The viewer wrote the post.
    pub is_author: bool,
    /// The author blocks the viewer.
    pub blocked_by_author: bool,
    /// The post mentions the viewer (or, for another node's instance
    /// actor, someone on that node).
    pub mentioned: bool,
    /// The viewer is in the post's followers audience: follows its author,
    /// or is a member of the group it was posted in (for an instance actor,
    /// someone on its node is).
    pub in_audience: bool,
}

/// Whether a post of `visibility` may be seen by a viewer who stands so.
/// Public and unlisted posts: anyone but those the author blocks.
/// Followers-only posts, and every post of a private or approval group
/// (they are followers-only, with the group as the audience): the
/// audience, the people mentioned and the author. Direct posts: the people
/// mentioned and the author.
pub fn may_see(visibility: Visibility, deleted: bool, standing: Standing) -> bool {
    if deleted || (standing.blocked_by_author && !standing.is_author) {
        return false;
    }
    match visibility {
        Visibility::Public | Visibility::Unlisted => true,
        _ if !standing.signed_in => false,
        _ if standing.is_author || standing.mentioned => true,
        Visibility::Direct => false,
        _ => standing.in_audience,
    }
}

/// Whether what a group keeps (its wiki, library, events) may be seen: by
/// anyone, unless the group is private; then by its audience (members,
/// moderators, or another node's instance actor fetching for members
/// there). Its posts follow `may_see`, a private group's being
/// followers-only with the group as their audience.
pub fn may_see_group_content(private: bool, standing: Standing) -> bool {
    !private || (standing.signed_in && standing.in_audience)
}

/// Whether anything of `account` shows at all: not once it is suspended
/// (here, or by its own node). Moderators still see it in reports.
pub fn account_shown(account: &Account) -> bool {
    account.suspended_at.is_none()
}

/// Whether a post shows as sensitive: as its author marked it, and always
/// when it has files and the administrators marked the author's files
/// sensitive.
pub fn shown_sensitive(marked: bool, author: &Account, has_media: bool) -> bool {
    marked || (has_media && author.sensitized_at.is_some())
}

/// Whether posts by `author` belong in the public timelines and streams:
/// not when their domain is silenced or they are limited themselves (they
/// reach only their followers).
pub fn in_public_timelines(policy: &Policy, author: &Account) -> bool {
    let verdict = policy.verdict_for(author.domain.as_deref());
    author.silenced_at.is_none() && matches!(verdict, Verdict::Federate(limits) if !limits.silenced)
}

/// Whether a line by `author` (shared by `booster`, if a boost) shows in
/// what a viewer reads, given the accounts the viewer blocks or mutes.
/// Opening the post itself is `may_see`'s question, not this one.
pub fn shows_in_feeds(hidden: &[i64], author: i64, booster: Option<i64>) -> bool {
    !hidden.contains(&author) && booster.is_none_or(|b| !hidden.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Standing {
        Standing {
            signed_in: true,
            ..Standing::default()
        }
    }

    #[test]
    fn public_posts_are_for_everyone_the_author_does_not_block() {
        for visibility in [Visibility::Public, Visibility::Unlisted] {
            assert!(may_see(visibility, false, Standing::default()));
            assert!(may_see(visibility, false, person()));
            let blocked = Standing {
                blocked_by_author: true,
                ..person()
            };
            assert!(!may_see(visibility, false, blocked));
            assert!(!may_see(visibility, true, person()), "deleted");
        }
    }

    #[test]
    fn followers_only_posts_are_for_the_audience_and_those_mentioned() {
        let private = Visibility::Private;
        assert!(!may_see(private, false, Standing::default()));
        assert!(!may_see(private, false, person()));
        let follower = Standing {
            in_audience: true,
            ..person()
        };
        assert!(may_see(private, false, follower));
        let mentioned = Standing {
            mentioned: true,
            ..person()
        };
        assert!(may_see(private, false, mentioned));
        let author = Standing {
            is_author: true,
            ..person()
        };
        assert!(may_see(private, false, author));
        let blocked_follower = Standing {
            blocked_by_author: true,
            ..follower
        };
        assert!(!may_see(private, false, blocked_follower));
    }

    #[test]
    fn private_group_posts_are_for_members_only() {
        // A post in a private group is followers-only with the group as
        // its audience: a member is in it, anyone else is not.
        let member = Standing {
            in_audience: true,
            ..person()
        };
        assert!(may_see(Visibility::Private, false, member));
        assert!(!may_see(Visibility::Private, false, person()));
        assert!(!may_see(Visibility::Private, false, Standing::default()));
    }

    #[test]
    fn a_private_groups_knowledge_is_for_its_members() {
        assert!(may_see_group_content(false, Standing::default()));
        assert!(!may_see_group_content(true, Standing::default()));
        assert!(!may_see_group_content(true, person()));
        let member = Standing {
            in_audience: true,
            ..person()
        };
        assert!(may_see_group_content(true, member));
    }

    #[test]
    fn direct_posts_are_for_those_mentioned() {
        let follower = Standing {
            in_audience: true,
            ..person()
        };
        assert!(!may_see(Visibility::Direct, false, follower));
        let mentioned = Standing {
            mentioned: true,
            ..person()
        };
        assert!(may_see(Visibility::Direct, false, mentioned));
    }

    #[test]
    fn blocked_and_muted_accounts_stay_out_of_feeds() {
        let hidden = [7, 9];
        assert!(shows_in_feeds(&hidden, 1, None));
        assert!(!shows_in_feeds(&hidden, 7, None), "the author is hidden");
        assert!(
            !shows_in_feeds(&hidden, 1, Some(9)),
            "the booster is hidden"
        );
        assert!(shows_in_feeds(&hidden, 1, Some(2)));
        assert!(shows_in_feeds(&[], 7, Some(9)));
    }

    #[test]
    fn silenced_domains_stay_out_of_public_timelines() {
        use moot_core::domain_rules::{Block, Severity};
        let policy = Policy::from_settings(&moot_core::Settings::defaults());
        let mut account = test_account(Some("quiet.example"));
        assert!(in_public_timelines(&policy, &account));
        policy.replace_rules_for_test(vec![Block {
            domain: "quiet.example".into(),
            severity: Severity::Silence,
            reject_media: false,
            reject_reports: false,
            expires_at: None,
        }]);
        assert!(!in_public_timelines(&policy, &account));
        account.domain = Some("loud.example".into());
        assert!(in_public_timelines(&policy, &account));
        account.domain = None;
        assert!(in_public_timelines(&policy, &account), "local people");
    }

    fn test_account(domain: Option<&str>) -> Account {
        crate::model::test_account(1, "someone", domain)
    }
}
