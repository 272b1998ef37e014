package dev.parcel.events.jobspec;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;

/** An IPv4 or IPv6 network a job may reach, as a firewall rule names it ({@code 198.18.0.0/15}). */
public record Cidr(InetAddress address, int prefixLength) {

    /**
     * Parses {@code address[/prefix]} (a lone address is a host route). Only IP literals are accepted, never a
     * name: a name would need a lookup whose answer the job's author could control.
     */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        int slash = text.indexOf('/');
        String literal = slash < 0 ? text : text.substring(0, slash);
        if (!InetAddresses.isInetAddress(literal)) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address or CIDR");
        }
        InetAddress address = InetAddresses.forString(literal);
        int bits = address instanceof Inet4Address ? 32 : 128;
        int prefix = bits;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + bits);
            }
            prefix = Integer.parseInt(length);
        }
        return new Cidr(address, prefix);
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** As iptables takes it; iptables masks the host bits itself. */
    @Override
    public String toString() {
        return InetAddresses.toAddrString(address) + "/" + prefixLength;
    }
}
