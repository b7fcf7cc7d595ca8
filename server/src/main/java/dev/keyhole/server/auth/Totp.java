package dev.keyhole.server.auth;

import com.eatthepath.otp.HmacOneTimePasswordGenerator;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238) as every authenticator app computes them: HMAC-SHA-1, 6 digits, a new
 * code every 30 seconds counted from the Unix epoch. A code is accepted for the current time step and one step
 * either side (a phone's clock a little off, a code typed as it changed), and only once: RFC 6238 section 5.2
 * forbids accepting a code again after it has been used, so {@link #verify} takes the step of the last code
 * accepted for the secret and answers with the step to store in its place.
 *
 * <p>Secrets have 160 bits (RFC 4226's recommended length) from the injected {@link SecureRandom}; time comes from
 * the injected {@link Clock}. Thread-safe.
 */
public final class Totp {

    /** The issuer enrolment URIs name, which authenticator apps show above the account name. */
    public static final String ISSUER = "Keyhole";

    /** The length of a code. */
    public static final int DIGITS = 6;

    /** How long one code lasts. */
    public static final Duration STEP = Duration.ofSeconds(30);

    /** How many steps either side of the current one are accepted. */
    public static final int WINDOW = 1;

    /** The bytes of a new secret: 20, i.e. 160 bits. */
    public static final int SECRET_BYTES = 20;

    /** The last-used step of a secret no code was accepted for yet; every real step is greater. */
    public static final long NONE_USED = -1;

    private final Clock clock;
    private final SecureRandom random;
    private final HmacOneTimePasswordGenerator hotp = new HmacOneTimePasswordGenerator(DIGITS);

    /**
     * One-time passwords on one clock.
     *
     * @param clock what "now" is; never null
     * @param random where secrets come from; never null
     */
    public Totp(Clock clock, SecureRandom random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** @return a new secret of {@value #SECRET_BYTES} random bytes */
    public TotpSecret newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return new TotpSecret(bytes);
    }

    /**
     * Checks a code a user typed, and spends it.
     *
     * <p>Every candidate step is computed and compared in constant time, whatever matches first. A code matching
     * more than one step (one chance in a million) counts for the latest, which spends the most.
     *
     * @param secret the user's secret; never null
     * @param code what the user typed: {@value #DIGITS} ASCII digits, spaces between them allowed; null or anything
     *     else is refused
     * @param lastUsedStep the step of the last code accepted for this secret, as the previous successful call
     *     returned it, or {@link #NONE_USED}
     * @return the step of this code, to store as the secret's new last-used step before answering the user (a code
     *     is spent only once that is stored); empty when the code is wrong, outside the window, or not later than
     *     {@code lastUsedStep} (used already, or older than one that was)
     */
    public OptionalLong verify(TotpSecret secret, CharSequence code, long lastUsedStep) {
        Objects.requireNonNull(secret, "secret");
        byte[] typed = digits(code);
        if (typed == null) {
            return OptionalLong.empty();
        }
        long now = currentStep();
        OptionalLong accepted = OptionalLong.empty();
        for (long step = now - WINDOW; step <= now + WINDOW; step++) {
            boolean matches = MessageDigest.isEqual(typed, code(secret, step).getBytes(StandardCharsets.US_ASCII));
            if (matches && step > lastUsedStep) {
                accepted = OptionalLong.of(step);
            }
        }
        return accepted;
    }

    /**
     * What the enrolment page shows: the secret as text, the {@code otpauth://} URI authenticator apps read, and
     * that URI as a QR code.
     *
     * @param secret the new secret; never null
     * @param accountName the user's name, which the app shows under {@value #ISSUER}; never null
     * @return the enrolment; it holds the secret, so it goes to that user's page only
     */
    public TotpEnrolment enrolment(TotpSecret secret, String accountName) {
        String uri = uri(secret, accountName);
        return new TotpEnrolment(secret.base32(), uri, QrCodes.svg(uri));
    }

    /**
     * The key URI of Google Authenticator's format, which every authenticator app reads:
     * {@code otpauth://totp/Keyhole:NAME?secret=BASE32&issuer=Keyhole&algorithm=SHA1&digits=6&period=30}, with the
     * name percent-encoded.
     */
    static String uri(TotpSecret secret, String accountName) {
        Objects.requireNonNull(accountName, "accountName");
        return "otpauth://totp/" + percentEncode(ISSUER) + ":" + percentEncode(accountName)
                + "?secret=" + secret.base32()
                + "&issuer=" + percentEncode(ISSUER)
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP.toSeconds();
    }

    /** @return the time step now: whole {@link #STEP}s since the Unix epoch */
    long currentStep() {
        return Math.floorDiv(clock.instant().getEpochSecond(), STEP.toSeconds());
    }

    /** @return the code of {@code secret} for {@code step}, {@value #DIGITS} ASCII digits */
    String code(TotpSecret secret, long step) {
        try {
            int value = hotp.generateOneTimePassword(new SecretKeySpec(secret.bytes(), "HmacSHA1"), step);
            return String.format(Locale.ROOT, "%0" + DIGITS + "d", value);
        } catch (InvalidKeyException e) {
            // HMAC takes keys of any length, and a TotpSecret is never empty.
            throw new IllegalStateException(e);
        }
    }

    /** @return the clock and window, never a secret */
    @Override
    public String toString() {
        return "Totp[SHA1, " + DIGITS + " digits, " + STEP.toSeconds() + " s, ±" + WINDOW + " step]";
    }

    /** @return the code's digits as ASCII, without spaces; null unless there are exactly {@value #DIGITS} digits */
    private static byte[] digits(CharSequence code) {
        if (code == null || code.length() > 2 * DIGITS) {
            return null;
        }
        byte[] digits = new byte[DIGITS];
        int n = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == ' ') {
                continue;
            }
            if (c < '0' || c > '9' || n == DIGITS) {
                return null;
            }
            digits[n++] = (byte) c;
        }
        return n == DIGITS ? digits : null;
    }

    /** RFC 3986 percent-encoding of everything but its unreserved characters, as the key URI format asks. */
    private static String percentEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
