-- A user's subscription to notices about consoles: which channel (an email or ntfy channel of the configuration,
-- by its name: channels are configured, not stored, so there is no foreign key), to which address of the user's own
-- (an email address, or a topic on the ntfy channel's server), about which consoles, and which kinds of notice.
-- Whether the user may still see a console is checked each time a notice is sent, never here: a subscription
-- widens nothing. Removing a user removes their subscriptions.
CREATE TABLE subscriptions (
    id         TEXT   NOT NULL PRIMARY KEY,
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel    TEXT   NOT NULL,
    address    TEXT   NOT NULL,
    -- target-name patterns, comma-separated, as users.target_patterns ('web-*,db-1'); empty: every console the
    -- user may see when a notice is sent
    targets    TEXT   NOT NULL DEFAULT '',
    -- notice kinds, comma-separated ('waiting-for-passphrase,resolved'); empty: every kind
    kinds      TEXT   NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX subscriptions_user ON subscriptions (user_id);
