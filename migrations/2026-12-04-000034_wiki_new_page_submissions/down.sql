DELETE FROM wiki_submissions WHERE page_id IS NULL;
ALTER TABLE wiki_submissions ALTER COLUMN page_id SET NOT NULL;
ALTER TABLE wiki_submissions DROP COLUMN group_id;
