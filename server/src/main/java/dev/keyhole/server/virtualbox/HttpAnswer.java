package dev.keyhole.server.virtualbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP/1.1 answer read off a connection that closes after it ({@code Connection: close}): the status line,
 * the headers, and the body by its {@code Content-Length}, its chunks, or up to the connection's end.
 *
 * @param status the status code
 * @param body   the body, de-chunked
 */
record HttpAnswer(int status, byte[] body) {

    /** The longest status line or header line taken. */
    private static final int MAX_LINE = 8 * 1024;

    /**
     * @param in       the connection's input, with a read timeout set
     * @param deadline when the whole answer must be in ({@link System#nanoTime})
     * @param maxBytes the longest body taken
     * @throws IOException when the answer is not HTTP, is cut off, is longer than {@code maxBytes}, or does not
     *                     arrive by the deadline ({@link SocketTimeoutException})
     */
    static HttpAnswer read(InputStream in, long deadline, int maxBytes) throws IOException {
        Reader reader = new Reader(in, deadline);
        String statusLine = reader.line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            throw new IOException("the answer is not HTTP: \"" + printable(statusLine) + "\"");
        }
        int status = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        for (String line = reader.line(); !line.isEmpty(); line = reader.line()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("the answer has a malformed header: \"" + printable(line) + "\"");
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("the answer's Content-Length is not a number: \"" + printable(value) + "\"");
                }
            } else if (name.equals("transfer-encoding")) {
                chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                String size = reader.line();
                int extension = size.indexOf(';');
                long chunk;
                try {
                    chunk = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("the answer has a malformed chunk size: \"" + printable(size) + "\"");
                }
                if (chunk == 0) {
                    break;
                }
                reader.copy(body, chunk, maxBytes);
                reader.line();
            }
        } else if (length >= 0) {
            reader.copy(body, length, maxBytes);
        } else {
            reader.copy(body, Long.MAX_VALUE, maxBytes);
        }
        return new HttpAnswer(status, body.toByteArray());
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** Reads lines and bytes, by the deadline. */
    private static final class Reader {

        private final InputStream in;
        private final long deadline;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;

        Reader(InputStream in, long deadline) {
            this.in = in;
            this.deadline = deadline;
        }

        /** @return whether more bytes came; false at the connection's end */
        private boolean fill() throws IOException {
            if (System.nanoTime() - deadline > 0) {
                throw new SocketTimeoutException("the answer did not arrive in time");
            }
            int n = in.read(buffer);
            if (n < 0) {
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }

        /** A line without its CRLF (or LF). */
        String line() throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                if (position == limit && !fill()) {
                    throw new IOException("the answer was cut off");
                }
                byte b = buffer[position++];
                if (b == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                if (line.length() >= MAX_LINE) {
                    throw new IOException("the answer has a line longer than " + MAX_LINE + " bytes");
                }
                line.append((char) (b & 0xff));
            }
        }

        /**
         * Copies {@code count} bytes, or up to the connection's end when {@code count} is {@link Long#MAX_VALUE},
         * into {@code out}, which may not grow past {@code maxBytes}.
         */
        void copy(ByteArrayOutputStream out, long count, int maxBytes) throws IOException {
            long left = count;
            while (left > 0) {
                if (position == limit && !fill()) {
                    if (count == Long.MAX_VALUE) {
                        return;
                    }
                    throw new IOException("the answer was cut off");
                }
                int n = (int) Math.min(left, limit - position);
                if (out.size() + n > maxBytes) {
                    throw new IOException("the answer is longer than " + maxBytes + " bytes");
                }
                out.write(buffer, position, n);
                position += n;
                left -= n;
            }
        }
    }
}
