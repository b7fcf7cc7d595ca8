package dev.keyhole.server.links;

import dev.keyhole.server.auth.TokenHash;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A share link as stored: never its token, only the token's hash.
 *
 * @param id         random, for URLs and logs (not a secret: it opens nothing)
 * @param tokenHash  the hash of the link's token
 * @param target     the console it opens, by target name
 * @param mode       watch or type
 * @param expiresAt  when it stops working
 * @param maxDevices how many browsers may open it
 * @param stages     whether its guests may switch the console's keyboard stage (a {@link Mode#TYPE} link's only)
 * @param note       what its maker wrote ("for Sam, disk of web-1"); may be empty
 * @param createdBy  the id of the user who made it
 * @param createdAt  when
 * @param revokedAt  when it was revoked; null: not revoked
 */
public record ShareLink(String id, TokenHash tokenHash, String target, Mode mode, Instant expiresAt, int maxDevices,
        boolean stages, String note, String createdBy, Instant createdAt, Instant revokedAt) {

    /** What a guest may do in the console. */
    public enum Mode {
        /** Watch only: joined read-only, their input dropped. */
        WATCH,
        /** Type too, through the passphrase box and the key bar; nothing else. */
        TYPE;

        /** @return {@code watch} or {@code type} */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param id {@code watch} or {@code type}
         * @return that mode
         * @throws IllegalArgumentException for anything else
         */
        public static Mode of(String id) {
            for (Mode mode : values()) {
                if (mode.id().equals(id)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("a link's mode is watch or type, not " + id);
        }
    }

    /** Checks that nothing is missing; empty for a null note. */
    public ShareLink {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (maxDevices < 1) {
            throw new IllegalArgumentException("a link opens on one device at least");
        }
        if (stages && mode != Mode.TYPE) {
            throw new IllegalArgumentException("only a link to type switches keyboard stages");
        }
        note = note == null ? "" : note;
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * What the maker of a link asks for.
     *
     * @param mode       watch or type
     * @param lifetime   how long it works
     * @param maxDevices how many browsers may open it
     * @param stages     whether its guests may switch the console's keyboard stage (a link to type only)
     * @param note       what the maker wants to remember it by; may be empty
     */
    public record Terms(Mode mode, Duration lifetime, int maxDevices, boolean stages, String note) {

        /** Checks that nothing is missing; empty for a null note. */
        public Terms {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(lifetime, "lifetime");
            note = note == null ? "" : note;
        }

        /** @return a link that works for 15 minutes on one device, without switching stages or a note */
        public static Terms of(Mode mode) {
            return new Terms(mode, Duration.ofMinutes(15), 1, false, "");
        }

        /** @return these terms for another lifetime */
        public Terms lasting(Duration other) {
            return new Terms(mode, other, maxDevices, stages, note);
        }

        /** @return these terms for another number of devices */
        public Terms onDevices(int devices) {
            return new Terms(mode, lifetime, devices, stages, note);
        }

        /** @return these terms with a note */
        public Terms noted(String text) {
            return new Terms(mode, lifetime, maxDevices, stages, text);
        }

        /** @return these terms letting guests switch keyboard stages */
        public Terms switchingStages() {
            return new Terms(mode, lifetime, maxDevices, true, note);
        }
    }

    /** @return whether it still works at {@code now}: not revoked, not expired */
    public boolean isLive(Instant now) {
        return revokedAt == null && now.isBefore(expiresAt);
    }

    /** @return the short name logs and the audit give it: its token hash's fingerprint */
    public String fingerprint() {
        return tokenHash.fingerprint();
    }
}
