package dev.keyhole.server.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A passkey authenticator in software, for tests of the ceremonies' logic (the library checks the crypto; this
 * makes what it checks): it answers {@code navigator.credentials.create} options with a new discoverable ES256
 * credential ("none" attestation) and {@code .get} options with a signed assertion, as a browser would hand them to
 * the server, in WebAuthn's JSON. Its signature counter, flags and origin can be set, to make clones and forgeries.
 *
 * <p>It keeps one credential (the last it made); {@link #copy} is a clone of it, with its own counter.
 */
final class SoftAuthenticator {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int UP = 0x01;
    private static final int UV = 0x04;
    private static final int AT = 0x40;

    private final SecureRandom random = new SecureRandom();
    private final String origin;
    private byte[] credentialId;
    private byte[] userHandle;
    private KeyPair keys;
    /** The counter the next signature carries; each signature adds {@link #step}. */
    private long counter;
    private long step = 1;
    private boolean verifiesUser = true;

    /** @param origin the origin the browser would put in its client data, e.g. {@code http://localhost:8080} */
    SoftAuthenticator(String origin) {
        this.origin = origin;
    }

    /** @return a clone: the same credential and key, its counter where this one's is now */
    SoftAuthenticator copy() {
        return copyAt(origin);
    }

    /** @return a clone that answers for pages of another origin (a phishing page's, say) */
    SoftAuthenticator copyAt(String otherOrigin) {
        SoftAuthenticator copy = new SoftAuthenticator(otherOrigin);
        copy.credentialId = credentialId;
        copy.userHandle = userHandle;
        copy.keys = keys;
        copy.counter = counter;
        copy.step = step;
        copy.verifiesUser = verifiesUser;
        return copy;
    }

    /** Counts signatures from {@code start}, by {@code by} each (0: never counts, as most phones' passkeys). */
    SoftAuthenticator counting(long start, long by) {
        counter = start;
        step = by;
        return this;
    }

    /** Signs without the user-verified flag (a security key that only checks presence). */
    SoftAuthenticator withoutUserVerification() {
        verifiesUser = false;
        return this;
    }

    /** @return the credential's id, base64url */
    String credentialId() {
        return B64.encodeToString(credentialId);
    }

    /**
     * Makes a new credential for {@code navigator.credentials.create} options.
     *
     * @param options the server's {@code {"publicKey": {…}}} (or the {@code publicKey} object itself)
     * @return the new credential, as the browser's {@code PublicKeyCredential} in WebAuthn's JSON
     */
    String create(String options) throws Exception {
        JsonNode publicKey = publicKey(options);
        String rpId = publicKey.path("rp").path("id").asText();
        userHandle = UNB64.decode(publicKey.path("user").path("id").asText());
        credentialId = new byte[32];
        random.nextBytes(credentialId);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        keys = generator.generateKeyPair();
        byte[] clientData = clientData("webauthn.create", publicKey.path("challenge").asText());

        ByteArrayOutputStream authData = new ByteArrayOutputStream();
        authData.write(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
        authData.write(UP | (verifiesUser ? UV : 0) | AT);
        authData.write(ByteBuffer.allocate(4).putInt((int) counter).array());
        authData.write(new byte[16]); // AAGUID: none
        authData.write(ByteBuffer.allocate(2).putShort((short) credentialId.length).array());
        authData.write(credentialId);
        authData.write(coseKey((ECPublicKey) keys.getPublic()));
        Map<Object, Object> attestation = new LinkedHashMap<>();
        attestation.put("fmt", "none");
        attestation.put("attStmt", new LinkedHashMap<>());
        attestation.put("authData", authData.toByteArray());

        ObjectNode credential = JSON.createObjectNode();
        credential.put("type", "public-key");
        credential.put("id", credentialId());
        credential.put("rawId", credentialId());
        ObjectNode response = credential.putObject("response");
        response.put("clientDataJSON", B64.encodeToString(clientData));
        response.put("attestationObject", B64.encodeToString(cbor(attestation)));
        response.putArray("transports").add("internal");
        credential.putObject("clientExtensionResults").putObject("credProps").put("rk", true);
        credential.put("authenticatorAttachment", "platform");
        return JSON.writeValueAsString(credential);
    }

    /**
     * Signs {@code navigator.credentials.get} options with the credential, whatever they allow.
     *
     * @param options the server's {@code {"publicKey": {…}}} (or the {@code publicKey} object itself)
     * @return the assertion, as the browser's {@code PublicKeyCredential} in WebAuthn's JSON
     */
    String get(String options) throws Exception {
        JsonNode publicKey = publicKey(options);
        String rpId = publicKey.path("rpId").asText();
        byte[] clientData = clientData("webauthn.get", publicKey.path("challenge").asText());
        counter += step;
        ByteArrayOutputStream authData = new ByteArrayOutputStream();
        authData.write(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
        authData.write(UP | (verifiesUser ? UV : 0));
        authData.write(ByteBuffer.allocate(4).putInt((int) counter).array());
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(keys.getPrivate());
        signer.update(authData.toByteArray());
        signer.update(sha256(clientData));

        ObjectNode credential = JSON.createObjectNode();
        credential.put("type", "public-key");
        credential.put("id", credentialId());
        credential.put("rawId", credentialId());
        ObjectNode response = credential.putObject("response");
        response.put("clientDataJSON", B64.encodeToString(clientData));
        response.put("authenticatorData", B64.encodeToString(authData.toByteArray()));
        response.put("signature", B64.encodeToString(signer.sign()));
        response.put("userHandle", B64.encodeToString(userHandle));
        credential.putObject("clientExtensionResults");
        credential.put("authenticatorAttachment", "platform");
        return JSON.writeValueAsString(credential);
    }

    private byte[] clientData(String type, String challenge) throws Exception {
        ObjectNode data = JSON.createObjectNode();
        data.put("type", type);
        data.put("challenge", challenge);
        data.put("origin", origin);
        data.put("crossOrigin", false);
        return JSON.writeValueAsBytes(data);
    }

    private static JsonNode publicKey(String options) throws Exception {
        JsonNode node = JSON.readTree(options);
        return node.has("publicKey") ? node.get("publicKey") : node;
    }

    private static byte[] sha256(byte[] bytes) throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    /** The COSE_Key of an EC2 P-256 key for ES256: {1: 2, 3: -7, -1: 1, -2: x, -3: y}. */
    private static byte[] coseKey(ECPublicKey key) {
        Map<Object, Object> cose = new LinkedHashMap<>();
        cose.put(1L, 2L);
        cose.put(3L, -7L);
        cose.put(-1L, 1L);
        cose.put(-2L, unsigned32(key.getW().getAffineX()));
        cose.put(-3L, unsigned32(key.getW().getAffineY()));
        return cbor(cose);
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
        return fixed;
    }

    /** The little CBOR (RFC 8949) these need: integers, byte and text strings, maps. */
    private static byte[] cbor(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object value) {
        if (value instanceof Long number) {
            if (number >= 0) {
                head(out, 0, number);
            } else {
                head(out, 1, -1 - number);
            }
        } else if (value instanceof byte[] bytes) {
            head(out, 2, bytes.length);
            out.writeBytes(bytes);
        } else if (value instanceof String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            head(out, 3, bytes.length);
            out.writeBytes(bytes);
        } else if (value instanceof Map<?, ?> map) {
            head(out, 5, map.size());
            map.forEach((k, v) -> {
                write(out, k);
                write(out, v);
            });
        } else {
            throw new IllegalArgumentException("no CBOR for " + value);
        }
    }

    private static void head(ByteArrayOutputStream out, int major, long argument) {
        if (argument < 24) {
            out.write(major << 5 | (int) argument);
        } else if (argument < 0x100) {
            out.write(major << 5 | 24);
            out.write((int) argument);
        } else if (argument < 0x10000) {
            out.write(major << 5 | 25);
            out.write((int) (argument >> 8));
            out.write((int) argument);
        } else {
            out.write(major << 5 | 26);
            out.writeBytes(ByteBuffer.allocate(4).putInt((int) argument).array());
        }
    }
}
