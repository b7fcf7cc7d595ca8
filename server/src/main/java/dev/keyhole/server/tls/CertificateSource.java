package dev.keyhole.server.tls;

import java.nio.file.Path;
import java.util.List;

/** Where the certificate Keyhole's port presents comes from. */
public interface CertificateSource {

    /**
     * @return the certificate chain and its key as they are now
     * @throws CertificateProblem when they cannot be read or do not belong together
     */
    KeyMaterial load() throws CertificateProblem;

    /** @return the files whose change means {@link #load} yields something new; empty when it never does */
    List<Path> files();
}
