DROP TABLE audit_log;
DROP TABLE domain_blocks;
DROP TABLE domain_allows;
DROP TABLE domain_subscriptions;
DROP TABLE federation_state;
