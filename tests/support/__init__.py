"""What the tests share: constants, helpers and the servers they run on 127.0.0.1."""
