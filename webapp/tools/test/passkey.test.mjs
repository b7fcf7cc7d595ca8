// passkey.js: the server's ceremony options for navigator.credentials, the credential back for the server, and
// whether a page can use passkeys at all.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  creationOptions, credentialJson, isIpAddress, localhostAlternative, passkeyProblem, passkeysUnavailable,
  requestOptions,
} from "../../src/main/resources/keyhole/webapp/js/passkey.js";

const b64 = (values) => Buffer.from(values).toString("base64url");
const buffer = (values) => new Uint8Array(values).buffer;
const secure = { isSecureContext: true, PublicKeyCredential: class {} };

test("an IP address cannot use passkeys; localhost and names can", () => {
  assert.equal(passkeysUnavailable({ hostname: "localhost" }, secure), null);
  assert.equal(passkeysUnavailable({ hostname: "keyhole.example.org" }, secure), null);
  assert.equal(passkeysUnavailable({ hostname: "127.0.0.1", protocol: "http:", port: "8080" }, secure),
    "Passkeys need Keyhole opened under a name, not an IP address: open http://localhost:8080 to use one.");
  assert.equal(passkeysUnavailable({ hostname: "192.0.2.10", protocol: "https:", port: "" }, secure),
    "Passkeys need Keyhole opened under a name, not an IP address (localhost, or a DNS name with TLS).");
  assert.match(passkeysUnavailable({ hostname: "[::1]", protocol: "http:", port: "80" }, secure),
    /open http:\/\/localhost:80 to use one/);
  assert.equal(passkeysUnavailable({ hostname: "keyhole.lan" }, { isSecureContext: false }),
    "Passkeys need Keyhole opened over HTTPS.");
  assert.equal(passkeysUnavailable({ hostname: "localhost" }, { isSecureContext: true }),
    "This browser does not offer passkeys.");
  assert.ok(isIpAddress("10.0.0.1") && isIpAddress("[2001:db8::1]") && !isIpAddress("host-1.lan"));
  assert.equal(localhostAlternative({ hostname: "keyhole.lan", protocol: "https:", port: "" }), null);
});

test("the registration options with their binary values as ArrayBuffers", () => {
  const options = creationOptions({
    rp: { id: "localhost", name: "Keyhole" },
    user: { id: b64([1, 2, 3]), name: "olga", displayName: "olga" },
    challenge: b64([9, 8, 7, 6]),
    pubKeyCredParams: [{ type: "public-key", alg: -7 }],
    excludeCredentials: [{ type: "public-key", id: b64([5, 5]), transports: ["internal"] }],
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
  assert.deepEqual(new Uint8Array(options.challenge), new Uint8Array([9, 8, 7, 6]));
  assert.deepEqual(new Uint8Array(options.user.id), new Uint8Array([1, 2, 3]));
  assert.equal(options.user.name, "olga");
  assert.deepEqual(new Uint8Array(options.excludeCredentials[0].id), new Uint8Array([5, 5]));
  assert.deepEqual(options.excludeCredentials[0].transports, ["internal"]);
  assert.equal(options.authenticatorSelection.residentKey, "required");
  assert.deepEqual(creationOptions({ user: { id: "" }, challenge: "" }).excludeCredentials, []);
});

test("a passkey-only sign-in's options name no credential", () => {
  const alone = requestOptions({ challenge: b64([1]), rpId: "localhost", userVerification: "required" });
  assert.equal(alone.allowCredentials, undefined, "the browser offers every passkey it has for the site");
  assert.deepEqual(new Uint8Array(alone.challenge), new Uint8Array([1]));
  const named = requestOptions({ challenge: b64([1]), allowCredentials: [{ type: "public-key", id: b64([7]) }] });
  assert.deepEqual(new Uint8Array(named.allowCredentials[0].id), new Uint8Array([7]));
});

test("a new credential and an assertion as the server reads them", () => {
  const created = credentialJson({
    type: "public-key", id: b64([1, 2]), rawId: buffer([1, 2]), authenticatorAttachment: "platform",
    response: { clientDataJSON: buffer([3]), attestationObject: buffer([4]), getTransports: () => ["internal"] },
    getClientExtensionResults: () => ({ credProps: { rk: true } }),
  });
  assert.deepEqual(created, {
    type: "public-key", id: b64([1, 2]), rawId: b64([1, 2]), authenticatorAttachment: "platform",
    response: { clientDataJSON: b64([3]), attestationObject: b64([4]), transports: ["internal"] },
    clientExtensionResults: { credProps: { rk: true } },
  });
  const signed = credentialJson({
    type: "public-key", id: b64([1, 2]), rawId: buffer([1, 2]), authenticatorAttachment: null,
    response: { clientDataJSON: buffer([3]), authenticatorData: buffer([5]), signature: buffer([6]),
      userHandle: buffer([7]) },
    getClientExtensionResults: () => ({}),
  });
  assert.deepEqual(signed, {
    type: "public-key", id: b64([1, 2]), rawId: b64([1, 2]),
    response: { clientDataJSON: b64([3]), authenticatorData: b64([5]), signature: b64([6]), userHandle: b64([7]) },
    clientExtensionResults: {},
  });
  const noHandle = credentialJson({ type: "public-key", id: "x", rawId: buffer([]), response: {
    clientDataJSON: buffer([]), authenticatorData: buffer([]), signature: buffer([]), userHandle: null } });
  assert.equal("userHandle" in noHandle.response, false);
  assert.deepEqual(noHandle.clientExtensionResults, {});
});

test("what the authenticator's refusals tell people", () => {
  const error = (name) => Object.assign(new Error("x"), { name });
  assert.match(passkeyProblem(error("NotAllowedError"), true), /^No passkey was made/);
  assert.match(passkeyProblem(error("NotAllowedError"), false), /^No passkey was used/);
  assert.match(passkeyProblem(error("InvalidStateError"), true), /has a passkey for your account already/);
  assert.match(passkeyProblem(new Error("boom"), false), /The passkey did not work: boom/);
});
