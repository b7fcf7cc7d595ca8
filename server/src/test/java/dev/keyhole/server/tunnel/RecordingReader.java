package dev.keyhole.server.tunnel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A reader of an instruction stream for tests: it keeps every batch it is handed, as text, and how the stream
 * ended. It resumes at once, unless told to hold each batch until the test resumes it.
 */
final class RecordingReader implements InstructionStream.Reader {

    /** One delivery: its text, where its instructions end, and how to resume the stream. */
    record Batch(String text, List<Integer> ends, Runnable resume) {
    }

    private final boolean holding;
    private final BlockingQueue<Batch> batches = new LinkedBlockingQueue<>();
    private final CompletableFuture<GuacdEnding> ended = new CompletableFuture<>();
    private int endings;

    /** @param holding whether each batch is held until the test runs its {@code resume} */
    RecordingReader(boolean holding) {
        this.holding = holding;
    }

    @Override
    public void instructions(ByteBuffer instructions, InstructionBoundaries.Ends ends, Runnable resume) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < ends.count(); i++) {
            found.add(ends.get(i));
        }
        batches.add(new Batch(StandardCharsets.UTF_8.decode(instructions.duplicate()).toString(), found, resume));
        if (!holding) {
            resume.run();
        }
    }

    @Override
    public synchronized void ended(GuacdEnding ending) {
        endings++;
        ended.complete(ending);
    }

    /** @return the next batch, waiting at most {@code wait} for it */
    Batch next(Duration wait) throws InterruptedException {
        Batch batch = batches.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (batch == null) {
            throw new AssertionError("no instructions from guacd within " + wait.toSeconds() + " s; "
                    + (ended.isDone() ? "the stream ended: " + ended.getNow(null) : "the stream is open"));
        }
        return batch;
    }

    /** @return whether another batch arrived */
    boolean hasMore() {
        return !batches.isEmpty();
    }

    /** @return how the stream ended, waiting at most {@code wait} */
    GuacdEnding ending(Duration wait) throws Exception {
        try {
            return ended.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the stream did not end within " + wait.toSeconds() + " s", e);
        }
    }

    /** @return whether the stream has ended */
    boolean hasEnded() {
        return ended.isDone();
    }

    /** @return how often the reader was told the stream ended (once, always) */
    synchronized int endings() {
        return endings;
    }
}
