-- Full-text search over what the node keeps (English stemming): posts,
-- wiki pages, library items and events. Each index's expression is the one
-- moot_db::search matches against; a title weighs more than a body, and a
-- curated page or file more than a passing post.
CREATE INDEX statuses_search_idx ON statuses
    USING gin (to_tsvector('english', regexp_replace(content, '<[^>]*>', ' ', 'g')))
    WHERE deleted_at IS NULL;
CREATE INDEX wiki_pages_search_idx ON wiki_pages
    USING gin ((setweight(to_tsvector('english', title), 'A')
                || setweight(to_tsvector('english', body), 'B')));
CREATE INDEX library_items_search_idx ON library_items
    USING gin ((setweight(to_tsvector('english', title), 'A')
                || setweight(to_tsvector('english', description || ' ' || folder), 'B')))
    WHERE deleted_at IS NULL;
CREATE INDEX events_search_idx ON events
    USING gin ((setweight(to_tsvector('english', title), 'A')
                || setweight(to_tsvector('english', regexp_replace(description_html, '<[^>]*>', ' ', 'g')), 'B')))
    WHERE deleted_at IS NULL;

-- Plain text made safe to show as HTML (search excerpts of pages and files).
CREATE FUNCTION escaped(t TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN replace(replace(replace(t, '&', '&amp;'), '<', '&lt;'), '>', '&gt;');
