//! Post content: Markdown from local authors rendered to HTML, and every
//! piece of HTML, local or remote, cleaned against one allow-list.

use std::collections::HashSet;
use std::sync::OnceLock;

use ammonia::Builder;
use pulldown_cmark::{html, Options, Parser};

mod posts;
mod tokens;

pub use posts::{render_post, Links, TextFormat};
pub use tokens::{tokens, Token};

/// The one HTML allow-list: text structure, links and the classes that
/// Mastodon-family servers use for mentions and hashtags. No images, styles,
/// scripts or event handlers; links open safely.
fn cleaner() -> &'static Builder<'static> {
    static CLEANER: OnceLock<Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let tags: HashSet<&str> = [
            "p",
            "br",
            "a",
            "span",
            "strong",
            "b",
            "em",
            "i",
            "u",
            "s",
            "del",
            "code",
            "pre",
            "blockquote",
            "ul",
            "ol",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr",
            "sup",
            "sub",
        ]
        .into_iter()
        .collect();
        let mut builder = Builder::default();
        builder
            .tags(tags)
            .tag_attributes(
                // `class` is governed by allowed_classes below.
                [("a", ["href"].into_iter().collect())]
                    .into_iter()
                    .collect(),
            )
            .allowed_classes(
                [
                    (
                        "a",
                        ["mention", "hashtag", "u-url", "h-card"]
                            .into_iter()
                            .collect(),
                    ),
                    (
                        "span",
                        ["h-card", "invisible", "ellipsis"].into_iter().collect(),
                    ),
                ]
                .into_iter()
                .collect(),
            )
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some("nofollow noopener noreferrer"))
            .strip_comments(true);
        builder
    })
}

/// Removes everything not on the allow-list.
pub fn sanitize_html(html: &str) -> String {
    cleaner().clean(html).to_string()
}

/// Renders a local author's Markdown (raw HTML in it is cleaned too).
pub fn render_markdown(source: &str) -> String {
    let parser = Parser::new_ext(
        source,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    );
    let mut out = String::with_capacity(source.len() * 2);
    html::push_html(&mut out, parser);
    sanitize_html(&out)
}

/// Escapes text for inclusion in HTML element content or quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_glance_reads_paragraphs_and_entities_and_cuts_long_text() {
        let html =
            "<p>Rents &amp; repairs</p><p>see <a href=\"https://x.example\">x</a> &lt;now&gt;</p>";
        assert_eq!(super::glance(html, 140), "Rents & repairs see x <now>");
        assert_eq!(super::glance("<p>ééééé</p>", 3), "ééé…");
    }

    use super::*;

    #[test]
    fn markdown_renders_and_stays_safe() {
        let html = render_markdown(
            "**bold** and [a link](https://x.example)\n\n<script>alert(1)</script>",
        );
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("href=\"https://x.example\""), "{html}");
        assert!(
            html.contains("rel=\"nofollow noopener noreferrer\""),
            "{html}"
        );
        assert!(!html.contains("<script"), "{html}");
    }

    #[test]
    fn hostile_html_is_cleaned() {
        let dirty = r#"<p onclick="x()">hi <img src=x onerror=alert(1)><a href="javascript:alert(1)">j</a>
            <a class="mention evil" href="https://a.example/@jo">@jo</a><style>p{}</style><iframe src="https://x"></iframe></p>"#;
        let clean = sanitize_html(dirty);
        for bad in [
            "onclick",
            "<img",
            "javascript:",
            "<style",
            "<iframe",
            "evil",
        ] {
            assert!(!clean.contains(bad), "{bad} in {clean}");
        }
        assert!(clean.contains("class=\"mention\""), "{clean}");
    }
}

/// The `@name` and `@name@host` mentions in a local author's text, in order,
/// without the leading `@`.
pub fn mentions(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for token in tokens(text) {
        if let Token::Mention(m) = token {
            if !found.iter().any(|f| f == m) {
                found.push(m.to_owned());
            }
        }
    }
    found
}

/// Most characters in a post's title.
const MOST_TITLE_CHARS: usize = 100;

/// A title for a post made in a group (Lemmy and PieFed list a community's
/// posts by title): the first line of what the author typed, without the
/// mention of the group, shortened at a word to 100 characters.
pub fn subject_line(source: &str, group_username: &str) -> String {
    let mut text = String::with_capacity(source.len());
    for token in tokens(source) {
        match token {
            Token::Mention(m)
                if m.split('@')
                    .next()
                    .is_some_and(|name| name.eq_ignore_ascii_case(group_username)) => {}
            Token::Text(t) | Token::Url(t) => text.push_str(t),
            Token::Mention(m) => {
                text.push('@');
                text.push_str(m);
            }
            Token::Hashtag(t) => {
                text.push('#');
                text.push_str(t);
            }
        }
    }
    let line = text
        .lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(MOST_TITLE_CHARS) {
        None => line,
        Some((cut, _)) => {
            let short = &line[..cut];
            let at_word = short.rfind(' ').map_or(short, |space| &short[..space]);
            format!("{}…", at_word.trim_end_matches([',', '.', ';', ':']))
        }
    }
}

/// The text of sanitized HTML, markup removed (entities stay escaped).
pub fn plain_text(html: &str) -> String {
    // Made once: a builder costs more to make than a short post to clean.
    static TEXT_ONLY: OnceLock<Builder<'static>> = OnceLock::new();
    TEXT_ONLY
        .get_or_init(Builder::empty)
        .clean(html)
        .to_string()
}

/// A post's HTML as words for a place that shows no markup (a phone's
/// notification): paragraphs and line breaks become spaces, entities are
/// read back, and the result is cut at `most` characters with `…`.
pub fn glance(html: &str, most: usize) -> String {
    let spaced = html
        .replace("</p>", " ")
        .replace("<br>", " ")
        .replace("<br/>", " ")
        .replace("<br />", " ");
    let text = plain_text(&spaced)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(most) {
        None => text,
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
    }
}

/// The `#hashtags` in a local author's text, lower-cased, without `#`.
pub fn hashtags(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for token in tokens(text) {
        if let Token::Hashtag(tag) = token {
            let tag = tag.to_lowercase();
            if !found.contains(&tag) {
                found.push(tag);
            }
        }
    }
    found
}

#[cfg(test)]
mod mention_tests {
    #[test]
    fn finds_mentions_not_emails() {
        assert_eq!(
            super::mentions("Hi @jo and @housing@moot.example:8080, mail me at a@b.org. @jo"),
            vec!["jo".to_owned(), "housing@moot.example:8080".to_owned()]
        );
    }

    #[test]
    fn a_group_post_is_titled_by_its_first_line_without_the_group() {
        assert_eq!(
            super::subject_line("@housing@a.example Damp checklist\n\nThe rest", "housing"),
            "Damp checklist"
        );
        assert_eq!(
            super::subject_line("\n# Agenda for @jo #Thursday @Housing", "housing"),
            "Agenda for @jo #Thursday"
        );
        let long = super::subject_line(&"word ".repeat(40), "housing");
        assert!(
            long.ends_with("word…") && long.chars().count() <= 101,
            "{long}"
        );
    }

    #[test]
    fn finds_hashtags() {
        assert_eq!(
            super::hashtags(
                "#Housing tips for #housing and #SEND_review, not a#b or #123 or &#39;"
            ),
            vec!["housing".to_owned(), "send_review".to_owned()]
        );
    }
}
