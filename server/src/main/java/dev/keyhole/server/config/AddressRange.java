package dev.keyhole.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A range of IP addresses in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}); a single address is a range of
 * one ({@code 192.0.2.7} is {@code 192.0.2.7/32}).
 *
 * @param network      the range's first address (its host bits are zero)
 * @param prefixLength how many leading bits every address of the range shares with {@code network}
 */
public record AddressRange(InetAddress network, int prefixLength) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[?[0-9a-fA-F:.]*:[0-9a-fA-F:.]*]?");

    /** Checks the prefix length and clears the host bits, so one range has one spelling. */
    public AddressRange {
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("the prefix length must be from 0 to " + bits);
        }
        network = masked(network, prefixLength);
    }

    /**
     * Reads a range.
     *
     * @param text an address ({@code 192.0.2.7}, {@code ::1}) or a range ({@code 10.0.0.0/8}, {@code fd00::/8})
     * @return the range
     * @throws IllegalArgumentException with the reason, when it is neither
     */
    public static AddressRange parse(String text) {
        String reason = "must be an IP address or a range of them in CIDR notation (e.g. 10.0.0.0/8 or fd00::/8)";
        int slash = text.indexOf('/');
        InetAddress address;
        try {
            address = literal(slash < 0 ? text : text.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(reason);
        }
        int bits = address.getAddress().length * 8;
        if (slash < 0) {
            return new AddressRange(address, bits);
        }
        try {
            int prefix = Integer.parseInt(text.substring(slash + 1));
            if (prefix >= 0 && prefix <= bits) {
                return new AddressRange(address, prefix);
            }
        } catch (NumberFormatException e) {
            // the reason below says what is wanted
        }
        throw new IllegalArgumentException(reason);
    }

    /**
     * Reads an IP address literal, never asking DNS.
     *
     * @param text {@code 192.0.2.7}, {@code ::1} or {@code [::1]}
     * @return the address
     * @throws IllegalArgumentException when the text is no IP address (a host name included)
     */
    public static InetAddress literal(String text) {
        if (!isLiteral(text)) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        try {
            // A text that passed isLiteral is an address literal: Java parses it without a name lookup.
            return InetAddress.getByName(bare);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
    }

    /** @return whether {@code text} has the form of an IPv4 or IPv6 address literal (checked by {@link #literal}) */
    public static boolean isLiteral(String text) {
        if (IPV4.matcher(text).matches()) {
            for (String part : text.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }
        return IPV6.matcher(text).matches() && !text.isEmpty();
    }

    /** @return whether {@code address} is in this range (an IPv4 address is never in an IPv6 range) */
    public boolean contains(InetAddress address) {
        if (address.getAddress().length != network.getAddress().length) {
            return false;
        }
        return masked(address, prefixLength).equals(network);
    }

    private static InetAddress masked(InetAddress address, int prefix) {
        byte[] bytes = address.getAddress();
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            bytes[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }

    /** @return the range as written in CIDR notation, a single address without its prefix length */
    @Override
    public String toString() {
        String address = network.getHostAddress().toLowerCase(Locale.ROOT);
        return prefixLength == network.getAddress().length * 8 ? address : address + "/" + prefixLength;
    }
}
