DROP TABLE statuses;
