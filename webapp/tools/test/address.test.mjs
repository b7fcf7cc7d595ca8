// address.js: where the sign-in page may send a person afterwards, a link's token, and the way to the sign-in page.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  goToSignInOn401, HOME, isSameSitePath, joinToken, linkToken, nextAfterSignIn, shareToken, signInUrl,
} from "../../src/main/resources/keyhole/webapp/js/address.js";

test("next: a path on this site is followed, query and all", () => {
  for (const path of ["/", "/console.html?target=web-1", "/keyhole/index.html", "/a%2F%2Fb", "/x?next=//evil"]) {
    assert.equal(isSameSitePath(path), true, path);
    assert.equal(nextAfterSignIn("?next=" + encodeURIComponent(path)), path);
  }
  assert.equal(nextAfterSignIn("next=%2Fconsole.html%3Ftarget%3Dvm-1"), "/console.html?target=vm-1", "no '?'");
});

test("next: other sites, schemes and relative paths go to the consoles instead", () => {
  const refused = ["//evil", "//evil.example/path", "/\\evil", "/\\/evil", "https://evil", "http://evil/",
    "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,hi", "evil", "./x", "../x", "", " /x",
    "/\t/evil", "/\n/evil", "/\r/evil", "/ x", "/x\u0000"];
  for (const path of refused) {
    assert.equal(isSameSitePath(path), false, JSON.stringify(path));
    assert.equal(nextAfterSignIn("?next=" + encodeURIComponent(path)), HOME, JSON.stringify(path));
  }
  assert.equal(HOME, "./");
  for (const value of [null, undefined, 42, {}, ["/"]]) assert.equal(isSameSitePath(value), false);
  assert.equal(nextAfterSignIn(""), HOME, "no next at all");
  assert.equal(nextAfterSignIn("?other=1"), HOME);
  // The first value counts; a second one cannot sneak in.
  assert.equal(nextAfterSignIn("?next=%2F%2Fevil&next=%2Fok"), HOME);
});

test("the token of a link, from the fragment", () => {
  assert.equal(linkToken("#link=abc123"), "abc123");
  assert.equal(linkToken("link=abc123"), "abc123", "without the #");
  assert.equal(linkToken("#link=a%2Bb%3D"), "a+b=", "escapes decoded");
  assert.equal(linkToken("#link=a+b"), "a+b", "a + stays a + (URLSearchParams would make it a space)");
  assert.equal(linkToken("#link=Zm9v-_bar"), "Zm9v-_bar", "base64url");
  assert.equal(linkToken("#x=1&link=tok&y=2"), "tok", "among other parts");
  for (const hash of ["", "#", "#link=", "#link", "#links=tok", "#xlink=tok", "#link=%E0%A4%A", undefined, null]) {
    assert.equal(linkToken(hash), null, String(hash));
  }
});

test("the sign-in page's address comes back to the page, path and query, encoded", () => {
  assert.equal(signInUrl({ pathname: "/console.html", search: "?target=web-1" }),
    "sign-in.html?next=%2Fconsole.html%3Ftarget%3Dweb-1");
  assert.equal(signInUrl({ pathname: "/", search: "" }), "sign-in.html?next=%2F");
  assert.equal(signInUrl({ pathname: "/keyhole/console.html", search: "?target=a%20b&x=1" }),
    "sign-in.html?next=%2Fkeyhole%2Fconsole.html%3Ftarget%3Da%2520b%26x%3D1");
  // What the sign-in page reads back is the same path again.
  const page = { pathname: "/console.html", search: "?target=a%20b%2Fc" };
  const back = new URL(signInUrl(page), "https://keyhole.example/");
  assert.equal(nextAfterSignIn(back.search), "/console.html?target=a%20b%2Fc");
});

test("a 401 sends the page to the sign-in page; any other failure does not", () => {
  const location = (pathname, search) => ({ pathname, search, went: [], assign(url) { this.went.push(url); } });
  const here = location("/console.html", "?target=web-1");
  assert.equal(goToSignInOn401({ status: 401, message: "Sign in first." }, here), true);
  assert.deepEqual(here.went, ["sign-in.html?next=%2Fconsole.html%3Ftarget%3Dweb-1"]);

  const other = location("/", "");
  for (const error of [{ status: 403 }, { status: 0 }, { status: 500 }, new Error("boom"), null, undefined]) {
    assert.equal(goToSignInOn401(error, other), false);
  }
  assert.deepEqual(other.went, []);
});

test("a share link's token: the whole fragment, base64url only", () => {
  const token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";
  assert.equal(shareToken("#" + token), token);
  assert.equal(shareToken(token), token, "without the '#'");
  for (const hash of ["", "#", "#short", "#link=" + token, "#" + token + "&x=1", "#" + token + "%20",
    "#<script>", "#" + "A".repeat(129)]) {
    assert.equal(shareToken(hash), null, hash);
  }
});

test("a share link to open once signed in: #join=TOKEN only", () => {
  const token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";
  assert.equal(joinToken("#join=" + token), token);
  for (const hash of ["", "#" + token, "#link=" + token, "#join=", "#join=" + token + "&next=x", "#join=<b>"]) {
    assert.equal(joinToken(hash), null, hash);
  }
});
