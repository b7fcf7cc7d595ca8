package dev.keyhole.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IP address ranges in CIDR notation, and address literals read without asking DNS. */
class AddressRangeTest {

    @Test
    void rangesHoldTheirAddresses() throws Exception {
        AddressRange tens = AddressRange.parse("10.1.2.3/8");
        assertEquals("10.0.0.0/8", tens.toString());
        assertTrue(tens.contains(InetAddress.getByName("10.255.0.1")));
        assertFalse(tens.contains(InetAddress.getByName("11.0.0.1")));
        assertFalse(tens.contains(InetAddress.getByName("::1")), "an IPv4 range holds no IPv6 address");
        AddressRange one = AddressRange.parse("192.0.2.7");
        assertEquals("192.0.2.7", one.toString());
        assertTrue(one.contains(InetAddress.getByName("192.0.2.7")));
        assertFalse(one.contains(InetAddress.getByName("192.0.2.8")));
        AddressRange local = AddressRange.parse("fd00::/8");
        assertTrue(local.contains(InetAddress.getByName("fd12:3456::1")));
        assertFalse(local.contains(InetAddress.getByName("fe80::1")));
        assertTrue(AddressRange.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9")));
        assertTrue(AddressRange.parse("[::1]").contains(InetAddress.getByName("::1")));
        for (String bad : List.of("", "proxy.lan", "10.0.0.0/", "10.0.0.0/x", "::1/129", "1.2.3.4.5", "256.0.0.1")) {
            assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(bad), bad);
        }
    }

    @Test
    void literalsAreAddressesAndNothingElse() {
        assertTrue(AddressRange.isLiteral("192.0.2.7"));
        assertTrue(AddressRange.isLiteral("2001:db8::1"));
        assertTrue(AddressRange.isLiteral("[::1]"));
        assertFalse(AddressRange.isLiteral("256.1.1.1"));
        assertFalse(AddressRange.isLiteral("localhost"));
        assertFalse(AddressRange.isLiteral("keyhole.lan"));
        assertEquals("0:0:0:0:0:0:0:1", AddressRange.literal("[::1]").getHostAddress());
        assertThrows(IllegalArgumentException.class, () -> AddressRange.literal("keyhole.lan"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.literal("1::2::3"));
    }
}
