package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.access.Caller;
import dev.keyhole.server.access.Guest;
import dev.keyhole.server.access.Identity;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.auth.TokenHash;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who is in a console, as each of its viewers is told: once per person, "you" for oneself, and who types. */
class PresenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Presence presence = new Presence(timer);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    /** A viewer that keeps what it is told. */
    private static final class Viewer implements Presence.Member {
        final Caller caller;
        final boolean mayType;
        final BlockingQueue<String> told = new LinkedBlockingQueue<>();

        Viewer(Caller caller, boolean mayType) {
            this.caller = caller;
            this.mayType = mayType;
        }

        @Override
        public Caller caller() {
            return caller;
        }

        @Override
        public boolean mayType() {
            return mayType;
        }

        @Override
        public Instant since() {
            return Instant.parse("2031-05-06T07:08:09Z");
        }

        @Override
        public void tell(String instruction) {
            told.add(instruction);
        }

        /** @return the people in the last instruction it was told, waiting up to 5 s for one */
        JsonNode next() throws Exception {
            String instruction = told.poll(5, TimeUnit.SECONDS);
            if (instruction == null) {
                throw new AssertionError("told nothing within 5 s");
            }
            assertTrue(instruction.startsWith(Presence.OPCODE.length() + "." + Presence.OPCODE + ","), instruction);
            String argument = instruction.substring(instruction.indexOf(',') + 1, instruction.length() - 1);
            return JSON.readTree(argument.substring(argument.indexOf('.') + 1));
        }

        /** @return the people of the last instruction told so far (waiting for one if none is) */
        JsonNode last() throws Exception {
            JsonNode people = next();
            while (!told.isEmpty()) {
                people = next();
            }
            return people;
        }
    }

    private static Viewer account(String name, Role role) {
        return new Viewer(new Caller("192.0.2.1", new Identity(name + "-id", name, role, List.of(),
                TokenHash.of(name))), role != Role.VIEWER);
    }

    private static Viewer guestOf(String maker, boolean type) {
        Guest guest = new Guest("link", "abcdefgh", "web-1", type, false, maker, TokenHash.of("device " + maker),
                null, Instant.EPOCH, Instant.EPOCH.plusSeconds(900));
        return new Viewer(new Caller("192.0.2.2", null, guest), type);
    }

    @Test
    void everyoneIsToldWhoIsThereOncePerPersonWithThemselvesAsYou() throws Exception {
        Viewer alice = account("alice", Role.OPERATOR);
        Viewer aliceOnHerPhone = account("alice", Role.OPERATOR);
        Viewer sam = guestOf("alice", false);
        presence.join(alice);
        presence.join(aliceOnHerPhone);
        presence.join(sam);

        JsonNode toAlice = alice.last();
        assertEquals(2, toAlice.size(), toAlice::toString);
        assertEquals("alice", toAlice.get(0).path("name").asText());
        assertEquals("operator", toAlice.get(0).path("role").asText());
        assertTrue(toAlice.get(0).path("you").asBoolean());
        assertTrue(toAlice.get(1).path("name").isNull(), "a guest without an account has no name");
        assertEquals("guest", toAlice.get(1).path("role").asText());
        assertEquals("alice", toAlice.get(1).path("via").asText());
        assertEquals("watch", toAlice.get(1).path("mode").asText());
        assertFalse(toAlice.get(1).path("you").asBoolean());
        JsonNode toSam = sam.last();
        assertTrue(toSam.get(1).path("you").asBoolean());
        assertFalse(toSam.get(0).path("you").asBoolean());

        presence.leave(sam);
        assertEquals(1, alice.last().size(), "the guest is gone");
        assertTrue(sam.told.isEmpty(), "who left is told nothing more");
        presence.leave(aliceOnHerPhone);
        assertEquals(1, alice.last().size(), "alice is still there in her other tab");
    }

    @Test
    void someoneTypingIsMarkedAtTheirFirstKeyAndUnmarkedAfterTheirLast() throws Exception {
        Viewer alice = account("alice", Role.OPERATOR);
        Viewer sam = guestOf("alice", false);
        presence.join(alice);
        presence.join(sam);
        sam.last();

        long before = System.nanoTime();
        for (int key = 0; key < 20; key++) {
            presence.typed(alice);
        }
        JsonNode typing = sam.next();
        assertTrue(typing.get(0).path("typing").asBoolean(), typing::toString);
        JsonNode stopped = sam.next();
        long took = System.nanoTime() - before;
        assertFalse(stopped.get(0).path("typing").asBoolean(), stopped::toString);
        assertTrue(took >= Presence.TYPING_FOR.toNanos(), "unmarked after " + took / 1_000_000 + " ms");
        assertTrue(sam.told.isEmpty(), "twenty keys, two messages: the mark says nothing of how many");
    }
}
