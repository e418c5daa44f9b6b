DROP TABLE site;
ALTER TABLE accounts DROP COLUMN public_key_pem, DROP COLUMN private_key_pem;
