//! A post's typed text as HTML. Plain text is drawn the way Mastodon draws
//! it (apps send plain text): paragraphs, line breaks, and links for web
//! addresses, mentions and hashtags, with every other character kept as
//! typed. Markdown is rendered when the author asks for it, with the same
//! links in its text.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

use super::{escape, sanitize_html, tokens, Token};

/// How a post's text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextFormat {
    #[default]
    Plain,
    Markdown,
}

impl TextFormat {
    /// The format a client names with `content_type` (as GoToSocial and
    /// Akkoma take it), if Moot knows it.
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        match media_type.trim() {
            "text/plain" => Some(Self::Plain),
            "text/markdown" => Some(Self::Markdown),
            _ => None,
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Plain => "text/plain",
            Self::Markdown => "text/markdown",
        }
    }
}

/// Where a post's links lead.
pub struct Links<'a> {
    /// The profile address of each person or group mentioned, by the name
    /// as typed (without `@`). A mention not listed stays text.
    pub mentions: &'a [(String, String)],
    /// The page of a hashtag, given its lower-cased name.
    pub tag_url: &'a dyn Fn(&str) -> String,
}

/// Renders what an author typed, cleaned against the one allow-list.
pub fn render_post(source: &str, format: TextFormat, links: &Links<'_>) -> String {
    let html = match format {
        TextFormat::Plain => plain(source, links),
        TextFormat::Markdown => markdown(source, links),
    };
    sanitize_html(&html)
}

fn plain(source: &str, links: &Links<'_>) -> String {
    let source = source.replace("\r\n", "\n");
    let mut out = String::with_capacity(source.len() * 2);
    let paragraphs = source
        .split("\n\n")
        .map(|p| p.trim_matches('\n'))
        .filter(|p| !p.trim().is_empty());
    for paragraph in paragraphs {
        out.push_str("<p>");
        for (n, line) in paragraph.split('\n').enumerate() {
            if n > 0 {
                out.push_str("<br>");
            }
            push_linked(&mut out, line, links);
        }
        out.push_str("</p>");
    }
    out
}

