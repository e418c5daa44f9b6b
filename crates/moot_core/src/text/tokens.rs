//! The one reading of what a person typed: where the web addresses,
//! `@mentions` and `#hashtags` are. Finding mentions to notify, tags to
//! index and links to draw all go through [`tokens`], so they agree.

/// A piece of typed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    Text(&'a str),
    /// An `http(s)://` address, trailing punctuation left out.
    Url(&'a str),
    /// `name` or `name@host`, without the `@`.
    Mention(&'a str),
    /// A tag as typed (case kept), without the `#`.
    Hashtag(&'a str),
}

/// Splits `text` into plain runs and the addresses, mentions and hashtags
/// in it. Joining the pieces' text gives `text` back.
pub fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let (mut plain_from, mut at) = (0, 0);
    while at < text.len() {
        let before = text[..at].chars().next_back();
        let found = url_at(text, at, before)
            .map(|end| (end, Token::Url(&text[at..end])))
            .or_else(|| {
                mention_at(text, at, before).map(|end| (end, Token::Mention(&text[at + 1..end])))
            })
            .or_else(|| {
                hashtag_at(text, at, before).map(|end| (end, Token::Hashtag(&text[at + 1..end])))
            });
        match found {
            Some((end, token)) => {
                if plain_from < at {
                    out.push(Token::Text(&text[plain_from..at]));
                }
                out.push(token);
                (plain_from, at) = (end, end);
            }
            None => at += text[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    if plain_from < text.len() {
        out.push(Token::Text(&text[plain_from..]));
    }
    out
}

/// Where an address starting at `at` ends. It must start a word; it stops
/// at a space or quote, and leaves out punctuation that ends the sentence
/// (a closing bracket only when it has no opening one inside).
fn url_at(text: &str, at: usize, before: Option<char>) -> Option<usize> {
    if before.is_some_and(|c| c.is_alphanumeric() || c == '/') {
        return None;
    }
    let rest = &text[at..];
    let scheme = ["https://", "http://"].into_iter().find(|s| {
        rest.as_bytes()
            .get(..s.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(s.as_bytes()))
    })?;
    let len = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
        .unwrap_or(rest.len());
    let mut candidate = &rest[..len];
    loop {
        let trimmed = candidate.trim_end_matches(['.', ',', ':', ';', '!', '?', '\'']);
        let unbalanced =
            trimmed.ends_with(')') && trimmed.matches('(').count() < trimmed.matches(')').count();
        candidate = if unbalanced {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if !unbalanced {
            break;
        }
    }
    (candidate.len() > scheme.len()).then_some(at + candidate.len())
}

/// Where a mention starting at `at` ends: `@name` or `@name@host`, starting
/// a word (so an email address is not one).
fn mention_at(text: &str, at: usize, before: Option<char>) -> Option<usize> {
    if !text[at..].starts_with('@') || before.is_some_and(|c| c.is_alphanumeric() || c == '@') {
        return None;
    }
    let rest = &text[at + 1..];
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '.' | '-' | ':')))
        .unwrap_or(rest.len());
    let candidate = rest[..len].trim_end_matches(['.', ':', '-', '@']);
    let name = candidate.split('@').next().unwrap_or_default();
    let host = candidate.split('@').nth(1);
    let good_name =
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let good_host = host.is_none_or(|h| !h.is_empty()) && candidate.split('@').count() <= 2;
    (good_name && good_host).then_some(at + 1 + candidate.len())
}

/// Where a hashtag starting at `at` ends: letters, digits and `_`, not
/// digits alone, starting a word (not `&#39;`).
fn hashtag_at(text: &str, at: usize, before: Option<char>) -> Option<usize> {
    if !text[at..].starts_with('#') || before.is_some_and(|c| c.is_alphanumeric() || c == '&') {
        return None;
    }
    let rest = &text[at + 1..];
    let len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let tag = &rest[..len];
    (!tag.is_empty() && !tag.chars().all(|c| c.is_ascii_digit())).then_some(at + 1 + len)
}

#[cfg(test)]
mod tests {
    use super::{tokens, Token::*};

    #[test]
    fn finds_addresses_mentions_and_tags_and_keeps_the_rest() {
        let text = "Read https://example.org/report. #Housing @bob@b.example 2*3*4 (see https://x.example/a_(b)) mail a@b.org";
        let found = tokens(text);
        assert_eq!(
            found,
            vec![
                Text("Read "),
                Url("https://example.org/report"),
                Text(". "),
                Hashtag("Housing"),
                Text(" "),
                Mention("bob@b.example"),
                Text(" 2*3*4 (see "),
                Url("https://x.example/a_(b)"),
                Text(") mail a@b.org"),
            ]
        );
        let joined: String = found
            .iter()
            .map(|t| match t {
                Text(s) | Url(s) => s.to_string(),
                Mention(s) => format!("@{s}"),
                Hashtag(s) => format!("#{s}"),
            })
            .collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn an_address_owns_its_hash_and_at_signs() {
        assert_eq!(
            tokens("https://x.example/@jo#top"),
            vec![Url("https://x.example/@jo#top")]
        );
        assert_eq!(
            tokens("http:// and #1 and @ and &#39;"),
            vec![Text("http:// and #1 and @ and &#39;")]
        );
    }
}
