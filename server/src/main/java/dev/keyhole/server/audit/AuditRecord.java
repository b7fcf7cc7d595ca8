package dev.keyhole.server.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * An event as the trail keeps it: its place in the chain, when, and the hashes that chain it.
 *
 * @param seq        its place in the chain, from 1
 * @param id         random, for links to it
 * @param occurredAt when (milliseconds are kept)
 * @param kind       what happened, by its {@link AuditKind#id}; a kind this version does not know stays as it is
 * @param actor      who
 * @param address    where from; may be empty
 * @param target     which console; null: none
 * @param result     {@code ok} or why not
 * @param detail     more facts, as JSON
 * @param prevHash   the hash of the event before it ({@link AuditChain#GENESIS} before the first)
 * @param hash       its own: {@link AuditChain#hash} of everything above
 */
public record AuditRecord(long seq, String id, Instant occurredAt, String kind, String actor, String address,
        String target, String result, String detail, String prevHash, String hash) {

    /** Checks that nothing is missing. */
    public AuditRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(actor, "actor");
        address = address == null ? "" : address;
        Objects.requireNonNull(result, "result");
        detail = detail == null ? "" : detail;
    }
}
