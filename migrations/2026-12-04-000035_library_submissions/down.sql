DROP TABLE library_submissions;
