-- Which second factor a session has proven: 'totp', 'recovery-code', 'passkey' or 'link' (a one-time sign-in link,
-- which an admin handed over out of band); NULL: none yet. A session whose user's role needs a second factor
-- reaches nothing but the sign-in steps until it has one.
ALTER TABLE sessions ADD COLUMN second_factor TEXT;
