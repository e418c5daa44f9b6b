DROP TABLE users;
DROP TABLE accounts;
