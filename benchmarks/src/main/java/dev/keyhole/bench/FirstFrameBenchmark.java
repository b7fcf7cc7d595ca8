package dev.keyhole.bench;

/** Browser click-to-first-frame on the real demo console, beside the same figure straight to guacd. */
final class FirstFrameBenchmark {

    private FirstFrameBenchmark() {
    }

    static Results.FirstFrame run(Options options) {
        return Results.FirstFrame.skipped("not yet");
    }
}
