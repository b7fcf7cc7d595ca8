package dev.keyhole.server.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ViewerPaceTest {

    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final long SECOND = 1_000_000_000L;

    private final ViewerPace pace = new ViewerPace();

    @Test
    void aViewerThatAnswersInTimeIsNotBehind() {
        pace.syncSent(100, 0);
        pace.syncSent(200, 5 * SECOND);
        pace.syncAnswered(100);
        assertNull(pace.behind(11 * SECOND, LIMIT), "the one left unanswered is 6 s old");
        pace.syncAnswered(200);
        assertNull(pace.behind(100 * SECOND, LIMIT), "nothing is unanswered");
    }

    @Test
    void theOldestUnansweredSyncCounts() {
        pace.syncSent(100, 0);
        pace.syncSent(200, 9 * SECOND);
        assertNull(pace.behind(10 * SECOND, LIMIT));
        assertTrue(pace.behind(10 * SECOND + 1, LIMIT).contains("unanswered for more than 10 s"));
    }

    @Test
    void anAnswerAnswersEveryEarlierSync() {
        pace.syncSent(100, 0);
        pace.syncSent(200, 0);
        pace.syncSent(300, 20 * SECOND);
        pace.syncAnswered(250);
        assertNull(pace.behind(21 * SECOND, LIMIT));
    }

    @Test
    void aFrameNotTakenCountsThoughSyncsAreAnswered() {
        pace.frameHandedOver(0);
        assertNull(pace.behind(10 * SECOND, LIMIT));
        assertTrue(pace.behind(11 * SECOND, LIMIT).contains("not taken"));
        pace.frameWritten();
        assertNull(pace.behind(11 * SECOND, LIMIT));
    }

    @Test
    void manySyncsInFlightAreNotBehindAndTheOldestStillCounts() {
        for (int i = 0; i < 3 * ViewerPace.MAX_UNANSWERED; i++) {
            pace.syncSent(i, i == 0 ? 0 : 5 * SECOND);
        }
        assertNull(pace.behind(6 * SECOND, LIMIT), "a fast stream has many syncs in flight");
        assertNotNull(pace.behind(11 * SECOND, LIMIT), "the oldest is still the first one sent");
        pace.syncAnswered(3L * ViewerPace.MAX_UNANSWERED - 2);
        assertNotNull(pace.behind(16 * SECOND, LIMIT), "the last one stands for the ones after it");
        pace.syncAnswered(3L * ViewerPace.MAX_UNANSWERED - 1);
        assertNull(pace.behind(100 * SECOND, LIMIT), "every one is answered");
    }

    @Test
    void readsTheTimestampOfASync() {
        assertEquals(1700000000000L, timestamp("4.sync,13.1700000000000;"));
        assertEquals(42, timestamp("4.sync,2.42,1.1;"));
        assertEquals(-1, timestamp("4.sync,0.;"));
        assertEquals(-1, timestamp("4.sync,2.4x;"));
        assertEquals(-1, timestamp("4.sync,19.1234567890123456789;"), "more than a long holds");
        assertEquals(-1, timestamp("4.sync,5.12;"), "the length promises more than there is");
    }

    private static long timestamp(String instruction) {
        byte[] bytes = instruction.getBytes(StandardCharsets.US_ASCII);
        return ViewerPace.syncTimestamp(bytes, 0, bytes.length);
    }
}
