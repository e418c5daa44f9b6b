-- A member of a remote group can propose a new page as well as an edit:
-- such a submission has no page here yet, only the group it is for.
ALTER TABLE wiki_submissions ADD COLUMN group_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE;
UPDATE wiki_submissions s SET group_id = p.group_id FROM wiki_pages p WHERE p.id = s.page_id;
ALTER TABLE wiki_submissions ALTER COLUMN group_id SET NOT NULL;
ALTER TABLE wiki_submissions ALTER COLUMN page_id DROP NOT NULL;
