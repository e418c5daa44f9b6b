-- Every actor signs with an RSA key pair. Local people keep their private
-- key here; remote actors only have the public key they published.
ALTER TABLE accounts
    ADD COLUMN public_key_pem TEXT NOT NULL DEFAULT '',
    ADD COLUMN private_key_pem TEXT;

-- This node's own settings that live in the database, one row. The instance
-- actor (who signs fetches on the node's behalf) keeps its keys here.
CREATE TABLE site (
    id INT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    public_key_pem TEXT NOT NULL,
    private_key_pem TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
