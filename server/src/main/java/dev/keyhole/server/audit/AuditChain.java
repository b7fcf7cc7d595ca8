package dev.keyhole.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit trail's hash chain. An event's hash is the SHA-256 of its fields and of the hash of the event before
 * it, written as one JSON object in a fixed order; so changing any field of an event, or removing one, breaks the
 * chain at that event, and verifying names it. Retention deletes the oldest events and records, in its own event,
 * through which event it deleted and that event's hash: the chain then starts there.
 */
public final class AuditChain {

    /** The hash "before" the first event. */
    public static final String GENESIS = "genesis";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditChain() {
    }

    /** @return the hash of an event: of every field but the hash itself, its predecessor's hash included */
    public static String hash(AuditRecord event) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("seq", event.seq());
        fields.put("id", event.id());
        fields.put("occurredAt", event.occurredAt().toEpochMilli());
        fields.put("kind", event.kind());
        fields.put("actor", event.actor());
        fields.put("address", event.address());
        fields.put("target", event.target());
        fields.put("result", event.result());
        fields.put("detail", event.detail());
        fields.put("prevHash", event.prevHash());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(JSON.writeValueAsString(fields).getBytes(StandardCharsets.UTF_8)));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 of a JSON object cannot fail", e);
        }
    }

    /**
     * Where a chain is broken.
     *
     * @param seq the first event that does not fit (for missing newest events: the last one there)
     * @param id  its id; null when the event is missing
     * @param why what is wrong, in a sentence
     */
    public record Break(long seq, String id, String why) {
        @Override
        public String toString() {
            return "event #" + seq + (id == null ? "" : " (" + id + ")") + ": " + why;
        }
    }

    /**
     * Checks a trail event by event, in {@code seq} order, without holding it all: {@link #accept} each, then
     * {@link #finish}.
     */
    public static final class Verifier {
        private final List<AuditRecord> retentions;
        private String expected = GENESIS;
        private long expectedSeq = 1;
        private boolean started;
        private long events;
        private Break broken;

        /** @param retentions the trail's retention events (the chain starts where the newest deleted through) */
        public Verifier(List<AuditRecord> retentions) {
            this.retentions = List.copyOf(retentions);
        }

        /** Checks the next event; after a break, the rest is not looked at. */
        public void accept(AuditRecord event) {
            if (broken != null) {
                return;
            }
            events++;
            if (!started) {
                started = true;
                if (event.seq() != 1) {
                    Optional<String> anchor = retentionAnchor(event.seq() - 1);
                    if (anchor.isEmpty()) {
                        broken = new Break(event.seq(), event.id(), "the events before it are missing, and no "
                                + "retention deleted them");
                        return;
                    }
                    expected = anchor.get();
                    expectedSeq = event.seq();
                }
            }
            if (event.seq() != expectedSeq) {
                broken = new Break(expectedSeq, null, "missing (the next one kept is #" + event.seq() + ")");
            } else if (!event.prevHash().equals(expected)) {
                broken = new Break(event.seq(), event.id(), "it does not follow the event before it (that one was "
                        + "changed, or replaced)");
            } else if (!hash(event).equals(event.hash())) {
                broken = new Break(event.seq(), event.id(), "it was changed after it was written");
            } else {
                expected = event.hash();
                expectedSeq++;
            }
        }

        /**
         * @param headSeq  the chain's end as written down beside it (audit_head): the last event's {@code seq}
         * @param headHash and its hash
         * @return the first break; empty when every event is as written and none is missing
         */
        public Optional<Break> finish(long headSeq, String headHash) {
            if (broken == null && (headSeq != expectedSeq - 1 || !headHash.equals(expected))) {
                broken = new Break(expectedSeq - 1, null, "the trail ends before its last event, #" + headSeq
                        + ": the newest events are missing");
            }
            return Optional.ofNullable(broken);
        }

        /** @return how many events were looked at */
        public long events() {
            return events;
        }

        /** @return the hash the newest retention that deleted through {@code deletedThrough} recorded for it */
        private Optional<String> retentionAnchor(long deletedThrough) {
            for (int i = retentions.size() - 1; i >= 0; i--) {
                try {
                    JsonNode detail = JSON.readTree(retentions.get(i).detail());
                    if (detail.path("deletedThrough").asLong(-1) == deletedThrough) {
                        return Optional.of(detail.path("lastHash").asText());
                    }
                } catch (JsonProcessingException e) {
                    // a changed retention event: its own hash tells, further on
                }
            }
            return Optional.empty();
        }
    }

    /** @return the first break of a whole trail held in memory (see {@link Verifier}) */
    public static Optional<Break> verify(List<AuditRecord> events, long headSeq, String headHash) {
        Verifier verifier = new Verifier(events.stream()
                .filter(event -> event.kind().equals(AuditKind.RETENTION.id())).toList());
        events.forEach(verifier::accept);
        return verifier.finish(headSeq, headHash);
    }
}
