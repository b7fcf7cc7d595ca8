package dev.keyhole.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Guacamole instructions for the benchmark's own endpoints: writing them, and reading them one at a time from a
 * blocking stream together with their raw bytes (element lengths count Unicode characters, not bytes).
 */
final class Instructions {

    private Instructions() {
    }

    /** @return the instruction {@code opcode,args…;} as UTF-8 bytes */
    static byte[] encode(String opcode, String... args) {
        StringBuilder out = new StringBuilder();
        element(out, opcode);
        for (String arg : args) {
            out.append(',');
            element(out, arg);
        }
        return out.append(';').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @return the instruction with a list of arguments */
    static byte[] encode(String opcode, List<String> args) {
        return encode(opcode, args.toArray(String[]::new));
    }

    private static void element(StringBuilder out, String value) {
        out.append(value.codePointCount(0, value.length())).append('.').append(value);
    }

    /** One instruction read: its elements (opcode first) and the bytes it was made of. */
    record Instruction(List<String> elements, byte[] raw) {

        String opcode() {
            return elements.get(0);
        }

        String arg(int index) {
            return elements.get(index + 1);
        }

        int args() {
            return elements.size() - 1;
        }
    }

    /** Reads instructions from a blocking stream; whatever was read past the last one is {@link #leftover}. */
    static final class Reader {

        private final InputStream in;
        private byte[] buffer = new byte[64 * 1024];
        private int start;
        private int end;

        Reader(InputStream in) {
            this.in = in;
        }

        /** @return the next instruction; throws {@link EOFException} at the end of the stream */
        Instruction read() throws IOException {
            List<String> elements = new ArrayList<>();
            int i = start;
            while (true) {
                int length = 0;
                int digits = 0;
                while (true) {
                    if (i == end) {
                        i -= fill();
                    }
                    byte b = buffer[i++];
                    if (b >= '0' && b <= '9' && digits < 9) {
                        length = length * 10 + (b - '0');
                        digits++;
                    } else if (b == '.' && digits > 0) {
                        break;
                    } else {
                        throw new IOException("not Guacamole protocol near: "
                                + new String(buffer, start, Math.min(80, end - start), StandardCharsets.UTF_8));
                    }
                }
                int valueStart = i;
                int chars = 0;
                while (true) {
                    if (i == end) {
                        int shift = fill();
                        i -= shift;
                        valueStart -= shift;
                    }
                    byte b = buffer[i];
                    if ((b & 0xC0) == 0x80 || chars < length) {
                        chars += (b & 0xC0) == 0x80 ? 0 : 1;
                        i++;
                    } else {
                        break;
                    }
                }
                elements.add(new String(buffer, valueStart, i - valueStart, StandardCharsets.UTF_8));
                byte terminator = buffer[i++];
                if (terminator == ';') {
                    byte[] raw = Arrays.copyOfRange(buffer, start, i);
                    start = i;
                    return new Instruction(elements, raw);
                }
                if (terminator != ',') {
                    throw new IOException("expected ',' or ';' after an element");
                }
            }
        }

        /**
         * Reads more of the stream. When the buffer is full, the unread part moves to its front (or the buffer
         * grows).
         *
         * @return how far the unread part moved towards the front: indexes into the buffer shrink by that much
         */
        private int fill() throws IOException {
            int shift = 0;
            if (end == buffer.length) {
                shift = start;
                if (shift > 0) {
                    System.arraycopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                } else {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
            }
            int n = in.read(buffer, end, buffer.length - end);
            if (n < 0) {
                throw new EOFException("the stream ended" + (end > start ? " inside an instruction" : ""));
            }
            end += n;
            return shift;
        }

        /** @return the stream this reads from (what follows {@link #leftover}) */
        InputStream stream() {
            return in;
        }

        /** @return the bytes read past the last instruction returned */
        byte[] leftover() {
            return Arrays.copyOfRange(buffer, start, end);
        }
    }
}
