package dev.keyhole.server.tunnel;

import java.time.Duration;

/**
 * How far one viewer is behind its console: the {@code sync}s guacd sent it that it has not answered yet, and the
 * frame it has not taken yet.
 *
 * <p>guacd paces a console to its slowest user, so one viewer on a bad line (or one that never reads) would slow
 * the console for everyone; a viewer further behind than a limit is closed instead (see {@link #behind}). Two
 * measures, because a client may answer {@code sync}s it never drew: the age of the oldest unanswered
 * {@code sync}, and how long the frame handed to the browser has been waiting to be written.
 *
 * <p>Thread-safe: the relay records what it sends, the browser's thread what it answers, a timer asks.
 */
final class ViewerPace {

    /**
     * How many unanswered {@code sync}s are told apart. A fast stream has hundreds in flight (guacd sends one per
     * frame); beyond this the newest stands for the ones after it, which can only make the lag seem a little larger
     * for them, never the oldest's smaller.
     */
    static final int MAX_UNANSWERED = 256;

    private final long[] timestamps = new long[MAX_UNANSWERED];
    private final long[] sentAt = new long[MAX_UNANSWERED];
    private int head;
    private int count;
    private long frameSince = -1;

    /**
     * guacd's {@code sync} with {@code timestamp} went to the browser at {@code nanos} ({@link System#nanoTime}).
     */
    synchronized void syncSent(long timestamp, long nanos) {
        if (count == MAX_UNANSWERED) {
            timestamps[(head + count - 1) % MAX_UNANSWERED] = timestamp;
            return;
        }
        int tail = (head + count) % MAX_UNANSWERED;
        timestamps[tail] = timestamp;
        sentAt[tail] = nanos;
        count++;
    }

    /** The browser answered the {@code sync} with {@code timestamp}: it and every earlier one are answered. */
    synchronized void syncAnswered(long timestamp) {
        while (count > 0 && timestamps[head] <= timestamp) {
            head = (head + 1) % MAX_UNANSWERED;
            count--;
        }
    }

    /** A frame was handed to the browser's WebSocket at {@code nanos}. */
    synchronized void frameHandedOver(long nanos) {
        frameSince = nanos;
    }

    /** The frame handed over last has been written. */
    synchronized void frameWritten() {
        frameSince = -1;
    }

    /**
     * @param now   {@link System#nanoTime}
     * @param limit how far behind a viewer may be
     * @return why the viewer is further behind than {@code limit}, in words for it; null while it is not
     */
    synchronized String behind(long now, Duration limit) {
        long limitNanos = limit.toNanos();
        if (count > 0 && now - sentAt[head] > limitNanos) {
            return "a frame of the console unanswered for more than " + limit.toSeconds() + " s";
        }
        if (frameSince >= 0 && now - frameSince > limitNanos) {
            return "a frame of the console not taken for more than " + limit.toSeconds() + " s";
        }
        return null;
    }

    /**
     * The timestamp of a {@code sync} instruction, {@code 4.sync,LENGTH.TIMESTAMP[,…];}, in
     * {@code bytes[from, to)}.
     *
     * @return the timestamp, or -1 when it is not a {@code sync} with a timestamp of at most 18 digits
     */
    static long syncTimestamp(byte[] bytes, int from, int to) {
        int i = from + 7;  // past "4.sync,"
        int dot = i;
        while (dot < to && bytes[dot] != '.') {
            dot++;
        }
        int length = 0;
        for (int j = i; j < dot; j++) {
            if (bytes[j] < '0' || bytes[j] > '9' || j - i > 2) {
                return -1;
            }
            length = length * 10 + (bytes[j] - '0');
        }
        if (dot == i || length == 0 || length > 18 || dot + 1 + length >= to) {
            return -1;
        }
        long timestamp = 0;
        for (int j = dot + 1; j <= dot + length; j++) {
            if (bytes[j] < '0' || bytes[j] > '9') {
                return -1;
            }
            timestamp = timestamp * 10 + (bytes[j] - '0');
        }
        return timestamp;
    }
}
