package dev.keyhole.server.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {

    /** RFC 6238 appendix B's SHA-1 seed: the ASCII of "12345678901234567890". */
    private static final TotpSecret RFC_SEED =
            new TotpSecret("12345678901234567890".getBytes(StandardCharsets.US_ASCII));

    private static final long NOW = 1_700_000_000L;

    /**
     * RFC 6238 appendix B, the SHA-1 rows. The RFC prints 8-digit codes; a 6-digit code is the same truncated value
     * modulo 10<sup>6</sup> instead of 10<sup>8</sup> (RFC 4226 section 5.3), i.e. its last six digits.
     */
    @ParameterizedTest(name = "T = {0}")
    @CsvSource({
        "59,          0000000000000001, 94287082",
        "1111111109,  00000000023523EC, 07081804",
        "1111111111,  00000000023523ED, 14050471",
        "1234567890,  000000000273EF07, 89005924",
        "2000000000,  0000000003F940AA, 69279037",
        "20000000000, 0000000027BC86AA, 65353130",
    })
    void theRfc6238TestVectors(long time, String stepHex, String rfcCode) {
        Totp totp = totpAt(time);
        long step = Long.parseLong(stepHex, 16);
        String code = rfcCode.substring(2);
        assertEquals(step, totp.currentStep());
        assertEquals(code, totp.code(RFC_SEED, step));
        assertEquals(OptionalLong.of(step), totp.verify(RFC_SEED, code, Totp.NONE_USED));
    }

    @Test
    void oneStepEitherSideIsAcceptedTwoAreNot() {
        Totp totp = totpAt(NOW);
        TotpSecret secret = totp.newSecret();
        long now = totp.currentStep();
        for (long offset = -1; offset <= 1; offset++) {
            assertEquals(OptionalLong.of(now + offset),
                    totp.verify(secret, totp.code(secret, now + offset), Totp.NONE_USED), "offset " + offset);
        }
        assertTrue(totp.verify(secret, totp.code(secret, now - 2), Totp.NONE_USED).isEmpty(), "two steps early");
        assertTrue(totp.verify(secret, totp.code(secret, now + 2), Totp.NONE_USED).isEmpty(), "two steps late");
    }

    @Test
    void eachCodeIsAcceptedOnceAndNoOlderOneAfterIt() {
        Totp totp = totpAt(NOW);
        TotpSecret secret = totp.newSecret();
        long now = totp.currentStep();
        String current = totp.code(secret, now);

        long used = totp.verify(secret, current, Totp.NONE_USED).orElseThrow();
        assertEquals(now, used);
        assertTrue(totp.verify(secret, current, used).isEmpty(), "the same code again");
        assertTrue(totp.verify(secret, totp.code(secret, now - 1), used).isEmpty(), "an older code after it");
        assertEquals(OptionalLong.of(now + 1), totp.verify(secret, totp.code(secret, now + 1), used),
                "the next step's code");
    }

    @Test
    void theCodeThatIsSpentAtTheEdgeOfTheWindowStaysSpentAsTimeMoves() {
        TotpSecret secret = totpAt(NOW).newSecret();
        Totp before = totpAt(NOW);
        long step = before.currentStep() + 1;
        String early = before.code(secret, step);
        long used = before.verify(secret, early, Totp.NONE_USED).orElseThrow();
        Totp later = totpAt(NOW + 30);
        assertEquals(step, later.currentStep());
        assertTrue(later.verify(secret, early, used).isEmpty(), "30 s later the same code is current, and spent");
    }

    @Test
    void onlySixDigitsAreACode() {
        Totp totp = totpAt(NOW);
        TotpSecret secret = totp.newSecret();
        String code = totp.code(secret, totp.currentStep());
        assertTrue(code.matches("[0-9]{6}"), code);
        assertTrue(totp.verify(secret, code.substring(0, 3) + " " + code.substring(3), Totp.NONE_USED).isPresent(),
                "a space between the groups");
        for (String wrong : new String[] {null, "", code.substring(1), code + "0", "0" + code, "abcdef",
            code.substring(0, 5) + "x", "١٢٣٤٥٦", code + "          "}) {
            assertTrue(totp.verify(secret, wrong, Totp.NONE_USED).isEmpty(), String.valueOf(wrong));
        }
        String other = totp.code(totp.newSecret(), totp.currentStep());
        if (!other.equals(code)) {
            assertTrue(totp.verify(secret, other, Totp.NONE_USED).isEmpty(), "another secret's code");
        }
    }

    @Test
    void secretsAre160BitsFromTheInjectedRandom() {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
        TotpSecret secret = new Totp(clock, TestRandom.seeded(1)).newSecret();
        assertEquals(20, secret.bytes().length);
        assertEquals(secret, new Totp(clock, TestRandom.seeded(1)).newSecret());
        assertNotEquals(secret, new Totp(clock, TestRandom.seeded(2)).newSecret());
        assertEquals(32, secret.base32().length());
        assertTrue(secret.base32().matches("[A-Z2-7]{32}"), "base32 without padding");
    }

    @Test
    void base32IsRfc4648() {
        // RFC 4648 section 10.
        String[][] vectors = {{"", ""}, {"f", "MY"}, {"fo", "MZXQ"}, {"foo", "MZXW6"}, {"foob", "MZXW6YQ"},
            {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"}};
        for (String[] v : vectors) {
            assertEquals(v[1], Base32.encode(v[0].getBytes(StandardCharsets.US_ASCII)));
            assertArrayEquals(v[0].getBytes(StandardCharsets.US_ASCII), Base32.decode(v[1]));
        }
        assertArrayEquals("foobar".getBytes(StandardCharsets.US_ASCII), Base32.decode("mzxw-6ytb oi======"),
                "either case, spaces, hyphens and padding");
        assertEquals("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", RFC_SEED.base32());
        assertEquals(RFC_SEED, TotpSecret.fromBase32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TotpSecret.fromBase32("GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ"));
        assertFalse(e.getMessage().contains("GEZD"), "the message does not repeat the secret");
        assertThrows(IllegalArgumentException.class, () -> TotpSecret.fromBase32("MZ=XW"), "padding in the middle");
        assertThrows(IllegalArgumentException.class, () -> TotpSecret.fromBase32("MZXW6YTBOI"), "too short");
    }

    @Test
    void theEnrolmentUriIsTheKeyUriFormat() {
        Totp totp = totpAt(NOW);
        assertEquals("otpauth://totp/Keyhole:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Keyhole"
                + "&algorithm=SHA1&digits=6&period=30", totp.enrolment(RFC_SEED, "alice").uri());
        assertTrue(totp.enrolment(RFC_SEED, "Zoë Ops:1").uri().startsWith("otpauth://totp/Keyhole:Zo%C3%AB%20Ops%3A1?"),
                "the name percent-encoded, its colon too");
        TotpEnrolment enrolment = totp.enrolment(RFC_SEED, "alice");
        assertEquals(RFC_SEED.base32(), enrolment.secret());
    }

    /** The QR code is read back by zxing, a decoder that shares no code with the encoder, for twenty secrets. */
    @Test
    void theQrCodeHoldsTheUri() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
        Totp totp = new Totp(clock, TestRandom.seeded(6238));
        for (int i = 0; i < 20; i++) {
            TotpEnrolment enrolment = totp.enrolment(totp.newSecret(), "alice");
            String svg = enrolment.qrCodeSvg();
            assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "), svg);
            assertTrue(svg.endsWith("</svg>"));
            assertEquals(enrolment.uri(), decode(svg));
        }
    }

    @Test
    void toStringHidesEverySecret() {
        Totp totp = totpAt(NOW);
        TotpSecret secret = totp.newSecret();
        TotpEnrolment enrolment = totp.enrolment(secret, "alice");
        String base32 = secret.base32();
        for (Object o : new Object[] {secret, enrolment, totp}) {
            assertFalse(o.toString().contains(base32), o.toString());
            assertFalse(o.toString().contains(base32.toLowerCase()), o.toString());
        }
        assertEquals("TotpSecret[hidden]", secret.toString());
        assertEquals("TotpEnrolment[hidden]", enrolment.toString());
    }

    @Test
    void aSecretIsAValue() {
        byte[] bytes = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        TotpSecret secret = new TotpSecret(bytes);
        bytes[0] = 'x';
        assertEquals(RFC_SEED, secret, "the array is copied in");
        secret.bytes()[0] = 'x';
        assertEquals(RFC_SEED, secret, "and out");
        assertEquals(RFC_SEED.hashCode(), secret.hashCode());
        assertThrows(IllegalArgumentException.class, () -> new TotpSecret(new byte[15]));
    }

    private static Totp totpAt(long epochSecond) {
        return new Totp(Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC), new SecureRandom());
    }

    /**
     * Draws the SVG's unit squares as pixels, four per module, and decodes them as the pure barcode they are: zxing
     * reads the module grid directly instead of looking for finder patterns, which its detector, tuned for camera
     * pictures, misses in about one flawless synthetic image in a hundred.
     */
    private static String decode(String svg) throws Exception {
        Matcher viewBox = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"").matcher(svg);
        assertTrue(viewBox.find());
        int size = Integer.parseInt(viewBox.group(1));
        int scale = 4;
        int[] pixels = new int[size * size * scale * scale];
        Arrays.fill(pixels, 0xffffff);
        Matcher square = Pattern.compile("M(\\d+),(\\d+)h1v1h-1z").matcher(svg);
        int squares = 0;
        while (square.find()) {
            int x = Integer.parseInt(square.group(1));
            int y = Integer.parseInt(square.group(2));
            assertTrue(x >= QrCodes.BORDER && y >= QrCodes.BORDER && x < size - QrCodes.BORDER
                    && y < size - QrCodes.BORDER, "a module in the quiet zone");
            for (int dy = 0; dy < scale; dy++) {
                for (int dx = 0; dx < scale; dx++) {
                    pixels[(y * scale + dy) * size * scale + x * scale + dx] = 0;
                }
            }
            squares++;
        }
        assertTrue(squares > 100, "squares: " + squares);
        RGBLuminanceSource source = new RGBLuminanceSource(size * scale, size * scale, pixels);
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)),
                Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
    }
}
