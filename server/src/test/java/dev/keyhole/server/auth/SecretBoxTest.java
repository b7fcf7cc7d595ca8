package dev.keyhole.server.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {

    private static final byte[] SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dataDir;

    private final SecureRandom random = new SecureRandom();

    @Test
    void theKeyIsMadeOnFirstUseReadableByItsOwnerOnly() throws Exception {
        Path keyFile = dataDir.resolve(SecretBox.KEY_FILE);
        SecretBox box = SecretBox.loadOrCreate(keyFile, random);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        String line = Files.readString(keyFile);
        assertTrue(line.matches("[A-Za-z0-9+/]{43}=\n"), "one line of base64");
        assertEquals(32, Base64.getDecoder().decode(line.strip()).length);
        try (var files = Files.list(dataDir)) {
            assertEquals(1, files.count(), "no temporary file left beside it");
        }

        SecretBox again = SecretBox.loadOrCreate(keyFile, random);
        assertEquals(line, Files.readString(keyFile), "an existing key is kept");
        assertEquals(box.keyId(), again.keyId());
        assertArrayEquals(SECRET, again.open(box.seal(SECRET, "user:1:totp"), "user:1:totp"));
    }

    @Test
    void processesStartingTogetherAgreeOnOneKey() throws Exception {
        Path keyFile = dataDir.resolve(SecretBox.KEY_FILE);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(pool.submit(() -> {
                    start.await();
                    return SecretBox.loadOrCreate(keyFile, new SecureRandom()).keyId();
                }));
            }
            start.countDown();
            String first = ids.get(0).get(10, TimeUnit.SECONDS);
            for (Future<String> id : ids) {
                assertEquals(first, id.get(10, TimeUnit.SECONDS));
            }
            assertEquals(first, SecretBox.load(keyFile, random).keyId());
        } finally {
            pool.shutdownNow();
        }
        try (var files = Files.list(dataDir)) {
            assertEquals(1, files.count(), "no temporary file left beside it");
        }
    }

    @Test
    void aMissingDataDirectoryIsMadeOwnerOnly() throws Exception {
        Path keyFile = dataDir.resolve("new/data").resolve(SecretBox.KEY_FILE);
        SecretBox.loadOrCreate(keyFile, random);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile.getParent())));
    }

    @Test
    void itIsAes256GcmUnderTheFilesKeyWithTheRecordIdAuthenticated() throws Exception {
        Path keyFile = dataDir.resolve(SecretBox.KEY_FILE);
        SecretBox box = SecretBox.loadOrCreate(keyFile, random);
        byte[] sealed = box.seal(SECRET, "user:1:totp");
        assertEquals(1 + 8 + 12 + SECRET.length + 16, sealed.length);
        assertEquals(1, sealed[0], "version");

        byte[] key = Base64.getDecoder().decode(Files.readString(keyFile).strip());
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                new GCMParameterSpec(128, Arrays.copyOfRange(sealed, 9, 21)));
        cipher.updateAAD(Arrays.copyOf(sealed, 21));
        cipher.updateAAD("user:1:totp".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(SECRET, cipher.doFinal(sealed, 21, sealed.length - 21));
        assertEquals(256, key.length * 8);
    }

    @Test
    void everySealIsDifferentAndHidesThePlaintext() {
        SecretBox box = SecretBox.loadOrCreate(dataDir.resolve(SecretBox.KEY_FILE), random);
        byte[] first = box.seal(SECRET, "user:1:totp");
        byte[] second = box.seal(SECRET, "user:1:totp");
        assertFalse(Arrays.equals(first, second), "a fresh nonce each time");
        String text = new String(first, StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("1234567890"));
        assertArrayEquals(SECRET, box.open(second, "user:1:totp"));
        assertArrayEquals(new byte[0], box.open(box.seal(new byte[0], "r"), "r"), "empty is a secret too");
    }

    @Test
    void aSealedSecretDoesNotOpenForAnotherRecord() {
        SecretBox box = SecretBox.loadOrCreate(dataDir.resolve(SecretBox.KEY_FILE), random);
        byte[] sealed = box.seal(SECRET, "user:1:totp");
        SecretBoxException e = assertThrows(SecretBoxException.class, () -> box.open(sealed, "user:2:totp"));
        assertTrue(e.getMessage().contains("does not open for user:2:totp"), e.getMessage());
        assertTrue(e.getMessage().contains("another record, or altered"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> box.seal(SECRET, ""));
    }

    @Test
    void anAlteredByteAnywhereIsRefused() {
        SecretBox box = SecretBox.loadOrCreate(dataDir.resolve(SecretBox.KEY_FILE), random);
        byte[] sealed = box.seal(SECRET, "user:1:totp");
        for (int i = 0; i < sealed.length; i++) {
            byte[] altered = sealed.clone();
            altered[i] ^= 1;
            assertThrows(SecretBoxException.class, () -> box.open(altered, "user:1:totp"), "byte " + i);
        }
        SecretBoxException e = assertThrows(SecretBoxException.class,
                () -> box.open(Arrays.copyOf(sealed, 30), "user:1:totp"));
        assertTrue(e.getMessage().contains("not one Keyhole wrote (30 bytes, version 1)"), e.getMessage());
        assertThrows(SecretBoxException.class, () -> box.open(new byte[0], "user:1:totp"));
    }

    @Test
    void anotherKeyIsNamedAsSuch() {
        SecretBox box = SecretBox.loadOrCreate(dataDir.resolve("a").resolve(SecretBox.KEY_FILE), random);
        SecretBox other = SecretBox.loadOrCreate(dataDir.resolve("b").resolve(SecretBox.KEY_FILE), random);
        assertNotEquals(box.keyId(), other.keyId());
        assertTrue(box.keyId().matches("[0-9a-f]{16}"), box.keyId());
        byte[] sealed = box.seal(SECRET, "user:1:totp");
        SecretBoxException e = assertThrows(SecretBoxException.class, () -> other.open(sealed, "user:1:totp"));
        assertTrue(e.getMessage().contains("sealed under key " + box.keyId()), e.getMessage());
        assertTrue(e.getMessage().contains("holds key " + other.keyId()), e.getMessage());
        assertTrue(e.getMessage().contains(dataDir.resolve("b").resolve(SecretBox.KEY_FILE).toString()));
    }

    @Test
    void aMissingKeyIsAnErrorWhenOneIsExpected() {
        Path keyFile = dataDir.resolve(SecretBox.KEY_FILE);
        SecretBoxException e = assertThrows(SecretBoxException.class, () -> SecretBox.load(keyFile, random));
        assertTrue(e.getMessage().startsWith(keyFile + " is missing"), e.getMessage());
        assertTrue(e.getMessage().contains("Restore it from the backup"), e.getMessage());
        assertFalse(Files.exists(keyFile), "load never makes a key");
    }

    @Test
    void aKeyFileThatIsNotAKeyIsRefused() throws Exception {
        Path keyFile = dataDir.resolve(SecretBox.KEY_FILE);
        for (String content : new String[] {"", "not base64!\n", Base64.getEncoder().encodeToString(new byte[16]),
            Base64.getEncoder().encodeToString(new byte[33])}) {
            Files.writeString(keyFile, content);
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            SecretBoxException e = assertThrows(SecretBoxException.class,
                    () -> SecretBox.loadOrCreate(keyFile, random), content);
            assertEquals(keyFile + " is not a Keyhole secret key (expected one line: 32 bytes in base64)",
                    e.getMessage());
        }
    }

    @Test
    void aKeyFileOthersMayReadIsRefused() throws Exception {
        Path keyFile = dataDir.resolve(SecretBox.KEY_FILE);
        SecretBox.loadOrCreate(keyFile, random);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        SecretBoxException e = assertThrows(SecretBoxException.class, () -> SecretBox.load(keyFile, random));
        assertEquals(keyFile + " may be read by others (rw-r--r--); it holds the key to the TOTP secrets: chmod 600 "
                + keyFile, e.getMessage());
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("r--------"));
        SecretBox.load(keyFile, random);
    }

    @Test
    void toStringShowsTheFileAndKeyIdNeverTheKey() throws Exception {
        Path keyFile = dataDir.resolve(SecretBox.KEY_FILE);
        SecretBox box = SecretBox.loadOrCreate(keyFile, random);
        String key = Files.readString(keyFile).strip();
        assertEquals("SecretBox[" + keyFile + ", key " + box.keyId() + "]", box.toString());
        assertFalse(box.toString().contains(key));
        assertFalse(box.toString().contains(key.substring(0, 8)));
    }
}
