package dev.keyhole.server.accounts;

import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The users' passkeys as the WebAuthn library looks them up while it checks a ceremony ({@link CredentialRepository}):
 * by user name, by user handle and by credential id, on the {@link UserStore} and the {@link PasskeyStore}. A user's
 * handle, which their authenticator keeps with the passkey and hands back at each sign-in, is the UTF-8 of their
 * random, never reused id: it names nobody, and a user removed and added again under the same name has another.
 */
final class PasskeyCredentials implements CredentialRepository {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();

    private final UserStore users;
    private final PasskeyStore passkeys;

    PasskeyCredentials(UserStore users, PasskeyStore passkeys) {
        this.users = users;
        this.passkeys = passkeys;
    }

    /** @return a user's handle */
    static ByteArray handle(User user) {
        return new ByteArray(user.id().getBytes(StandardCharsets.UTF_8));
    }

    /** @return the user id a handle stands for */
    static String userId(ByteArray handle) {
        return new String(handle.getBytes(), StandardCharsets.UTF_8);
    }

    /** @return bytes as the database writes them: base64url */
    static String text(ByteArray bytes) {
        return BASE64URL.encodeToString(bytes.getBytes());
    }

    /** @return base64url text as bytes */
    static ByteArray bytes(String text) {
        return new ByteArray(BASE64URL_DECODER.decode(text));
    }

    @Override
    public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String username) {
        return users.byName(username).map(user -> passkeys.ofUser(user.id()).stream()
                .map(PasskeyCredentials::descriptor)
                .collect(Collectors.toCollection(LinkedHashSet::new))).orElseGet(LinkedHashSet::new);
    }

    @Override
    public Optional<ByteArray> getUserHandleForUsername(String username) {
        return users.byName(username).map(PasskeyCredentials::handle);
    }

    @Override
    public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
        return users.byId(userId(userHandle)).map(User::name);
    }

    @Override
    public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
        String userId = userId(userHandle);
        return passkeys.byCredentialId(text(credentialId)).filter(p -> p.userId().equals(userId))
                .map(PasskeyCredentials::registered);
    }

    @Override
    public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
        return passkeys.byCredentialId(text(credentialId)).map(PasskeyCredentials::registered).stream()
                .collect(Collectors.toSet());
    }

    private static PublicKeyCredentialDescriptor descriptor(Passkey passkey) {
        Set<AuthenticatorTransport> transports = passkey.transports().stream().map(AuthenticatorTransport::of)
                .collect(Collectors.toSet());
        return PublicKeyCredentialDescriptor.builder().id(bytes(passkey.credentialId()))
                .transports(transports.isEmpty() ? Optional.empty() : Optional.of(transports)).build();
    }

    private static RegisteredCredential registered(Passkey passkey) {
        return RegisteredCredential.builder()
                .credentialId(bytes(passkey.credentialId()))
                .userHandle(new ByteArray(passkey.userId().getBytes(StandardCharsets.UTF_8)))
                .publicKeyCose(bytes(passkey.publicKeyCose()))
                .signatureCount(passkey.signatureCount())
                .backupEligible(passkey.backupEligible())
                .backupState(passkey.backedUp())
                .build();
    }
}
