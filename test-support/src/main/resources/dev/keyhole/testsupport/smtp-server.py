"""A real SMTP server for Keyhole's tests: aiosmtpd, run by SmtpServer.java from a temporary directory.

Arguments: HOST DIR CERT KEY TLS, where TLS is "required" (STARTTLS offered, and needed before MAIL), "offered"
(STARTTLS offered, not needed) or "none" (no STARTTLS). With SMTP_FIXTURE_LOGIN set, AUTH is required (after
STARTTLS) and only that login with the password in SMTP_FIXTURE_PASSWORD is accepted; the password is never
written anywhere.

Prints "LISTENING PORT" once it listens on a free port, then "MESSAGE N" for each message, once DIR/N.eml (the
message as received) and DIR/N.envelope (lines "from ADDRESS", "to ADDRESS"..., "tls true|false", "login NAME")
are complete. Stops when its standard input closes.
"""
import asyncio
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

HOST, DIR, CERT, KEY, TLS = sys.argv[1:6]
LOGIN = os.environ.get("SMTP_FIXTURE_LOGIN", "")
PASSWORD = os.environ.get("SMTP_FIXTURE_PASSWORD", "")


class Login:
    """What a session keeps of a successful AUTH: the name alone."""

    def __init__(self, login):
        self.login = login


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and LOGIN != ""
          and auth_data.login.decode("utf-8", "replace") == LOGIN
          and auth_data.password.decode("utf-8", "replace") == PASSWORD)
    if not ok:
        # Not handled here: aiosmtpd answers 535 itself.
        return AuthResult(success=False, handled=False)
    return AuthResult(success=True, auth_data=Login(LOGIN))


class Saver:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        n = self.count
        with open(os.path.join(DIR, "%d.eml" % n), "wb") as out:
            out.write(envelope.original_content)
        lines = ["from " + (envelope.mail_from or "")]
        lines += ["to " + r for r in envelope.rcpt_tos]
        lines.append("tls " + ("true" if session.ssl is not None else "false"))
        if session.authenticated and session.auth_data is not None:
            lines.append("login " + session.auth_data.login)
        partial = os.path.join(DIR, "%d.envelope.partial" % n)
        with open(partial, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
        os.rename(partial, os.path.join(DIR, "%d.envelope" % n))
        print("MESSAGE %d" % n, flush=True)
        return "250 2.0.0 Message accepted"


async def main():
    loop = asyncio.get_running_loop()
    context = None
    if TLS != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(CERT, KEY)
    handler = Saver()

    def session():
        return SMTP(handler, hostname="localhost", tls_context=context, require_starttls=(TLS == "required"),
                    authenticator=authenticator if LOGIN else None, auth_required=bool(LOGIN),
                    auth_require_tls=True, loop=loop)

    server = await loop.create_server(session, HOST, 0)
    print("LISTENING %d" % server.sockets[0].getsockname()[1], flush=True)
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    await stdin.read()
    server.close()
    await server.wait_closed()


asyncio.run(main())
