//! Reading HTML without rendering it: the links in a post's HTML, and what
//! a linked web page says about itself (OpenGraph tags, else its `<title>`
//! and description) for a preview card. Read with html5ever's tokenizer, as
//! a browser reads it, so odd markup cannot mislead a hand-made scanner.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// What a page says about itself.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PageSummary {
    pub title: String,
    pub description: String,
    /// Its picture, as written in the page (maybe relative).
    pub image: Option<String>,
    pub site_name: String,
}

/// A link in HTML: its target and its classes.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub href: String,
    pub class: String,
}

#[derive(Default)]
struct Reading {
    summary: PageSummary,
    og_title: Option<String>,
    og_description: Option<String>,
    in_title: bool,
    links: Vec<Link>,
}

struct Sink(RefCell<Reading>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut reading = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let attr = |name: &str| {
                    tag.attrs
                        .iter()
                        .find(|a| &*a.name.local == name)
                        .map(|a| a.value.to_string())
                };
                match (tag.kind, &*tag.name) {
                    (TagKind::StartTag, "title") => reading.in_title = true,
                    (TagKind::EndTag, "title") => reading.in_title = false,
                    (TagKind::StartTag, "a") => {
                        if let Some(href) = attr("href") {
                            let class = attr("class").unwrap_or_default();
                            reading.links.push(Link { href, class });
                        }
                    }
                    (TagKind::StartTag, "meta") => {
                        let key = attr("property").or_else(|| attr("name"));
                        let content = attr("content").unwrap_or_default();
                        match key.as_deref().map(str::to_ascii_lowercase).as_deref() {
                            Some("og:title") => reading.og_title = Some(content),
                            Some("og:description") => reading.og_description = Some(content),
                            Some("description") if reading.summary.description.is_empty() => {
                                reading.summary.description = content
                            }
                            Some("og:image" | "og:image:url")
                                if reading.summary.image.is_none() =>
                            {
                                reading.summary.image = Some(content)
                            }
                            Some("og:site_name") => reading.summary.site_name = content,
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
            Token::CharacterTokens(text) if reading.in_title => {
                reading.summary.title.push_str(&text);
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn read(html: &str) -> Reading {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(
        Sink(RefCell::new(Reading::default())),
        TokenizerOpts::default(),
    );
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

/// Most characters kept of a title or description.
const MOST_CHARS: usize = 400;

fn tidy(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MOST_CHARS)
        .collect()
}

/// What a page says about itself: OpenGraph first, then `<title>` and the
/// description meta tag.
pub fn summary(html: &str) -> PageSummary {
    let reading = read(html);
    let mut summary = reading.summary;
    summary.title = tidy(reading.og_title.as_deref().unwrap_or(&summary.title));
    summary.description = tidy(
        reading
            .og_description
            .as_deref()
            .unwrap_or(&summary.description),
    );
    summary.site_name = tidy(&summary.site_name);
    summary
}

/// The links in a piece of HTML, in order.
pub fn links(html: &str) -> Vec<Link> {
    read(html).links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opengraph_is_read_first_then_the_title() {
        let page = r#"<!doctype html><html><head><title> Gritting
            routes </title><meta name="description" content="Plain description">
            <meta property="og:title" content="Winter gritting routes">
            <meta property="og:image" content="/pictures/map.png">
            <meta property="og:site_name" content="Council B"></head><body><p>x</p></body></html>"#;
        let found = summary(page);
        assert_eq!(found.title, "Winter gritting routes");
        assert_eq!(found.description, "Plain description");
        assert_eq!(found.image.as_deref(), Some("/pictures/map.png"));
        assert_eq!(found.site_name, "Council B");
        let plain = summary("<title>Just &amp; a title</title>");
        assert_eq!(plain.title, "Just & a title");
    }

    #[test]
    fn links_keep_their_classes() {
        let found = links(
            r#"<p><a href="https://x.example/@jo" class="u-url mention">@jo</a> <a href="https://a.example/report">report</a></p>"#,
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].class, "u-url mention");
        assert_eq!(found[1].href, "https://a.example/report");
    }
}
