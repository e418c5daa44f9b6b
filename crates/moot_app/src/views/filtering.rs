//! A person's filters (Mastodon's filters v2) applied to what they read:
//! the one place the rule runs, for timelines, threads, notifications and
//! streams alike. A post a `hide` filter covers in the context is left out;
//! one a `warn` (or `blur`) filter covers carries the match, for the client
//! to show behind a warning.

use crate::model::{Account, FullFilter};
use crate::views::posts::{EntryView, PostView};
use crate::{AppError, Context};

/// Where something is read, as filters name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterContext {
    Home,
    Notifications,
    Public,
    Thread,
    Account,
}

impl FilterContext {
    pub fn as_str(self) -> &'static str {
        match self {
            FilterContext::Home => "home",
            FilterContext::Notifications => "notifications",
            FilterContext::Public => "public",
            FilterContext::Thread => "thread",
            FilterContext::Account => "account",
        }
    }
}

/// One filter a post matched, and how.
#[derive(Debug, Clone)]
pub struct FilterMatch {
    pub filter: FullFilter,
    /// The keywords found in the post's text.
    pub keywords: Vec<String>,
    /// Whether the filter names the post itself.
    pub by_post: bool,
}

/// What the filters say of one post.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// Shown, with the warnings (none, if no filter matched).
    Show(Vec<FilterMatch>),
    Hide,
}

/// The filters of one person that apply in one context.
#[derive(Debug, Clone, Default)]
pub struct ActiveFilters(Vec<FullFilter>);

impl ActiveFilters {
    /// Those of `filters` (already limited to unexpired ones) for `context`.
    pub fn new(filters: Vec<FullFilter>, context: FilterContext) -> Self {
        ActiveFilters(
            filters
                .into_iter()
                .filter(|f| f.filter.context.iter().any(|c| c == context.as_str()))
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The verdict on a post: its id, its content warning and its HTML.
    pub fn verdict(&self, status_id: i64, spoiler_text: &str, content: &str) -> Verdict {
        if self.0.is_empty() {
            return Verdict::Show(Vec::new());
        }
        let text = format!("{spoiler_text} {}", moot_core::text::plain_text(content));
        let mut found = Vec::new();
        for filter in &self.0 {
            let (keywords, by_post) = crate::filters::matches(filter, status_id, &text);
            if keywords.is_empty() && !by_post {
                continue;
            }
            if filter.filter.action == "hide" {
                return Verdict::Hide;
            }
            found.push(FilterMatch {
                filter: filter.clone(),
                keywords,
                by_post,
            });
        }
        Verdict::Show(found)
    }

    /// `post` with its warnings, or None when it is hidden.
    pub fn post(&self, mut post: PostView) -> Option<PostView> {
        let status = &post.status;
        match self.verdict(status.id, &status.spoiler_text, &status.content) {
            Verdict::Hide => None,
            Verdict::Show(found) => {
                post.filtered = found;
                Some(post)
            }
        }
    }

    /// `entries` without those hidden, the others with their warnings (a
    /// boost is judged by the post it shares).
    pub fn entries(&self, entries: Vec<EntryView>) -> Vec<EntryView> {
        entries
            .into_iter()
            .filter_map(|mut entry| {
                entry.post = self.post(entry.post)?;
                Some(entry)
            })
            .collect()
    }

    /// `posts` without those hidden, the others with their warnings.
    pub fn posts(&self, posts: Vec<PostView>) -> Vec<PostView> {
        posts.into_iter().filter_map(|p| self.post(p)).collect()
    }
}

/// `viewer`'s unexpired filters for `context` (none for a signed-out
/// reader).
pub async fn active(
    ctx: &Context,
    viewer: Option<&Account>,
    context: FilterContext,
) -> Result<ActiveFilters, AppError> {
    let Some(viewer) = viewer else {
        return Ok(ActiveFilters::default());
    };
    let mut conn = ctx.db.conn().await?;
    let filters = moot_db::filters::of(&mut conn, viewer.id, true).await?;
    Ok(ActiveFilters::new(filters, context))
}

#[cfg(test)]
mod tests {
    use super::*;
    use moot_db::filters::{Filter, FilteredStatus, Keyword};

    fn filter(
        id: i64,
        action: &str,
        context: &[&str],
        keyword: &str,
        post: Option<i64>,
    ) -> FullFilter {
        FullFilter {
            filter: Filter {
                id,
                account_id: 1,
                title: format!("filter {id}"),
                context: context.iter().map(|c| c.to_string()).collect(),
                action: action.into(),
                expires_at: None,
            },
            keywords: vec![Keyword {
                id,
                filter_id: id,
                keyword: keyword.into(),
                whole_word: true,
            }],
            statuses: post
                .map(|status_id| FilteredStatus {
                    id,
                    filter_id: id,
                    status_id,
                })
                .into_iter()
                .collect(),
        }
    }

    fn warned(verdict: Verdict) -> Vec<(String, Vec<String>, bool)> {
        match verdict {
            Verdict::Hide => panic!("hidden"),
            Verdict::Show(found) => found
                .into_iter()
                .map(|m| (m.filter.filter.title, m.keywords, m.by_post))
                .collect(),
        }
    }

    #[test]
    fn hide_leaves_a_post_out_and_warn_marks_it() {
        let filters = ActiveFilters::new(
            vec![
                filter(1, "hide", &["home"], "cup final", None),
                filter(2, "warn", &["home"], "budget", None),
            ],
            FilterContext::Home,
        );
        assert!(matches!(
            filters.verdict(10, "", "<p>Spoilers for the cup final</p>"),
            Verdict::Hide
        ));
        let found = warned(filters.verdict(11, "", "<p>Budget overrun</p>"));
        assert_eq!(
            found,
            vec![("filter 2".into(), vec!["budget".into()], false)]
        );
        assert!(
            warned(filters.verdict(12, "", "<p>Budgetary note</p>")).is_empty(),
            "whole words"
        );
        // A content warning is read too.
        assert_eq!(warned(filters.verdict(13, "budget", "<p>…</p>")).len(), 1);
    }

    #[test]
    fn filters_keep_to_their_contexts() {
        let all = vec![filter(1, "hide", &["home"], "cup final", None)];
        let public = ActiveFilters::new(all.clone(), FilterContext::Public);
        assert!(public.is_empty());
        assert!(warned(public.verdict(10, "", "the cup final")).is_empty());
        let thread = ActiveFilters::new(all, FilterContext::Thread);
        assert!(thread.is_empty());
    }

    #[test]
    fn a_filter_can_name_a_post() {
        let filters = ActiveFilters::new(
            vec![filter(
                3,
                "warn",
                &["home", "public"],
                "unrelated",
                Some(42),
            )],
            FilterContext::Public,
        );
        let found = warned(filters.verdict(42, "", "<p>Nothing to see</p>"));
        assert_eq!(found, vec![("filter 3".into(), vec![], true)]);
        assert!(warned(filters.verdict(43, "", "<p>Nothing to see</p>")).is_empty());
    }
}
