package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.LinkGuest;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.LockedTarget;
import dev.keyhole.e2e.fixtures.Passphrases;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.e2e.pages.AdminPage;
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.audit.AuditChain;
import dev.keyhole.server.audit.AuditRecord;
import dev.keyhole.server.audit.JdbcAuditStore;
import dev.keyhole.server.storage.DataDirectory;
import dev.keyhole.server.storage.Database;
import dev.keyhole.server.storage.Sql;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the audit trail records of a console unlocked while a colleague watches through a link — who signed in,
 * who opened the console and how, that the passphrase box was used, the link opened, the consoles closed — and
 * never the passphrase or a token; and that an event edited in the database breaks the chain where it was.
 */
@KeyholeE2E
class AuditTrailTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void anUnlockWatchedThroughALinkIsRecordedInOrderWithoutThePassphraseOrToken(
            @InjectKeyhole(value = LockedTarget.class, lifecycle = InjectKeyhole.Lifecycle.METHOD)
            RunningKeyhole keyhole, LockedConsole console, Browser desk,
            @SecondBrowser(phone = true) Browser phone) throws Exception {
        User olga = keyhole.accounts().addUser("olga", Role.OPERATOR, List.of(), RunningKeyhole.TEST_PASSWORD);
        desk.driver().manage().deleteAllCookies();
        desk.signIn(keyhole.signInLink(olga));
        ConsolePage owner = ConsolePage.openSignedIn(desk, keyhole.uri(), RunningKeyhole.TARGET)
                .waitForState(CONNECTED).waitForPicture();
        LinkGuest.Shared link = LinkGuest.share(keyhole, RunningKeyhole.TARGET, "{\"mode\":\"watch\"}");
        phone.driver().get(link.url().toString());
        ConsolePage.attach(phone.driver()).waitForState(CONNECTED);

        owner.sendPassphraseThroughBox(Passphrases.right());
        console.awaitUnlocked(WAIT);
        phone.driver().get("about:blank");
        desk.driver().get("about:blank");
        JdbcAuditStore store = keyhole.audit().store();
        Waits.until("both consoles' closing to be in the audit trail", WAIT, () -> kinds(store).toString(),
                () -> kinds(store).stream().filter(kind -> kind.equals("console-closed")).count() == 2);

        List<AuditRecord> events = new ArrayList<>();
        store.forEach(null, events::add);
        List<String> seen = events.stream().map(e -> e.kind() + " " + e.actor()).toList();
        List<String> expected = List.of("sign-in olga", "console-opened olga", "link-redeemed",
                "console-opened link", "typed olga", "passphrase-box-used olga", "console-closed");
        int at = 0;
        for (String event : seen) {
            if (at < expected.size() && event.startsWith(expected.get(at))) {
                at++;
            }
        }
        assertEquals(expected.size(), at, () -> "in order, among: " + seen);
        AuditRecord opened = events.stream().filter(e -> e.kind().equals("console-opened")
                && e.actor().startsWith("link ")).findFirst().orElseThrow();
        assertTrue(opened.detail().contains("\"mode\":\"watch\""), opened::detail);
        assertTrue(opened.detail().contains("\"maker\":\"" + RunningKeyhole.TEST_USER + "\""), opened::detail);

        for (AuditRecord event : events) {
            String line = event.toString();
            assertFalse(line.contains(Passphrases.right()), "the passphrase is in " + line);
            assertFalse(line.contains(link.token()), "the link's token is in " + line);
            assertFalse(line.contains(RunningKeyhole.TEST_PASSWORD), "a password is in " + line);
        }
        assertEquals(Optional.empty(), AuditChain.verify(events, store.head().seq(), store.head().hash()));

        // The admin's audit view shows the same, newest first: read bottom up, in the order it happened.
        keyhole.signIn(desk);
        AdminPage admin = AdminPage.open(desk.driver(), keyhole.uri(), "audit?target=" + RunningKeyhole.TARGET);
        List<String> shown = new ArrayList<>(admin.waitForAudit("both consoles closed", rows -> rows.stream()
                .filter(row -> row.kind().equals("console-closed")).count() == 2).stream()
                .map(row -> row.kind() + " " + row.who()).toList());
        java.util.Collections.reverse(shown);
        List<String> inView = List.of("console-opened olga", "link-redeemed", "console-opened guest via",
                "typed olga", "passphrase-box-used olga", "console-closed");
        int found = 0;
        for (String row : shown) {
            if (found < inView.size() && row.startsWith(inView.get(found))) {
                found++;
            }
        }
        assertEquals(inView.size(), found, () -> "in order, in the view: " + shown);
    }

    @Test
    void anEventEditedInTheServersDatabaseBreaksTheChainThere(
            @InjectKeyhole(value = LockedTarget.class, lifecycle = InjectKeyhole.Lifecycle.METHOD)
            RunningKeyhole keyhole) throws Exception {
        keyhole.accounts().signIn(RunningKeyhole.TEST_USER, "a wrong password!", "192.0.2.1", "");
        keyhole.signedIn();
        keyhole.audit().awaitWritten(WAIT);
        try (Database database = Database.open(keyhole.config().database(),
                DataDirectory.prepare(keyhole.config().dataDir()))) {
            JdbcAuditStore store = new JdbcAuditStore(database, Clock.systemUTC(), new SecureRandom());
            assertEquals(Optional.empty(), verify(store));
            long failed = database.withConnection("find the failed sign-in", c -> Sql.first(c,
                    "SELECT seq FROM audit_events WHERE kind = ?", rows -> rows.getLong("seq"), "sign-in-failed"))
                    .orElseThrow();
            database.withConnection("tamper", c -> Sql.update(c, "UPDATE audit_events SET actor = 'someone else' "
                    + "WHERE seq = ?", failed));
            AuditChain.Break broken = verify(store).orElseThrow();
            assertEquals(failed, broken.seq(), broken::toString);
        }
    }

    private static List<String> kinds(JdbcAuditStore store) {
        List<String> kinds = new ArrayList<>();
        store.forEach(null, event -> kinds.add(event.kind()));
        return kinds;
    }

    private static Optional<AuditChain.Break> verify(JdbcAuditStore store) {
        AuditChain.Verifier verifier = new AuditChain.Verifier(store.retentions());
        store.forEach(null, verifier::accept);
        return verifier.finish(store.head().seq(), store.head().hash());
    }
}
