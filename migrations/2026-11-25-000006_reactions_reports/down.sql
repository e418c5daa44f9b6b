DROP TABLE reports;
DROP TABLE reblogs;
DROP TABLE reactions;
