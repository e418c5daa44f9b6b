DROP TABLE status_tags;
