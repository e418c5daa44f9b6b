DROP TABLE library_versions;
DROP TABLE library_items;
