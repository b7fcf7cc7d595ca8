package dev.keyhole.server.virtualbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One VirtualBox event sequence of {@code src/test/resources/virtualbox/events/} (the format is in its
 * {@code README.txt}): the VM's state before, the events in order, and the error a start attempt ended with.
 *
 * @param name    the file's name, e.g. {@code crash.events}
 * @param initial the VM's state before the first event
 * @param events  the events
 * @param error   the start attempt's error text; null when the sequence has none
 */
record RecordedEvents(String name, MachineState initial, List<Event> events, String error) {

    /**
     * One event.
     *
     * @param type  {@code OnMachineStateChanged} or {@code OnSessionStateChanged}
     * @param value the new machine state, or the session state, as VirtualBox names it
     */
    record Event(String type, String value) {

        /** @return the new machine state, for an {@code OnMachineStateChanged}; null otherwise */
        MachineState machineState() {
            return "OnMachineStateChanged".equals(type) ? MachineState.fromApi(value) : null;
        }
    }

    /** @return the sequence in {@code virtualbox/events/NAME} */
    static RecordedEvents load(String name) {
        String text;
        try (InputStream in = RecordedEvents.class.getResourceAsStream("/virtualbox/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no event sequence virtualbox/events/" + name);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MachineState initial = null;
        List<Event> events = new ArrayList<>();
        String error = null;
        for (String line : text.lines().map(String::strip).toList()) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split(" ", 2);
            switch (words[0]) {
                case "initial" -> initial = state(name, words[1]);
                case "error" -> error = words[1];
                case "OnMachineStateChanged" -> {
                    state(name, words[1]);
                    events.add(new Event(words[0], words[1]));
                }
                case "OnSessionStateChanged" -> events.add(new Event(words[0], words[1]));
                default -> throw new IllegalArgumentException(name + ": what is \"" + line + "\"?");
            }
        }
        if (initial == null) {
            throw new IllegalArgumentException(name + " has no \"initial STATE\" line");
        }
        return new RecordedEvents(name, initial, List.copyOf(events), error);
    }

    private static MachineState state(String file, String apiName) {
        MachineState state = MachineState.fromApi(apiName);
        if (state == MachineState.UNKNOWN) {
            throw new IllegalArgumentException(file + ": " + apiName + " is no VirtualBox 7.2 machine state");
        }
        return state;
    }

    /** @return the same events from another state (a start, say, which has the same events from any state) */
    RecordedEvents withInitial(MachineState state) {
        return new RecordedEvents(name, state, events, error);
    }

    /** @return the state the VM is in after the last event */
    MachineState last() {
        MachineState state = initial;
        for (Event e : events) {
            if (e.machineState() != null) {
                state = e.machineState();
            }
        }
        return state;
    }
}
