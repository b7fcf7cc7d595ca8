package dev.keyhole.server.tunnel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that move what guacd sends on to the browsers: event loops, each a {@link Selector} over its share
 * of the guacd connections, reading what is ready and handing it on, without a thread per connection.
 *
 * <p><b>Keys first.</b> One loop, the <em>quiet lane</em>, serves the connections that carry little: a console at
 * its prompt, the echo of a key press, a cursor, a line of text. The others, the <em>streaming lanes</em> (one per
 * core), serve the connections that carry a picture changing fast, one read each (at most the connection's
 * buffer, 256 KiB) per turn. A connection starts on a streaming lane (its first picture is the whole screen) and
 * moves to the quiet lane after a {@link #WINDOW} in which it carried less than {@link #QUIET_BYTES}, unless its
 * reading was held back in that window (its browser was still taking a frame: the connection carried little
 * because the browser is slow, not because the console is quiet); it moves back when it carries more than
 * {@link #STREAMING_BYTES} within a window, or when two reads in a row found more waiting than its buffer took
 * (the quiet lane is not keeping up with it).
 * The quiet lane's thread sleeps most of the time, so when guacd answers a key the system's scheduler runs it at
 * once, even while the streaming lanes keep every core busy: the answer never waits behind other consoles'
 * pictures. (The JDK's asynchronous channels served every connection on the same threads, in the order the kernel
 * reported them, and let a completion read on up to sixteen times: a key's echo waited behind hundreds of other
 * connections' reads, and for a thread that never slept to be given a core.)
 *
 * <p>Writes to guacd are tried at once on the thread that queues them (a browser's key press goes out on the
 * thread that received it); only what the socket has no room for waits for the loop to see the socket writable.
 *
 * <p>Threads: each loop is one thread; a {@link LoopChannel}'s handlers run on the thread of the loop it is on.
 * {@link LoopChannel#want} and {@link LoopChannel#onLoop(Runnable)} may be called from any thread. Closing the
 * loops ends every connection still on them.
 */
public final class RelayLoops implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayLoops.class);

    /** How often the loops look for connections whose guacd fell silent or stopped reading. */
    static final Duration SWEEP = Duration.ofMillis(250);
    /** The span over which a connection's bytes decide its lane. */
    static final Duration WINDOW = Duration.ofMillis(100);
    /** More than this in a window moves a connection to a streaming lane (2.5 MB/s). */
    static final int STREAMING_BYTES = 256 * 1024;
    /** Less than this in a window moves a streaming connection to the quiet lane (320 KB/s). */
    static final int QUIET_BYTES = 32 * 1024;

    private final Loop quiet;
    private final Loop[] streaming;
    private final AtomicInteger nextStreaming = new AtomicInteger();

    private RelayLoops(Loop quiet, Loop[] streaming) {
        this.quiet = quiet;
        this.streaming = streaming;
    }

    /**
     * Starts the quiet lane and {@code streamingLanes} streaming ones, on threads named {@code name-quiet},
     * {@code name-1}, {@code name-2}…
     *
     * @throws UncheckedIOException if the system gives no selector
     */
    public static RelayLoops start(String name, int streamingLanes) {
        Loop[] loops = new Loop[streamingLanes + 1];
        try {
            for (int i = 0; i < loops.length; i++) {
                loops[i] = new Loop(Selector.open(), name + "-" + (i == 0 ? "quiet" : String.valueOf(i)));
            }
        } catch (IOException e) {
            for (Loop loop : loops) {
                if (loop != null) {
                    loop.close();
                }
            }
            throw new UncheckedIOException("Keyhole cannot open a selector for its relay", e);
        }
        for (Loop loop : loops) {
            loop.thread.start();
        }
        return new RelayLoops(loops[0], java.util.Arrays.copyOfRange(loops, 1, loops.length));
    }

    /**
     * Puts a connected channel on a streaming lane, in non-blocking mode, with no interest yet.
     *
     * @throws IOException if the channel cannot be made non-blocking (it is closed, say)
     */
    LoopChannel adopt(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        Loop lane = nextStreamingLane();
        LoopChannel adopted = new LoopChannel(this, lane, channel);
        lane.execute(adopted::register);
        return adopted;
    }

    private Loop nextStreamingLane() {
        return streaming[Math.floorMod(nextStreaming.getAndIncrement(), streaming.length)];
    }

    /** Stops every loop, ending the connections still on them (their readers are told). Does not wait. */
    @Override
    public void close() {
        quiet.close();
        for (Loop loop : streaming) {
            loop.close();
        }
    }

    /** @return whether every loop's thread has ended, waiting up to {@code timeout} for them */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!quiet.stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        for (Loop loop : streaming) {
            if (!loop.stopped.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    /** @return whether every loop's thread has ended */
    public boolean isTerminated() {
        if (quiet.stopped.getCount() > 0) {
            return false;
        }
        for (Loop loop : streaming) {
            if (loop.stopped.getCount() > 0) {
                return false;
            }
        }
        return true;
    }

    /** What a channel does when its loop finds it ready, and on the loop's sweeps. All run on the loop's thread. */
    interface Handler {

        /** The socket has bytes to read (or its end, or an error). */
        void readable();

        /** The socket has room for bytes again. */
        void writable();

        /**
         * A sweep: look at the clock.
         *
         * @param now {@link System#nanoTime}
         */
        void sweep(long now);

        /** The loops are stopping: end the connection. */
        void stopping();
    }

    /**
     * One connection on one loop at a time: its interest in reading and writing, the handler of each, and what it
     * carried lately, which decides its lane.
     *
     * <p>Threads: {@link #want} and {@link #onLoop(Runnable)} from any thread; the handlers and everything else on
     * the thread of the loop it is on. Moving to another loop happens on the old loop's thread; tasks that still
     * reach the old loop are passed on to the new one, so the connection is never on two threads at once.
     */
    static final class LoopChannel {

        private final RelayLoops loops;
        private final SocketChannel channel;
        private volatile Loop loop;
        /** The reading and the writing handlers, set before any interest is wanted. */
        private volatile Handler reading;
        private volatile Handler writing;
        /** The interest wanted, {@link SelectionKey#OP_READ} and {@link SelectionKey#OP_WRITE}. */
        private final AtomicInteger wanted = new AtomicInteger();
        /** Whether a task applying {@code wanted} is queued. */
        private final AtomicBoolean applying = new AtomicBoolean();
        /** The key on the current loop's selector; only on its thread. */
        private SelectionKey key;
        /** Bytes read since {@code windowStart} ({@link System#nanoTime}). */
        private long windowStart = System.nanoTime();
        private long windowBytes;
        /** Reads in a row that filled the buffer: more was waiting than one read took. */
        private int fullReads;
        /** Whether reading was held back (not wanted) at some time since {@code windowStart}. */
        private boolean heldBack;
        /** Sweeps of this channel so far (tests: a wait for time to pass on the loop). */
        private volatile long sweeps;
        /** The lane the connection moves to when its handlers are done; null: it stays. */
        private Loop moving;

        private LoopChannel(RelayLoops loops, Loop loop, SocketChannel channel) {
            this.loops = loops;
            this.loop = loop;
            this.channel = channel;
        }

        /** @return the socket, for reads and writes (non-blocking) */
        SocketChannel socket() {
            return channel;
        }

        /** Sets who reads; before wanting {@link SelectionKey#OP_READ}. */
        void onReadable(Handler handler) {
            this.reading = handler;
        }

        /** Sets who writes; before wanting {@link SelectionKey#OP_WRITE}. */
        void onWritable(Handler handler) {
            this.writing = handler;
        }

        /** @return whether the channel is on the quiet lane now (tests, and the curious) */
        boolean onQuietLane() {
            return loop == loops.quiet;
        }

        /** @return whether the calling thread is the thread of the loop the channel is on */
        boolean onLoop() {
            return Thread.currentThread() == loop.thread;
        }

        /** Runs {@code task} on the thread of the loop the channel is on (at once when called there). */
        void onLoop(Runnable task) {
            if (onLoop()) {
                task.run();
                return;
            }
            Loop target = loop;
            target.execute(() -> {
                if (loop == target) {
                    task.run();
                } else {
                    // Moved meanwhile: the new loop runs it, after the channel's registration there.
                    onLoop(task);
                }
            });
        }

        /**
         * Wants or no longer wants {@code operation} ({@link SelectionKey#OP_READ} or {@link SelectionKey#OP_WRITE});
         * applied at once on the loop's thread, otherwise as soon as the loop gets to it.
         */
        void want(int operation, boolean on) {
            int before;
            int after;
            do {
                before = wanted.get();
                after = on ? before | operation : before & ~operation;
            } while (!wanted.compareAndSet(before, after));
            if (before == after) {
                return;
            }
            if (onLoop()) {
                apply();
            } else if (applying.compareAndSet(false, true)) {
                onLoop(() -> {
                    applying.set(false);
                    apply();
                });
            }
        }

        /**
         * Counts a read of the reading handler's; on the loop's thread. Decides the lane the connection moves to
         * once its handlers are done with this turn (see the class's description).
         *
         * @param bytes  what it read
         * @param filled whether that filled the room the read had: more may be waiting
         */
        void read(int bytes, boolean filled) {
            windowBytes += bytes;
            fullReads = filled ? fullReads + 1 : 0;
            if (loop == loops.quiet && (windowBytes > STREAMING_BYTES || fullReads >= 2)) {
                moving = loops.nextStreamingLane();
            } else {
                windowPassed(System.nanoTime());
            }
        }

        /**
         * A window is over: a streaming connection that carried little, though it was free to read all along,
         * goes back to the quiet lane.
         */
        private void windowPassed(long now) {
            if (now - windowStart >= WINDOW.toNanos()) {
                if (loop != loops.quiet && windowBytes < QUIET_BYTES && !heldBack) {
                    moving = loops.quiet;
                }
                windowStart = now;
                windowBytes = 0;
                heldBack = !readingWanted();
            }
        }

        private boolean readingWanted() {
            return (wanted.get() & SelectionKey.OP_READ) != 0;
        }

        /** @return how many times the loop has swept this channel */
        long sweeps() {
            return sweeps;
        }

        /** Leaves this loop for {@code next}; on this loop's thread. */
        private void moveTo(Loop next) {
            loop.channels.remove(this);
            if (key != null) {
                key.cancel();
                key = null;
            }
            loop = next;
            windowStart = System.nanoTime();
            windowBytes = 0;
            fullReads = 0;
            heldBack = !readingWanted();
            next.execute(this::register);
        }

        private void register() {
            try {
                try {
                    key = channel.register(loop.selector, wanted.get(), this);
                } catch (CancelledKeyException e) {
                    // Back on a loop whose selector still holds its old, cancelled key: flushed by a select.
                    loop.selector.selectNow();
                    key = channel.register(loop.selector, wanted.get(), this);
                }
                loop.channels.add(this);
            } catch (ClosedChannelException e) {
                // Closed meanwhile: its ending has told its reader already, or will.
            } catch (IOException e) {
                log.error("A guacd connection could not join a relay loop", e);
                stopping();
            }
        }

        private void apply() {
            if (key == null) {
                // Not registered (yet): registering takes the interest wanted then.
                return;
            }
            if (!readingWanted()) {
                heldBack = true;
            }
            try {
                key.interestOps(wanted.get());
            } catch (CancelledKeyException e) {
                // Closed: nothing more to want.
            }
        }

        private void ready(SelectionKey selected) {
            if (selected != key || !selected.isValid()) {
                return;
            }
            int ready;
            try {
                ready = selected.readyOps();
            } catch (CancelledKeyException e) {
                return;
            }
            if ((ready & SelectionKey.OP_WRITE) != 0 && writing != null) {
                writing.writable();
            }
            if ((ready & SelectionKey.OP_READ) != 0 && reading != null) {
                reading.readable();
            }
            moveIfDue();
        }

        private void moveIfDue() {
            Loop next = moving;
            moving = null;
            if (next != null && next != loop) {
                moveTo(next);
            }
        }

        private void sweep(long now) {
            if (reading != null) {
                reading.sweep(now);
            }
            if (writing != null && writing != reading) {
                writing.sweep(now);
            }
            // A streaming connection that fell quiet reads nothing to notice it by: the sweep does.
            windowPassed(now);
            moveIfDue();
            sweeps++;
        }

        private void stopping() {
            if (reading != null) {
                reading.stopping();
            } else if (writing != null) {
                writing.stopping();
            } else {
                try {
                    channel.close();
                } catch (IOException e) {
                    // Stopping anyway.
                }
            }
        }
    }

    /** One loop: a selector, its thread, and the tasks other threads hand it. */
    private static final class Loop implements Runnable {

        private final Selector selector;
        private final Thread thread;
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        /** Every channel on this loop; only on its thread. */
        private final Set<LoopChannel> channels = new HashSet<>();
        private final CountDownLatch stopped = new CountDownLatch(1);
        private volatile boolean closing;

        Loop(Selector selector, String name) {
            this.selector = selector;
            this.thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        void execute(Runnable task) {
            tasks.add(task);
            if (Thread.currentThread() != thread) {
                selector.wakeup();
            }
        }

        void close() {
            closing = true;
            selector.wakeup();
            if (thread.getState() == Thread.State.NEW) {
                // Never started (starting the loops failed): nothing runs to close the selector.
                try {
                    selector.close();
                } catch (IOException e) {
                    // Nothing more to do.
                }
                stopped.countDown();
            }
        }

        @Override
        public void run() {
            long nextSweep = System.nanoTime() + SWEEP.toNanos();
            try {
                while (!closing) {
                    long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - System.nanoTime()));
                    selector.select(wait);
                    runTasks();
                    serveReady();
                    long now = System.nanoTime();
                    if (now - nextSweep >= 0) {
                        for (LoopChannel channel : List.copyOf(channels)) {
                            channel.sweep(now);
                        }
                        channels.removeIf(channel -> !channel.channel.isOpen());
                        nextSweep = now + SWEEP.toNanos();
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.error("A relay loop failed; its guacd connections end", e);
            } finally {
                stop();
            }
        }

        /** Serves every ready connection once: one read each, then the tasks handed over meanwhile. */
        private void serveReady() {
            Set<SelectionKey> selected = selector.selectedKeys();
            for (SelectionKey key : selected.toArray(SelectionKey[]::new)) {
                ((LoopChannel) key.attachment()).ready(key);
                runTasks();
            }
            selected.clear();
        }

        private void runTasks() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("A relay task failed", e);
                }
            }
        }

        /** Ends every connection still on this loop, runs what that hands it, and closes the selector. */
        private void stop() {
            runTasks();
            for (SelectionKey key : List.copyOf(selector.keys())) {
                if (key.attachment() instanceof LoopChannel channel) {
                    channel.stopping();
                }
            }
            runTasks();
            try {
                selector.close();
            } catch (IOException e) {
                // Stopping anyway.
            }
            stopped.countDown();
        }
    }
}