fn markdown(source: &str, links: &Links<'_>) -> String {
    let parser = Parser::new_ext(
        source,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    );
    // Text is linked outside code and outside links the author made;
    // neighbouring text events are joined first so a name is never split.
    let (mut in_code, mut in_link) = (0, 0);
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut pending = String::new();
    let flush = |pending: &mut String, events: &mut Vec<Event<'_>>, link: bool| {
        if pending.is_empty() {
            return;
        }
        let text = std::mem::take(pending);
        if link {
            let mut linked = String::with_capacity(text.len() * 2);
            push_linked(&mut linked, &text, links);
            events.push(Event::InlineHtml(CowStr::from(linked)));
        } else {
            events.push(Event::Text(CowStr::from(text)));
        }
    };
    for event in parser {
        if let Event::Text(text) = &event {
            pending.push_str(text);
            continue;
        }
        flush(&mut pending, &mut events, in_code == 0 && in_link == 0);
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code -= 1,
            Event::Start(Tag::Link { .. }) => in_link += 1,
            Event::End(TagEnd::Link) => in_link -= 1,
            _ => {}
        }
        events.push(event);
    }
    flush(&mut pending, &mut events, in_code == 0 && in_link == 0);
    let mut out = String::with_capacity(source.len() * 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// Appends `text`, escaped, with its addresses, mentions and hashtags as
/// links in Mastodon's markup (which apps and other servers recognise).
fn push_linked(out: &mut String, text: &str, links: &Links<'_>) {
    for token in tokens(text) {
        match token {
            Token::Text(t) => out.push_str(&escape(t)),
            Token::Url(url) => push_url(out, url),
            Token::Mention(name) => {
                let target = links
                    .mentions
                    .iter()
                    .find(|(typed, _)| typed.eq_ignore_ascii_case(name));
                match target {
                    Some((_, href)) => {
                        let username = name.split('@').next().unwrap_or(name);
                        out.push_str(&format!(
                            "<span class=\"h-card\"><a href=\"{}\" class=\"u-url mention\">@<span>{}</span></a></span>",
                            escape(href),
                            escape(username)
                        ));
                    }
                    None => out.push_str(&escape(&format!("@{name}"))),
                }
            }
            Token::Hashtag(tag) => out.push_str(&format!(
                "<a href=\"{}\" class=\"mention hashtag\">#<span>{}</span></a>",
                escape(&(links.tag_url)(&tag.to_lowercase())),
                escape(tag)
            )),
        }
    }
}

/// Most characters of an address shown; the rest is hidden, as Mastodon
/// shortens long links (the whole address stays the link's target).
const SHOWN_URL_CHARS: usize = 30;

fn push_url(out: &mut String, url: &str) {
    let scheme_len = url.find("://").map_or(0, |i| i + 3);
    let (scheme, rest) = url.split_at(scheme_len);
    out.push_str(&format!(
        "<a href=\"{}\"><span class=\"invisible\">{}</span>",
        escape(url),
        escape(scheme)
    ));
    match rest.char_indices().nth(SHOWN_URL_CHARS) {
        Some((cut, _)) => out.push_str(&format!(
            "<span class=\"ellipsis\">{}</span><span class=\"invisible\">{}</span>",
            escape(&rest[..cut]),
            escape(&rest[cut..])
        )),
        None => out.push_str(&format!("<span>{}</span>", escape(rest))),
    }
    out.push_str("</a>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(source: &str, format: TextFormat) -> String {
        let mentions = [(
            "bob@b.example".to_owned(),
            "https://b.example/@bob".to_owned(),
        )];
        let tag_url = |t: &str| format!("https://a.example/tags/{t}");
        render_post(
            source,
            format,
            &Links {
                mentions: &mentions,
                tag_url: &tag_url,
            },
        )
    }

    #[test]
    fn plain_text_keeps_what_was_typed_and_links_addresses_tags_and_mentions() {
        let html = render(
            "Read https://example.org/report #Housing @bob@b.example 2*3*4\n# agenda\n\n<b>x</b> @nobody",
            TextFormat::Plain,
        );
        assert!(html.contains("2*3*4"), "{html}");
        assert!(html.contains("<br># agenda</p>"), "{html}");
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt; @nobody"), "{html}");
        assert!(
            html.contains("href=\"https://example.org/report\""),
            "{html}"
        );
        assert!(
            html.contains(
                "<span class=\"invisible\">https://</span><span>example.org/report</span>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"https://a.example/tags/housing\" class=\"mention hashtag\" rel=\"nofollow noopener noreferrer\">#<span>Housing</span></a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"https://b.example/@bob\" class=\"u-url mention\" rel=\"nofollow noopener noreferrer\">@<span>bob</span></a>"),
            "{html}"
        );
        assert_eq!(html.matches("<a ").count(), 3, "{html}");
        assert_eq!(html.matches("<p>").count(), 2, "{html}");
    }

    #[test]
    fn long_addresses_are_shortened_for_show_only() {
        let url = "https://example.org/a/very/long/path/to/a/council/report.pdf";
        let html = render(url, TextFormat::Plain);
        assert!(html.contains(&format!("href=\"{url}\"")), "{html}");
        assert!(html.contains("class=\"ellipsis\""), "{html}");
    }

    #[test]
    fn markdown_is_rendered_with_the_same_links_but_not_in_code() {
        let html = render(
            "# Agenda\n\n*one* #Housing and `@bob@b.example` [site](https://x.example/@bob@b.example)\n\n```\n#notatag\n```",
            TextFormat::Markdown,
        );
        assert!(html.contains("<h1>Agenda</h1>"), "{html}");
        assert!(html.contains("<em>one</em>"), "{html}");
        assert!(html.contains("class=\"mention hashtag\""), "{html}");
        assert!(!html.contains("u-url mention"), "{html}");
        assert!(html.contains("#notatag"), "{html}");
        assert_eq!(html.matches("<a ").count(), 2, "{html}");
    }
}
