package dev.keyhole.server.virtualbox;

import java.util.Locale;

/**
 * VirtualBox's {@code MachineState}, every value of the 7.2 API, plus {@link #UNKNOWN} for a value a newer
 * VirtualBox may add (shown as such, never a failure). The {@code First…}/{@code Last…} range markers of the API
 * are aliases of real states and never sent alone.
 */
public enum MachineState {
    NULL("Null", Kind.OTHER, "unknown"),
    POWERED_OFF("PoweredOff", Kind.OFF, "powered off"),
    SAVED("Saved", Kind.OFF, "saved"),
    TELEPORTED("Teleported", Kind.OFF, "teleported"),
    ABORTED("Aborted", Kind.OFF, "aborted"),
    ABORTED_SAVED("AbortedSaved", Kind.OFF, "aborted (saved)"),
    RUNNING("Running", Kind.ONLINE, "running"),
    PAUSED("Paused", Kind.ONLINE, "paused"),
    STUCK("Stuck", Kind.ONLINE, "stuck (guru meditation)"),
    TELEPORTING("Teleporting", Kind.ONLINE, "teleporting"),
    LIVE_SNAPSHOTTING("LiveSnapshotting", Kind.ONLINE, "taking a live snapshot"),
    STARTING("Starting", Kind.TRANSIENT, "starting"),
    STOPPING("Stopping", Kind.TRANSIENT, "stopping"),
    SAVING("Saving", Kind.TRANSIENT, "saving"),
    RESTORING("Restoring", Kind.TRANSIENT, "restoring"),
    TELEPORTING_PAUSED_VM("TeleportingPausedVM", Kind.ONLINE, "teleporting (paused)"),
    TELEPORTING_IN("TeleportingIn", Kind.TRANSIENT, "teleporting in"),
    DELETING_SNAPSHOT_ONLINE("DeletingSnapshotOnline", Kind.ONLINE, "deleting a snapshot"),
    DELETING_SNAPSHOT_PAUSED("DeletingSnapshotPaused", Kind.ONLINE, "deleting a snapshot (paused)"),
    ONLINE_SNAPSHOTTING("OnlineSnapshotting", Kind.ONLINE, "taking a snapshot"),
    RESTORING_SNAPSHOT("RestoringSnapshot", Kind.TRANSIENT, "restoring a snapshot"),
    DELETING_SNAPSHOT("DeletingSnapshot", Kind.TRANSIENT, "deleting a snapshot"),
    SETTING_UP("SettingUp", Kind.TRANSIENT, "setting up"),
    SNAPSHOTTING("Snapshotting", Kind.TRANSIENT, "taking a snapshot"),
    /** A value this version of Keyhole does not know. */
    UNKNOWN("", Kind.OTHER, "unknown");

    /** What a state means for the actions Keyhole offers. */
    public enum Kind {
        /** Not running: can be started. */
        OFF,
        /** A VM process runs: has a console; can be reset, sent the power button, powered off. */
        ONLINE,
        /** Changing between states: wait. */
        TRANSIENT,
        /** Unknown. */
        OTHER
    }

    private final String apiName;
    private final Kind kind;
    private final String label;

    MachineState(String apiName, Kind kind, String label) {
        this.apiName = apiName;
        this.kind = kind;
        this.label = label;
    }

    /** @return the API's name of the state, e.g. {@code PoweredOff} ("" for {@link #UNKNOWN}) */
    public String apiName() {
        return apiName;
    }

    /** @return what the state allows */
    public Kind kind() {
        return kind;
    }

    /** @return the state in words, e.g. "powered off" */
    public String label() {
        return label;
    }

    /** @return the state as a browser sees it, e.g. {@code powered-off} */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param apiName a state as the web service sent it (may be null or anything)
     * @return the state, or {@link #UNKNOWN}
     */
    public static MachineState fromApi(String apiName) {
        if (apiName != null && !apiName.isEmpty()) {
            for (MachineState s : values()) {
                if (s.apiName.equals(apiName)) {
                    return s;
                }
            }
        }
        return UNKNOWN;
    }
}
