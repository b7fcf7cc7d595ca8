package dev.keyhole.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecoveryCodesTest {

    private final RecoveryCodes recoveryCodes = new RecoveryCodes(new SecureRandom());

    @Test
    void tenCodesOfFourGroupsWithoutLookAlikes() {
        RecoveryCodes.Issued issued = recoveryCodes.issue();
        assertEquals(10, issued.codes().size());
        assertEquals(10, new HashSet<>(issued.codes()).size());
        for (String code : issued.codes()) {
            assertTrue(code.matches("[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}"), code);
        }
        assertEquals(32, RecoveryCodes.ALPHABET.length());
        assertEquals(32, RecoveryCodes.ALPHABET.chars().distinct().count());
        for (char lookAlike : "01IO".toCharArray()) {
            assertEquals(-1, RecoveryCodes.ALPHABET.indexOf(lookAlike));
        }
    }

    @Test
    void everyCharacterOfTheAlphabetTurnsUp() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            recoveryCodes.issue().codes().forEach(code -> code.chars().forEach(seen::add));
        }
        seen.remove((int) '-');
        assertEquals(32, seen.size(), "3,200 characters drawn from 32");
    }

    @Test
    void theCodesComeFromTheInjectedRandom() {
        List<String> codes = new RecoveryCodes(TestRandom.seeded(3)).issue().codes();
        assertEquals(codes, new RecoveryCodes(TestRandom.seeded(3)).issue().codes());
        assertNotEquals(codes, new RecoveryCodes(TestRandom.seeded(4)).issue().codes());
    }

    @Test
    void onlySaltedHashesAreStored() {
        RecoveryCodes.Issued issued = recoveryCodes.issue();
        Set<String> salts = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            String code = issued.codes().get(i);
            String stored = issued.hashes().get(i);
            assertTrue(stored.matches("[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}"), stored);
            byte[] salt = Base64.getUrlDecoder().decode(stored.substring(0, 22));
            byte[] ascii = code.replace("-", "").getBytes(StandardCharsets.US_ASCII);
            byte[] input = new byte[salt.length + ascii.length];
            System.arraycopy(salt, 0, input, 0, salt.length);
            System.arraycopy(ascii, 0, input, salt.length, ascii.length);
            assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(Digests.sha256(input)),
                    stored.substring(23), "SHA-256(salt || code)");
            assertTrue(salts.add(stored.substring(0, 22)), "every code has its own salt");
            assertFalse(stored.contains(code.substring(0, 4)));
        }
    }

    @Test
    void aStoredHashThatIsNotSaltDotHashIsAnError() {
        RecoveryCodes.Issued issued = recoveryCodes.issue();
        String code = issued.codes().get(0);
        String good = issued.hashes().get(0);
        for (String broken : List.of("", "nodot", good.substring(23), good.substring(0, 23), good.replace('.', ':'),
                good.substring(2), good + "AA", "+" + good.substring(1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> recoveryCodes.redeem(code, List.of(good, broken)), broken);
            assertTrue(e.getMessage().contains("2 of 2"), e.getMessage());
        }
    }

    @Test
    void eachCodeWorksOnce() {
        RecoveryCodes.Issued issued = recoveryCodes.issue();
        List<String> unused = issued.hashes();
        for (int i = 0; i < 10; i++) {
            String code = issued.codes().get(i);
            RecoveryCodes.Redeemed redeemed = recoveryCodes.redeem(code, unused).orElseThrow();
            assertEquals(issued.hashes().get(i), redeemed.spentHash());
            assertEquals(9 - i, redeemed.unusedHashes().size());
            assertFalse(redeemed.unusedHashes().contains(redeemed.spentHash()));
            unused = redeemed.unusedHashes();
            assertTrue(recoveryCodes.redeem(code, unused).isEmpty(), "code " + i + " a second time");
        }
        assertTrue(unused.isEmpty());
    }

    @Test
    void caseSpacesAndHyphensDoNotMatter() {
        RecoveryCodes.Issued issued = recoveryCodes.issue();
        String code = issued.codes().get(3);
        for (String typed : List.of(code.toLowerCase(), code.replace("-", ""), code.replace("-", " "),
                " " + code.replace("-", "  ") + " ")) {
            assertEquals(issued.hashes().get(3), recoveryCodes.redeem(typed, issued.hashes()).orElseThrow().spentHash(),
                    typed);
        }
    }

    @Test
    void anythingElseIsRefused() {
        RecoveryCodes.Issued issued = recoveryCodes.issue();
        String code = issued.codes().get(0);
        String other = recoveryCodes.issue().codes().get(0);
        for (String typed : new String[] {null, "", code.substring(1), code + "A", other,
            code.replace(code.charAt(0), code.charAt(0) == 'A' ? 'B' : 'A'), code.replace('-', '_'),
            "OOOO-IIII-1111-0000"}) {
            assertTrue(recoveryCodes.redeem(typed, issued.hashes()).isEmpty(), String.valueOf(typed));
        }
        assertTrue(recoveryCodes.redeem(code, List.of()).isEmpty(), "no codes left");
    }

    @Test
    void toStringHidesTheCodes() {
        RecoveryCodes.Issued issued = recoveryCodes.issue();
        for (String code : issued.codes()) {
            assertFalse(issued.toString().contains(code), issued.toString());
            assertFalse(issued.toString().contains(code.substring(0, 4)), issued.toString());
        }
        assertEquals("RecoveryCodes.Issued[10 codes hidden]", issued.toString());
    }
}
