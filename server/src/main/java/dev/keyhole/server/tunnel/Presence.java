package dev.keyhole.server.tunnel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.server.access.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * Who is in one live console, told to everyone in it whenever it changes: a {@value #OPCODE} instruction in each
 * viewer's stream, whose one argument is a JSON list of the people there, in the order they came, each once
 * however many tabs they have open:
 * {@code [{"name":"alice","role":"operator","via":null,"mode":"type","since":"…","typing":false,"you":true}, …]}.
 * A share link's guest without an account has no name, the role {@code guest}, and {@code via} the link's maker.
 *
 * <p>{@code typing} is true while someone's keys arrive, and false {@link #TYPING_FOR} after their last: the mark
 * says that someone types, never what, how much or when each key came (it changes at most twice per burst).
 * guacamole-common-js hands instructions it does not know to nobody, so a page that does not read it is unharmed.
 */
final class Presence {

    /** The instruction's opcode. */
    static final String OPCODE = "keyhole-presence";
    /** How long after someone's last key they still show as typing. */
    static final Duration TYPING_FOR = Duration.ofSeconds(2);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Someone in the console: one viewer's tunnel. */
    interface Member {
        /** @return who it is */
        Caller caller();

        /** @return whether they may type into this console */
        boolean mayType();

        /** @return when they came in */
        Instant since();

        /** Sends an instruction to their browser; never blocks, and keeps only the latest while one is on its way. */
        void tell(String instruction);
    }

    /** One person as the instruction shows them. */
    record Person(String name, String role, String via, String mode, String since, boolean typing, boolean you) {
    }

    private final ScheduledExecutorService scheduler;
    private final List<Member> members = new ArrayList<>();
    private final Set<String> typing = new HashSet<>();
    private final Map<String, Long> lastKey = new HashMap<>();

    /** @param scheduler where the end of a typing mark is timed */
    Presence(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** Counts someone in (their browser's tunnel is open), and tells everyone. */
    void join(Member member) {
        synchronized (this) {
            members.add(member);
        }
        tellEveryone();
    }

    /** Counts someone out, and tells everyone left. */
    void leave(Member member) {
        synchronized (this) {
            if (!members.remove(member)) {
                return;
            }
            String person = person(member.caller());
            if (members.stream().noneMatch(m -> person(m.caller()).equals(person))) {
                typing.remove(person);
                lastKey.remove(person);
            }
        }
        tellEveryone();
    }

    /** Someone's key arrived: they show as typing until {@link #TYPING_FOR} after their last. */
    void typed(Member member) {
        String person = person(member.caller());
        boolean began;
        synchronized (this) {
            lastKey.put(person, System.nanoTime());
            began = members.contains(member) && typing.add(person);
        }
        if (began) {
            tellEveryone();
            scheduler.schedule(() -> stillTyping(person), TYPING_FOR.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void stillTyping(String person) {
        long wait;
        synchronized (this) {
            Long last = lastKey.get(person);
            if (last == null || !typing.contains(person)) {
                return;
            }
            wait = TYPING_FOR.toNanos() - (System.nanoTime() - last);
            if (wait <= 0) {
                typing.remove(person);
            }
        }
        if (wait > 0) {
            scheduler.schedule(() -> stillTyping(person), wait, TimeUnit.NANOSECONDS);
        } else {
            tellEveryone();
        }
    }

    /** @return the people in the console now, as {@code viewer} is told (its own entry is "you") */
    synchronized List<Person> people(Member viewer) {
        Map<String, Person> people = new LinkedHashMap<>();
        String you = viewer == null ? null : person(viewer.caller());
        for (Member member : members) {
            String person = person(member.caller());
            Person known = people.get(person);
            boolean types = member.mayType() || known != null && known.mode().equals("type");
            Caller caller = member.caller();
            String name = caller.identity() == null ? null : caller.identity().name();
            String role = caller.identity() == null ? "guest" : caller.identity().role().id();
            String via = caller.guest() == null ? null : caller.guest().maker();
            people.put(person, new Person(name, role, via, types ? "type" : "watch",
                    known == null ? member.since().toString() : known.since(), typing.contains(person),
                    person.equals(you)));
        }
        return List.copyOf(people.values());
    }

    private void tellEveryone() {
        List<Member> told;
        synchronized (this) {
            told = List.copyOf(members);
        }
        for (Member member : told) {
            member.tell(new GuacamoleInstruction(OPCODE, json(people(member))).toString());
        }
    }

    /** @return who someone is, across their tabs: their account, or a guest's device */
    private static String person(Caller caller) {
        return caller.identity() != null ? "user " + caller.identity().userId()
                : caller.guest() != null ? "device " + caller.guest().device().value() : "address " + caller.address();
    }

    private static String json(List<Person> people) {
        try {
            return JSON.writeValueAsString(people);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of names and flags is always JSON", e);
        }
    }
}
