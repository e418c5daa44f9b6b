DROP TABLE list_accounts; DROP TABLE lists;
