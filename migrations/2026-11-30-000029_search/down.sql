DROP FUNCTION escaped(TEXT);
DROP INDEX events_search_idx;
DROP INDEX library_items_search_idx;
DROP INDEX wiki_pages_search_idx;
DROP INDEX statuses_search_idx;
