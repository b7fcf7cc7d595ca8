-- Whether a share link's guests may switch the console's keyboard stage (which reconnects it for everyone), as an
-- operator does; FALSE: they type in the stage the console is in.
ALTER TABLE share_links ADD COLUMN stages BOOLEAN NOT NULL DEFAULT FALSE;

-- The account a browser opened a link with, when links need one (links.require-account); NULL: no account. The
-- device's cookie then works only beside a session of that user.
ALTER TABLE link_devices ADD COLUMN user_id TEXT REFERENCES users (id) ON DELETE CASCADE;
