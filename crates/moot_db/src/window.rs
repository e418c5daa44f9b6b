//! Which part of a list ordered by id a client asks for, as the Mastodon
//! client API pages lists: older than `max_id`, newer than `since_id` (the
//! newest of those), or newer than `min_id` (the ones right after it, as a
//! client filling a gap reads them). A page is always shown newest first.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub min_id: Option<i64>,
    pub limit: i64,
}

impl Window {
    /// The `limit` items older than `max_id` (the newest, without it).
    pub fn below(max_id: Option<i64>, limit: i64) -> Window {
        Window {
            max_id,
            since_id: None,
            min_id: None,
            limit,
        }
    }

    /// Items have ids below this.
    pub fn upper(&self) -> i64 {
        self.max_id.unwrap_or(i64::MAX)
    }

    /// Items have ids above this (ids start at 1).
    pub fn lower(&self) -> i64 {
        self.min_id.or(self.since_id).unwrap_or(0)
    }

    /// Whether the window is read from its oldest item up (`min_id`).
    pub fn oldest_first(&self) -> bool {
        self.min_id.is_some()
    }

    /// The order, in SQL, to read the window's items by id in.
    pub fn order(&self) -> &'static str {
        match self.oldest_first() {
            true => "ASC",
            false => "DESC",
        }
    }

    /// Items read in `order()`, newest first.
    pub fn newest_first<T>(&self, mut items: Vec<T>) -> Vec<T> {
        if self.oldest_first() {
            items.reverse();
        }
        items
    }

    /// The window going on past `last`, the last item read (in `order()`).
    pub fn past(&self, last: i64) -> Window {
        match self.oldest_first() {
            true => Window {
                min_id: Some(last),
                ..*self
            },
            false => Window {
                max_id: Some(last),
                ..*self
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_id_reads_up_from_it_and_wins_over_since_id() {
        let window = Window {
            max_id: None,
            since_id: Some(3),
            min_id: Some(10),
            limit: 2,
        };
        assert_eq!((window.lower(), window.upper()), (10, i64::MAX));
        assert_eq!(window.order(), "ASC");
        assert_eq!(window.newest_first(vec![11, 12]), vec![12, 11]);
        assert_eq!(window.past(12).min_id, Some(12));
    }

    #[test]
    fn max_id_and_since_id_read_down() {
        let window = Window {
            max_id: Some(50),
            since_id: Some(3),
            min_id: None,
            limit: 20,
        };
        assert_eq!((window.lower(), window.upper()), (3, 50));
        assert_eq!(window.order(), "DESC");
        assert_eq!(window.newest_first(vec![49, 48]), vec![49, 48]);
        assert_eq!(window.past(48).max_id, Some(48));
        assert_eq!(Window::below(None, 20).lower(), 0);
    }
}
