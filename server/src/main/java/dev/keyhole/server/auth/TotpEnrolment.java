package dev.keyhole.server.auth;

import java.util.Objects;

/**
 * What the enrolment page shows a user adding an authenticator app, each a form of the same secret: the QR code to
 * scan, and the secret as text to type when the camera cannot scan it. All three are the secret itself, so they are
 * shown once, to that user only, and never logged; {@link #toString()} hides them.
 *
 * @param secret the secret in base32, as {@link TotpSecret#base32()} writes it
 * @param uri the {@code otpauth://totp/} URI the QR code holds (Google Authenticator's key URI format)
 * @param qrCodeSvg the QR code of {@code uri}, as a standalone SVG document
 */
public record TotpEnrolment(String secret, String uri, String qrCodeSvg) {

    /** Refuses nulls. */
    public TotpEnrolment {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(qrCodeSvg, "qrCodeSvg");
    }

    /** @return {@code TotpEnrolment[hidden]} */
    @Override
    public String toString() {
        return "TotpEnrolment[hidden]";
    }
}
