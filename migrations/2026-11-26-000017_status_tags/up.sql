-- The hashtags of each post, local or remote, for tag timelines and for
-- showing them on posts. Kept by the application on create and edit.
CREATE TABLE status_tags (
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (status_id, tag)
);
CREATE INDEX status_tags_tag_idx ON status_tags (tag, status_id DESC);

-- Earlier local posts: their Markdown source names their tags.
INSERT INTO status_tags (status_id, tag)
SELECT DISTINCT s.id, lower(m[1])
  FROM statuses s,
       regexp_matches(s.source, '(?:^|[^[:alnum:]&])#([[:alnum:]_]*[[:alpha:]_][[:alnum:]_]*)', 'g') AS m
 WHERE s.source IS NOT NULL;
