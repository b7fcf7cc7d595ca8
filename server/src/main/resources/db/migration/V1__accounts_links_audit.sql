-- Keyhole's records: who may sign in, how they stay signed in, the links that let a guest join a console, and
-- the audit trail. The same SQL runs on SQLite and PostgreSQL, so it keeps to what both read alike:
--   * identifiers, hashes and sealed values are TEXT (base64url or the hasher's own text form), never binary;
--   * times are BIGINT milliseconds since 1970-01-01T00:00Z (UTC), never a date type;
--   * flags are BOOLEAN (SQLite stores 0 and 1);
--   * ids are made by Keyhole (random), not by the database, which numbers rows differently in each.
-- Tokens (sessions, links, setup links, CSRF) are never stored, only their auth.TokenHash: the SHA-256 of each,
-- in base64url (43 characters).

-- A person who may sign in. The id is random and never reused (a user removed and added again is someone new);
-- it also serves as the user's WebAuthn user handle.
CREATE TABLE users (
    id              TEXT    NOT NULL PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    -- the target-name patterns the user is limited to, comma-separated ('web-*,db-1'); empty: every target
    target_patterns TEXT    NOT NULL DEFAULT '',
    -- the password's Argon2id hash as a PHC string (auth.PasswordHasher); NULL: no password (passkeys only)
    password_hash   TEXT,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT  NOT NULL
);

-- A user's passkeys (WebAuthn credentials).
CREATE TABLE webauthn_credentials (
    credential_id   TEXT    NOT NULL PRIMARY KEY,  -- base64url
    user_id         TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    public_key_cose TEXT    NOT NULL,              -- base64url
    signature_count BIGINT  NOT NULL DEFAULT 0,
    transports      TEXT    NOT NULL DEFAULT '',   -- comma-separated, as the authenticator reported them
    backup_eligible BOOLEAN NOT NULL DEFAULT FALSE,
    backed_up       BOOLEAN NOT NULL DEFAULT FALSE,
    nickname        TEXT    NOT NULL DEFAULT '',
    created_at      BIGINT  NOT NULL,
    last_used_at    BIGINT
);
CREATE INDEX webauthn_credentials_user ON webauthn_credentials (user_id);

-- A user's TOTP (RFC 6238) secret, sealed with a key kept in the data directory, not in the database.
CREATE TABLE totp_secrets (
    user_id          TEXT    NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_encrypted TEXT    NOT NULL,  -- base64url of what auth.SecretBox sealed
    created_at       BIGINT  NOT NULL,
    confirmed_at     BIGINT,            -- NULL until a first code proved the enrolment
    last_used_step   BIGINT,            -- the last time step whose code was accepted: none is accepted twice
    failures         INTEGER NOT NULL DEFAULT 0,  -- wrong codes in a row
    locked_at        BIGINT             -- NULL unless too many wrong codes locked it, until an admin resets it
);

-- A user's single-use recovery codes, hashed.
CREATE TABLE recovery_codes (
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT   NOT NULL,         -- SALT.HASH, as auth.RecoveryCodes writes it
    created_at BIGINT NOT NULL,
    used_at    BIGINT,                  -- NULL while it can still be used
    PRIMARY KEY (user_id, code_hash)
);

-- A signed-in browser. Idle expiry follows from last_seen_at; absolute_expires_at ends it whatever it does.
CREATE TABLE sessions (
    token_hash          TEXT   NOT NULL PRIMARY KEY,
    user_id             TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token_hash     TEXT   NOT NULL,
    created_at          BIGINT NOT NULL,
    last_seen_at        BIGINT NOT NULL,
    absolute_expires_at BIGINT NOT NULL,
    address             TEXT   NOT NULL DEFAULT '',  -- where it signed in from
    user_agent          TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, counted per account name (known or not: unknown names are counted alike) and per address.
CREATE TABLE sign_in_failures (
    scope           TEXT    NOT NULL CHECK (scope IN ('account', 'address')),
    subject         TEXT    NOT NULL,  -- the name as typed (normalised), or the address
    failures        INTEGER NOT NULL,
    last_failure_at BIGINT  NOT NULL,
    blocked_until   BIGINT,            -- NULL: not blocked
    PRIMARY KEY (scope, subject)
);

-- A one-time link that lets someone set an account up in the browser.
CREATE TABLE setup_links (
    token_hash TEXT   NOT NULL PRIMARY KEY,
    -- the user it sets up; NULL: it creates the first admin
    user_id    TEXT   REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT               -- NULL while unused
);

-- A link that lets a guest watch or type into one console until it expires or is revoked. It is bound to the
-- target by name, not to a live console connection.
CREATE TABLE share_links (
    id          TEXT    NOT NULL PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    target      TEXT    NOT NULL,
    mode        TEXT    NOT NULL CHECK (mode IN ('watch', 'type')),
    expires_at  BIGINT  NOT NULL,
    max_devices INTEGER NOT NULL CHECK (max_devices >= 1),
    note        TEXT    NOT NULL DEFAULT '',
    -- removing a user ends the links they made
    created_by  TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT  NOT NULL,
    revoked_at  BIGINT,                    -- NULL unless revoked
    revoked_by  TEXT    REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX share_links_target ON share_links (target);
CREATE INDEX share_links_created_by ON share_links (created_by);

-- A browser that opened a share link: it exchanged the link's token for a cookie of its own.
CREATE TABLE link_devices (
    token_hash   TEXT   NOT NULL PRIMARY KEY,  -- the cookie's
    link_id      TEXT   NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    address      TEXT   NOT NULL DEFAULT '',
    user_agent   TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX link_devices_link ON link_devices (link_id);

-- What happened to consoles, accounts and links: who, which, how, when, with what result. Never what was typed.
-- No foreign keys: the facts outlive the users and links they name.
CREATE TABLE audit_events (
    id          TEXT   NOT NULL PRIMARY KEY,
    occurred_at BIGINT NOT NULL,
    kind        TEXT   NOT NULL,
    actor       TEXT   NOT NULL,              -- a user's name, or a link's fingerprint
    address     TEXT   NOT NULL DEFAULT '',
    target      TEXT,                         -- NULL: no console involved
    result      TEXT   NOT NULL,
    detail      TEXT   NOT NULL DEFAULT ''    -- JSON
);
CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at);
CREATE INDEX audit_events_target ON audit_events (target, occurred_at);
