package dev.keyhole.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory: made for Keyhole's user alone when missing, used as it is when there, refused when unfit. */
class DataDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void aMissingDirectoryIsCreatedWithItsParentsForKeyholesUserAlone() throws Exception {
        Path data = dir.resolve("var/lib/keyhole");

        assertEquals(data, DataDirectory.prepare(data));

        assertTrue(Files.isDirectory(data));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
    }

    @Test
    void anExistingDirectoryIsUsedAsItIs() throws Exception {
        Path data = Files.createDirectory(dir.resolve("keyhole"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-x---"));
        Files.writeString(data.resolve("kept"), "what was there");

        DataDirectory.prepare(data);

        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)),
                "the operator's mode is kept (and the log says others may enter)");
        assertEquals("what was there", Files.readString(data.resolve("kept")));
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsRefused() throws Exception {
        Path data = Files.writeString(dir.resolve("keyhole"), "not a directory");

        StorageException e = assertThrows(StorageException.class, () -> DataDirectory.prepare(data));

        assertEquals("cannot use the data directory " + data + " (data-dir): it is not a directory", e.getMessage());
    }

    @Test
    void aParentThatIsAFileIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("lib"), "not a directory");
        Path data = file.resolve("keyhole");

        StorageException e = assertThrows(StorageException.class, () -> DataDirectory.prepare(data));

        assertEquals("cannot use the data directory " + data + " (data-dir): it does not exist and cannot be "
                + "created: " + file + " is not a directory", e.getMessage());
    }
}
