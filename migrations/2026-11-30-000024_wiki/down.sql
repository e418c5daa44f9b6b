DROP TABLE wiki_submissions;
DROP TABLE wiki_editors;
DROP TABLE wiki_revisions;
DROP TABLE wiki_pages;
ALTER TABLE groups DROP COLUMN wiki_edit_policy;
