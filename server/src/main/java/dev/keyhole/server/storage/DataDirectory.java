package dev.keyhole.server.storage;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory Keyhole keeps its own files in ({@code data-dir}): made ready once at start-up, before anything
 * is stored there.
 *
 * <p>A missing directory is created with mode {@code 0700} (its missing parents with the usual mode), because what
 * Keyhole keeps there is for Keyhole's user alone. An existing one is used as it is, after checking that Keyhole
 * can read, write and enter it; if other users may enter it, Keyhole says so in its log but changes nothing,
 * since the operator chose its mode.
 */
public final class DataDirectory {

    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private DataDirectory() {
    }

    /**
     * Makes the data directory ready: creates it when missing, checks that Keyhole may use it.
     *
     * @param dir the configured directory, an absolute path
     * @return {@code dir}
     * @throws StorageException when it cannot be created or used, saying why and what to do
     */
    public static Path prepare(Path dir) {
        if (!dir.isAbsolute()) {
            throw new IllegalArgumentException("the data directory must be an absolute path: " + dir);
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            create(dir);
        }
        if (!Files.isDirectory(dir)) {
            throw unusable(dir, "it is not a directory");
        }
        if (!Files.isReadable(dir) || !Files.isWritable(dir) || !Files.isExecutable(dir)) {
            throw unusable(dir, "Keyhole's user (" + user() + ") may not read, write and enter it; make it theirs: "
                    + "chown " + user() + " " + dir + " && chmod 0700 " + dir);
        }
        warnIfOthersMayEnter(dir);
        return dir;
    }

    private static void create(Path dir) {
        Path parent = dir.getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (FileAlreadyExistsException e) {
            throw unusable(dir, "it does not exist and cannot be created: " + e.getFile() + " is not a directory");
        } catch (IOException e) {
            throw cannotCreate(dir, e);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            // The umask may have taken more away than 0700 keeps; it cannot have added to it.
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
            log.info("Created the data directory {} (mode 0700)", dir);
        } catch (FileAlreadyExistsException e) {
            // Created meanwhile: what follows checks what is there.
        } catch (IOException e) {
            throw cannotCreate(dir, e);
        }
    }

    private static StorageException cannotCreate(Path dir, IOException e) {
        if (e instanceof AccessDeniedException denied) {
            return unusable(dir, "it does not exist, and Keyhole's user (" + user() + ") may not create "
                    + (denied.getFile() == null ? "it" : denied.getFile()) + "; create it for that user (as root: "
                    + "install -d -m 0700 -o " + user() + " " + dir + "), or set data-dir to a directory that user "
                    + "may write");
        }
        if (e instanceof FileSystemException failed) {
            return unusable(dir, "it does not exist and cannot be created: " + (failed.getFile() == null ? ""
                    : failed.getFile() + ": ") + (failed.getReason() == null ? failed.getClass().getSimpleName()
                    : failed.getReason()));
        }
        return unusable(dir, "it does not exist and cannot be created: " + e);
    }

    private static void warnIfOthersMayEnter(Path dir) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
            if (permissions.stream().anyMatch(OTHERS::contains)) {
                log.warn("The data directory {} is open to other users (mode {}): chmod 0700 {} keeps what Keyhole "
                        + "stores there to Keyhole's user", dir, PosixFilePermissions.toString(permissions), dir);
            }
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("Cannot read the mode of the data directory {}: {}", dir, e.toString());
        }
    }

    private static StorageException unusable(Path dir, String why) {
        return new StorageException("cannot use the data directory " + dir + " (data-dir): " + why);
    }

    private static String user() {
        return System.getProperty("user.name");
    }
}
