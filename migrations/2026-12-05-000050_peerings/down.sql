DROP TABLE peer_directory;
DROP TABLE peerings;
