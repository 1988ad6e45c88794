package dev.paymentrouter.webhook.domain;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

/** Whether a webhook may be sent to a URL, and if not, why (a stable code and a sentence for the merchant). */
public sealed interface Verdict {

  /**
   * It may.
   *
   * @param uri       the URL as checked
   * @param addresses the addresses checked: empty when only the syntax was checked (or in local mode); a sender
   *                  connects to these, not to a second resolution of the name, which a rebinding DNS could change
   */
  record Allowed(URI uri, List<InetAddress> addresses) implements Verdict {
    public Allowed {
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * It may not.
   *
   * @param code   stable: {@code invalid_url}, {@code https_required}, {@code forbidden_address},
   *               {@code unresolvable_host} (which can be temporary: a sender may try again later)
   * @param reason for people; never carries more than the URL's host
   */
  record Refused(String code, String reason) implements Verdict {}

  default boolean allowed() {
    return this instanceof Allowed;
  }
}
