-- The audit trail as a hash chain: each event carries the hash of the one before it, and its own hash covers its
-- fields and that link, so an event edited or deleted in the database breaks the chain where it was
-- (keyhole-server audit verify names it). seq orders the chain from 1; audit_head holds its end, one row, which a
-- writer locks (updating it) so that writers of several processes or Keyhole nodes append one after another.
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_events_seq ON audit_events (seq);
CREATE INDEX audit_events_kind ON audit_events (kind, occurred_at);
CREATE INDEX audit_events_actor ON audit_events (actor, occurred_at);

CREATE TABLE audit_head (
    id   INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    seq  BIGINT  NOT NULL,                 -- the last event's; 0 before the first
    hash TEXT    NOT NULL                  -- the last event's; the genesis value before the first
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, 'genesis');
