package dev.paymentrouter.webhook.domain;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * The addresses a merchant webhook is never sent to outside local mode, as a table: a webhook is a request the router
 * makes on a merchant's say-so, from inside its own network, so every row is a place the merchant could otherwise
 * reach through us (server-side request forgery). Each row says what it would reach.
 */
public final class WebhookAddresses {

  /** One refused range: its network, its prefix length in bits, and the kind named in the refusal. */
  record Range(byte[] network, int prefix, String kind) {

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int whole = prefix / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[whole] & mask) == (network[whole] & mask);
    }
  }

  private static final List<Range> REFUSED = List.of(
      // 0.0.0.0/8 "this network": a connect to 0.0.0.0 reaches the router's own host on Linux.
      v4(0, 0, 0, 0, 8, "unspecified"),
      // The router's own host: its management port, sidecars, a database listening on loopback.
      v4(127, 0, 0, 0, 8, "loopback"),
      // RFC 1918 private networks: the cluster's pods and services, the database, the operator's machines.
      v4(10, 0, 0, 0, 8, "private"),
      v4(172, 16, 0, 0, 12, "private"),
      v4(192, 168, 0, 0, 16, "private"),
      // RFC 6598 carrier-grade NAT: used inside clouds and Kubernetes networks like a private range.
      v4(100, 64, 0, 0, 10, "shared (CGNAT)"),
      // Link-local: 169.254.169.254 is the cloud's metadata service, which hands out the node's credentials.
      v4(169, 254, 0, 0, 16, "link-local"),
      // Multicast reaches whoever listens on the local network, never one merchant.
      v4(224, 0, 0, 0, 4, "multicast"),
      // Reserved and the limited broadcast 255.255.255.255: no merchant lives there.
      v4(240, 0, 0, 0, 4, "reserved"),
      // The IPv6 unspecified address ::, like 0.0.0.0.
      v6(new byte[16], 128, "unspecified"),
      // ::1, the router's own host.
      v6(bytes16(15, 1), 128, "loopback"),
      // fc00::/7 unique local addresses: IPv6's private networks.
      v6(bytes16(0, 0xfc), 7, "private"),
      // fe80::/10 link-local (the metadata service has an IPv6 form in some clouds: fd00:ec2::254 is caught above).
      v6(bytes16(0, 0xfe, 1, 0x80), 10, "link-local"),
      // fec0::/10 deprecated site-local: still routed inside some old networks.
      v6(bytes16(0, 0xfe, 1, 0xc0), 10, "site-local"),
      // ff00::/8 multicast.
      v6(bytes16(0, 0xff), 8, "multicast"));

  private WebhookAddresses() {}

  /**
   * Why a webhook may not go to this address, or empty when it may. An IPv6 address that carries an IPv4 one
   * (IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d}) is judged
   * by the IPv4 address it reaches.
   */
  public static Optional<String> refusal(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet6Address) {
      byte[] embedded = embeddedIpv4(bytes);
      if (embedded != null) {
        return refusal(embedded);
      }
    }
    return refusal(bytes);
  }

  private static Optional<String> refusal(byte[] bytes) {
    for (Range range : REFUSED) {
      if (range.contains(bytes)) {
        return Optional.of(range.kind());
      }
    }
    return Optional.empty();
  }

  /** The IPv4 address inside an IPv6 one that reaches it, or null. */
  static byte[] embeddedIpv4(byte[] v6) {
    boolean mapped = isZero(v6, 0, 10) && (v6[10] & 0xff) == 0xff && (v6[11] & 0xff) == 0xff;
    // ::/96 less :: and ::1, which the table judges as IPv6.
    boolean compatible = isZero(v6, 0, 12) && !isZero(v6, 12, 16) && !(isZero(v6, 12, 15) && v6[15] == 1);
    boolean nat64 = (v6[0] & 0xff) == 0x00 && (v6[1] & 0xff) == 0x64 && (v6[2] & 0xff) == 0xff
        && (v6[3] & 0xff) == 0x9b && isZero(v6, 4, 12);
    if (!mapped && !compatible && !nat64) {
      return null;
    }
    return new byte[] {v6[12], v6[13], v6[14], v6[15]};
  }

  /** An IPv4 address from its four numbers, without any lookup. */
  public static InetAddress ipv4(int a, int b, int c, int d) {
    try {
      return Inet4Address.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are an IPv4 address", e);
    }
  }

  private static boolean isZero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static Range v4(int a, int b, int c, int d, int prefix, String kind) {
    return new Range(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}, prefix, kind);
  }

  private static Range v6(byte[] network, int prefix, String kind) {
    return new Range(network, prefix, kind);
  }

  /** 16 zero bytes with the given (index, value) pairs set. */
  private static byte[] bytes16(int... indexValuePairs) {
    byte[] bytes = new byte[16];
    for (int i = 0; i < indexValuePairs.length; i += 2) {
      bytes[indexValuePairs[i]] = (byte) indexValuePairs[i + 1];
    }
    return bytes;
  }
}
