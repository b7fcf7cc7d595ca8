-- A passkey ceremony under way: the options (with their challenge) Keyhole sent to a browser for
-- navigator.credentials.create or .get, kept until the browser answers, for a few minutes at most, and spent by the
-- answer whatever it was (a challenge signs once). Kept here rather than in one node's memory, so that any node
-- sharing the database can finish a ceremony another began, and a restart loses none; rather than sealed into a
-- cookie, so that each is spent once: a sealed cookie could be replayed until it expired, and a passkey whose
-- signature counter stays 0 (most phones') would not tell a replay from a new sign-in.
CREATE TABLE passkey_ceremonies (
    id_hash      TEXT   NOT NULL PRIMARY KEY,  -- auth.TokenHash of the ceremony's id, which only its browser holds
    kind         TEXT   NOT NULL CHECK (kind IN ('register', 'sign-in', 'second-factor')),
    -- the hash of the token of the session that began it (registering, or proving a second factor): only that
    -- session can finish it; NULL for a passkey sign-in, which begins without a session
    session_hash TEXT,
    address      TEXT   NOT NULL DEFAULT '',   -- where its browser asked from: a few minutes' worth each, at most
    request      TEXT   NOT NULL,              -- the options as sent, in the WebAuthn library's JSON
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX passkey_ceremonies_expires_at ON passkey_ceremonies (expires_at);
CREATE INDEX passkey_ceremonies_address ON passkey_ceremonies (address);
