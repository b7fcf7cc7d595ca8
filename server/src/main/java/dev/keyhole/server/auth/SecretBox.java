package dev.keyhole.server.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the secrets Keyhole must read back (TOTP secrets) before they go into the database, with AES-256-GCM under
 * a key kept in a file of the data directory, never in the database: a copy of the database alone (a backup, a
 * PostgreSQL replica, a dump) does not give them away.
 *
 * <p>Each sealed secret is bound to the record it belongs to: the caller's record id (say {@code user:42:totp}) is
 * authenticated with it, so a sealed secret copied into another user's row does not open. It reads
 * {@code version (1 byte) ‖ key id (8) ‖ nonce (12) ‖ ciphertext ‖ tag (16)}; the nonce is random, from the injected
 * {@link SecureRandom} (under one key, 2<sup>32</sup> seals stay far inside GCM's bounds); the key id, the first 8
 * bytes of a SHA-256 of the key, lets {@link #open} tell "another key" from "altered".
 *
 * <p>The key file ({@value #KEY_FILE} in the data directory) is one line: the 32-byte key in base64. It is created
 * on first use with mode 0600 (written aside and linked into place, so no reader ever sees half a key), and refused
 * when group or others may read it. It must be backed up with the database: without it the sealed secrets cannot
 * be read, and their users must enrol their authenticator again.
 *
 * <p>Thread-safe.
 */
public final class SecretBox {

    /** The key file's name in the data directory. */
    public static final String KEY_FILE = "secret-box.key";

    private static final byte VERSION = 1;
    private static final int KEY_BYTES = 32;
    private static final int KEY_ID_BYTES = 8;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path keyFile;
    private final SecretKeySpec key;
    private final byte[] keyId;
    private final SecureRandom random;

    private SecretBox(Path keyFile, byte[] key, SecureRandom random) {
        this.keyFile = keyFile;
        this.key = new SecretKeySpec(key, "AES");
        this.keyId = keyId(key);
        this.random = random;
        Arrays.fill(key, (byte) 0);
    }

    /**
     * Opens the box of a data directory whose key file must exist already: what a server with sealed secrets in its
     * database does, so that a lost key file is an error at start-up rather than a new key nothing opens with.
     *
     * @param keyFile the key file; never null
     * @param random where nonces come from; never null
     * @return the box
     * @throws SecretBoxException when the file is missing, unreadable, malformed, or readable by group or others
     */
    public static SecretBox load(Path keyFile, SecureRandom random) {
        Objects.requireNonNull(random, "random");
        return new SecretBox(keyFile, readKey(keyFile), random);
    }

    /**
     * Opens the box of a data directory, making its key on first use: a new key from {@code random}, written to
     * {@code keyFile} with mode 0600 (its directory is created with mode 0700 if missing). When another process
     * makes the file at the same moment, both use the one that was linked into place first.
     *
     * @param keyFile the key file; never null
     * @param random where the key and nonces come from; never null
     * @return the box
     * @throws SecretBoxException when an existing file is unreadable, malformed or open to others, or a new one
     *     cannot be written
     */
    public static SecretBox loadOrCreate(Path keyFile, SecureRandom random) {
        Objects.requireNonNull(random, "random");
        if (!Files.exists(keyFile)) {
            create(keyFile, random);
        }
        return load(keyFile, random);
    }

    /** @return the key's id, 16 hexadecimal digits, which {@link #open}'s errors name; not a secret */
    public String keyId() {
        return HexFormat.of().formatHex(keyId);
    }

    /**
     * Seals a secret for one record.
     *
     * @param plaintext the secret; never null
     * @param recordId what the sealed secret belongs to, for example {@code user:42:totp}; the same id opens it;
     *     never null or empty
     * @return the sealed secret, {@value #HEADER_BYTES} + 16 bytes longer than the plaintext
     */
    public byte[] seal(byte[] plaintext, String recordId) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] header = new byte[HEADER_BYTES];
        header[0] = VERSION;
        System.arraycopy(keyId, 0, header, 1, KEY_ID_BYTES);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, header, 1 + KEY_ID_BYTES, NONCE_BYTES);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, header, recordId);
            byte[] sealed = Arrays.copyOf(header, HEADER_BYTES + cipher.getOutputSize(plaintext.length));
            cipher.doFinal(plaintext, 0, plaintext.length, sealed, HEADER_BYTES);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to seal", e);
        }
    }

    /**
     * Opens a secret sealed for a record.
     *
     * @param sealed what {@link #seal} returned; never null
     * @param recordId the id it was sealed for; never null or empty
     * @return the secret
     * @throws SecretBoxException when it was sealed under another key (the message names both key ids), does not
     *     authenticate for {@code recordId} (sealed for another record, or altered), or is not a sealed secret
     */
    public byte[] open(byte[] sealed, String recordId) {
        Objects.requireNonNull(sealed, "sealed");
        if (sealed.length < HEADER_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            throw new SecretBoxException("the sealed secret of " + recordId + " is not one Keyhole wrote ("
                    + sealed.length + " bytes" + (sealed.length > 0 ? ", version " + sealed[0] : "") + ")");
        }
        byte[] sealedKeyId = Arrays.copyOfRange(sealed, 1, 1 + KEY_ID_BYTES);
        if (!Arrays.equals(sealedKeyId, keyId)) {
            throw new SecretBoxException("the secret of " + recordId + " was sealed under key "
                    + HexFormat.of().formatHex(sealedKeyId) + ", but " + keyFile + " holds key " + keyId()
                    + ": the key file was replaced, or the database belongs to another data directory");
        }
        byte[] header = Arrays.copyOf(sealed, HEADER_BYTES);
        byte[] nonce = Arrays.copyOfRange(sealed, 1 + KEY_ID_BYTES, HEADER_BYTES);
        try {
            return cipher(Cipher.DECRYPT_MODE, nonce, header, recordId)
                    .doFinal(sealed, HEADER_BYTES, sealed.length - HEADER_BYTES);
        } catch (AEADBadTagException e) {
            throw new SecretBoxException("the sealed secret does not open for " + recordId
                    + ": it was sealed for another record, or altered", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to open", e);
        }
    }

    /** @return the key file and the key's id, never the key */
    @Override
    public String toString() {
        return "SecretBox[" + keyFile + ", key " + keyId() + "]";
    }

    private Cipher cipher(int mode, byte[] nonce, byte[] header, String recordId) throws GeneralSecurityException {
        Objects.requireNonNull(recordId, "recordId");
        if (recordId.isEmpty()) {
            throw new IllegalArgumentException("a sealed secret belongs to a record: the record id is empty");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        // The header is fixed-length, so header ‖ id is unambiguous.
        cipher.updateAAD(header);
        cipher.updateAAD(recordId.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static byte[] keyId(byte[] key) {
        byte[] label = "keyhole secret-box key id\0".getBytes(StandardCharsets.US_ASCII);
        byte[] input = Arrays.copyOf(label, label.length + key.length);
        System.arraycopy(key, 0, input, label.length, key.length);
        return Arrays.copyOf(Digests.sha256(input), KEY_ID_BYTES);
    }

    private static byte[] readKey(Path keyFile) {
        String text;
        try {
            if (isPosix(keyFile)) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(keyFile);
                if (!OWNER_ONLY.containsAll(permissions)) {
                    throw new SecretBoxException(keyFile + " may be read by others ("
                            + PosixFilePermissions.toString(permissions) + "); it holds the key to the TOTP secrets:"
                            + " chmod 600 " + keyFile);
                }
            }
            text = Files.readString(keyFile, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new SecretBoxException(keyFile + " is missing: it holds the key to the TOTP secrets in the"
                    + " database. Restore it from the backup of the data directory; without it, every user with"
                    + " an authenticator app must enrol it again", e);
        } catch (IOException e) {
            throw new SecretBoxException("cannot read the secret key " + keyFile + ": " + e, e);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length != KEY_BYTES) {
            throw new SecretBoxException(keyFile + " is not a Keyhole secret key (expected one line: "
                    + KEY_BYTES + " bytes in base64)");
        }
        return key;
    }

    private static void create(Path keyFile, SecureRandom random) {
        Path directory = keyFile.toAbsolutePath().getParent();
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        byte[] line = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(key, (byte) 0);
        Path temporary = null;
        try {
            boolean posix = isPosix(directory.getRoot());
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, posix
                        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rwx------"))}
                        : new FileAttribute<?>[0]);
            }
            temporary = posix
                    ? Files.createTempFile(directory, ".secret-box", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                    : Files.createTempFile(directory, ".secret-box", ".tmp");
            if (posix) {
                Files.setPosixFilePermissions(temporary, OWNER_ONLY);
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(line));
                channel.force(true);
            }
            try {
                // A link fails if the name exists, so a key another process put there first is never replaced.
                Files.createLink(keyFile, temporary);
            } catch (UnsupportedOperationException e) {
                Files.move(temporary, keyFile);
            }
        } catch (FileAlreadyExistsException e) {
            // Another process made the key first; load() reads that one.
        } catch (IOException e) {
            throw new SecretBoxException("cannot create the secret key " + keyFile + ": " + e, e);
        } finally {
            Arrays.fill(line, (byte) 0);
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    // A leftover temporary file is harmless: it is mode 0600, and the next start ignores it.
                }
            }
        }
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
