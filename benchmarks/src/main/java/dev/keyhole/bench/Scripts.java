package dev.keyhole.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The benchmark's own scripts, kept beside its classes (its resources) and written to a work directory to run: a
 * program runs a file, never a resource inside a jar, and never a file of the checkout that it could change.
 */
final class Scripts {

    private Scripts() {
    }

    /** @return {@code name} written to {@code directory}, executable */
    static Path copy(String name, Path directory) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(name);
        try (InputStream in = Scripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("the benchmark has no script " + name);
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        if (!file.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + file + " executable");
        }
        return file;
    }
}
