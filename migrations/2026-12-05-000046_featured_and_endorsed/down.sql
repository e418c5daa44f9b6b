DROP TABLE account_endorsements;
DROP TABLE featured_tags;
