package dev.keyhole.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokensTest {

    private final Tokens tokens = new Tokens(new SecureRandom());

    @Test
    void aTokenIs256BitsOfBase64Url() {
        Token token = tokens.next();
        assertEquals(Tokens.LENGTH, token.value().length());
        assertTrue(token.value().matches("[A-Za-z0-9_-]{43}"), token.value());
        assertEquals(32, Base64.getUrlDecoder().decode(token.value()).length);
    }

    @Test
    void theBitsComeFromTheInjectedRandom() {
        Token first = new Tokens(TestRandom.seeded(7)).next();
        assertEquals(first, new Tokens(TestRandom.seeded(7)).next());
        assertNotEquals(first, new Tokens(TestRandom.seeded(8)).next());
    }

    @Test
    void tokensDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.add(tokens.next().value()));
        }
    }

    @Test
    void theHashIsSha256InBase64Url() throws Exception {
        Token token = tokens.next();
        byte[] sha256 = MessageDigest.getInstance("SHA-256")
                .digest(token.value().getBytes(StandardCharsets.US_ASCII));
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(sha256), token.hash().value());
        assertEquals(token.hash(), TokenHash.of(token.value()), "the same token always has the same hash");
        assertTrue(token.hash().matches(TokenHash.of(token.value())));
        assertFalse(token.hash().matches(tokens.next().hash()));
        assertFalse(token.hash().matches(null));
    }

    @Test
    void theFingerprintIsTheHashsFirstCharactersNotTheTokens() {
        Token token = tokens.next();
        assertEquals(TokenHash.FINGERPRINT_LENGTH, token.fingerprint().length());
        assertTrue(token.hash().value().startsWith(token.fingerprint()));
        assertFalse(token.value().contains(token.fingerprint()), "the fingerprint reveals none of the token");
        assertEquals(token.hash().fingerprint(), token.fingerprint());
    }

    @Test
    void toStringShowsTheFingerprintNeverTheToken() {
        Token token = tokens.next();
        assertFalse(token.toString().contains(token.value()), token.toString());
        assertTrue(token.toString().contains(token.fingerprint()), token.toString());
        assertTrue(token.toString().contains("hidden"), token.toString());
        assertFalse(token.hash().toString().contains(token.hash().value()), "a log line names a hash by fingerprint");
        assertFalse(tokens.toString().contains(token.value()));
    }

    @Test
    void parseTakesExactlyTheCanonicalForm() {
        Token token = tokens.next();
        assertEquals(token, Tokens.parse(token.value()).orElseThrow());
        assertTrue(Tokens.parse(null).isEmpty());
        assertTrue(Tokens.parse("").isEmpty());
        assertTrue(Tokens.parse(token.value().substring(1)).isEmpty(), "too short");
        assertTrue(Tokens.parse(token.value() + "A").isEmpty(), "too long");
        assertTrue(Tokens.parse(token.value() + "=").isEmpty(), "padding");
        assertTrue(Tokens.parse("+" + token.value().substring(1)).isEmpty(), "base64, not base64url");
        assertTrue(Tokens.parse(" " + token.value().substring(1)).isEmpty(), "a space");
        // 43 characters carry 258 bits; a token with either spare bit set decodes to the same 32 bytes.
        String canonical = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        assertTrue(Tokens.parse(canonical).isPresent());
        assertTrue(Tokens.parse(canonical.substring(0, 42) + "B").isEmpty(), "non-zero spare bits");
    }
}
