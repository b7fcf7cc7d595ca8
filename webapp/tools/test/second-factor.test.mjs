// second-factor.js: the TOTP secret and its QR code as the sign-in page shows them, and the codes people type.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  groupSecret, readSignInCode, readTotpCode, svgDataUrl,
} from "../../src/main/resources/keyhole/webapp/js/second-factor.js";

test("the secret in groups of four", () => {
  assert.equal(groupSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
  assert.equal(groupSecret("ABCDEF"), "ABCD EF");
  assert.equal(groupSecret(" AB CD EF "), "ABCD EF", "spaces it had do not count");
  assert.equal(groupSecret(""), "");
  assert.equal(groupSecret("JBSWY3DP").replace(/ /g, ""), "JBSWY3DP", "without the spaces it is the secret");
});

test("the QR code as a data: URL of its UTF-8", () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><title>Ä ☃</title></svg>';
  const url = svgDataUrl(svg);
  assert.match(url, /^data:image\/svg\+xml;base64,[A-Za-z0-9+/]+=*$/);
  assert.equal(Buffer.from(url.split(",")[1], "base64").toString("utf8"), svg);
  const big = "<svg>" + "M1,1h1v1h-1z".repeat(20000) + "</svg>"; // larger than one chunk
  assert.equal(Buffer.from(svgDataUrl(big).split(",")[1], "base64").toString("utf8"), big);
});

test("a TOTP code: six digits, spaces allowed", () => {
  assert.equal(readTotpCode("123456"), "123456");
  assert.equal(readTotpCode(" 123 456 "), "123456");
  for (const typed of ["12345", "1234567", "12345a", "", "ABCD-EFGH-JKLM-NPQR", undefined]) {
    assert.equal(readTotpCode(typed), null, String(typed));
  }
});

test("the sign-in code: six digits, or a recovery code in its issued form", () => {
  assert.equal(readSignInCode("123 456"), "123456");
  assert.equal(readSignInCode("7KQD-M3XA-PZ9H-V2CE"), "7KQD-M3XA-PZ9H-V2CE");
  assert.equal(readSignInCode("7kqd m3xa pz9h v2ce"), "7KQD-M3XA-PZ9H-V2CE");
  assert.equal(readSignInCode("7KQDM3XAPZ9HV2CE"), "7KQD-M3XA-PZ9H-V2CE");
  for (const typed of ["12345", "7KQD-M3XA-PZ9H", "7KQD-M3XA-PZ9H-V2CE-X", "7KQD_M3XA_PZ9H_V2CE", ""]) {
    assert.equal(readSignInCode(typed), null, typed);
  }
});
