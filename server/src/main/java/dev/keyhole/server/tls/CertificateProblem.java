package dev.keyhole.server.tls;

import java.nio.file.Path;

/** A certificate or key that cannot be read, made or used; the message names the file and says why. */
public final class CertificateProblem extends Exception {

    private final Path file;

    /**
     * @param file   the file (or directory) at fault
     * @param reason what is wrong with it, and what to do
     * @param cause  the underlying error; may be null
     */
    public CertificateProblem(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
    }

    /** @return the file (or directory) at fault */
    public Path file() {
        return file;
    }

    /** @return what is wrong with it, without the file's name */
    public String reason() {
        return getMessage().substring(file.toString().length() + 2);
    }
}
