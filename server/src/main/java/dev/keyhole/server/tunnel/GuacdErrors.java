package dev.keyhole.server.tunnel;

import java.nio.charset.StandardCharsets;
import org.apache.guacamole.GuacamoleServerException;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * guacd's {@code error} instruction, told to the person at the console in words they can act on.
 *
 * <p>guacd's own texts are written for whoever reads its log ("Aborted. See logs.") and are sometimes misleading:
 * guacd 1.3 says "Server refused connection (wrong security type?)" as well when the RDP server simply went away.
 * The browser gets the sentence here, with guacd's status code (which tells the page whether to retry); the log
 * keeps guacd's text.
 */
final class GuacdErrors {

    /** What the browser is told: guacd's status and a sentence. */
    record Told(GuacamoleStatus status, String message, String guacdText) {
    }

    private GuacdErrors() {
    }

    /**
     * Reads an {@code error} instruction as guacd sent it ({@code 5.error,N.TEXT,N.CODE;}).
     *
     * @param bytes the stream, {@code bytes[from, to)} being the instruction
     */
    static Told read(byte[] bytes, int from, int to) {
        String text;
        GuacamoleStatus status;
        try {
            GuacamoleInstruction error = InstructionDecoder.decode(new String(bytes, from, to - from,
                    StandardCharsets.UTF_8));
            text = error.getArgs().isEmpty() ? "" : error.getArgs().get(0);
            status = error.getArgs().size() < 2 ? GuacamoleStatus.SERVER_ERROR : statusOf(error.getArgs().get(1));
        } catch (GuacamoleServerException | RuntimeException e) {
            text = "(an error instruction Keyhole could not read)";
            status = GuacamoleStatus.SERVER_ERROR;
        }
        return new Told(status, sentence(status), Printable.of(text, 200));
    }

    private static GuacamoleStatus statusOf(String code) {
        try {
            GuacamoleStatus status = GuacamoleStatus.fromGuacamoleStatusCode(Integer.parseInt(code));
            return status == null ? GuacamoleStatus.SERVER_ERROR : status;
        } catch (NumberFormatException e) {
            return GuacamoleStatus.SERVER_ERROR;
        }
    }

    /** @return what the operator can do about {@code status}, as guacd uses it for RDP and VNC consoles */
    static String sentence(GuacamoleStatus status) {
        return switch (status) {
            // guacd 1.3 says UPSTREAM_NOT_FOUND both for a server gone and for one that refused its security mode.
            case UPSTREAM_NOT_FOUND, UPSTREAM_UNAVAILABLE -> "The console's RDP/VNC server closed or refused the "
                    + "connection: is the VM running, with its console on? If it keeps refusing, set the target's "
                    + "security: to tls or any";
            case UPSTREAM_TIMEOUT -> "The console's RDP/VNC server stopped answering";
            case UPSTREAM_ERROR -> "The console's RDP/VNC server ended the connection";
            case CLIENT_UNAUTHORIZED, CLIENT_FORBIDDEN -> "The console refused the logon: check the target's "
                    + "username and password-env or password-file";
            case RESOURCE_CONFLICT, SESSION_CONFLICT -> "The console is in use by another client";
            case SESSION_CLOSED, SESSION_TIMEOUT, RESOURCE_CLOSED -> "The console's session ended";
            default -> "guacd could not keep the console connected (status " + status.getGuacamoleStatusCode()
                    + "); guacd's log says why";
        };
    }
}
