package dev.paymentrouter.notification.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Adyen's HMAC signature of a standard notification item: {@code additionalData.hmacSignature} =
 * base64(HMAC-SHA256(hex-decoded key, pspReference:originalReference:merchantAccountCode:merchantReference:value:
 * currency:eventCode:success)). Absent fields count as empty strings and nothing is escaped, as in Adyen's own
 * libraries' {@code HMACValidator.getDataToSign} (the backslash escaping belongs to the old hosted payment pages'
 * signing, not to notifications).
 */
public final class AdyenHmac {

  /** The fields of one notification item that Adyen signs, in its order. */
  public record SignedFields(String pspReference, String originalReference, String merchantAccountCode,
      String merchantReference, long value, String currency, String eventCode, boolean success) {

    /** The string Adyen signs. */
    public String dataToSign() {
      return String.join(":", text(pspReference), text(originalReference), text(merchantAccountCode),
          text(merchantReference), Long.toString(value), text(currency), text(eventCode), Boolean.toString(success));
    }

    private static String text(String value) {
      return value == null ? "" : value;
    }
  }

  private AdyenHmac() {}

  /** The signature Adyen would put on {@code fields} with the hex key {@code hexKey}. */
  public static String sign(String hexKey, SignedFields fields) {
    return Base64.getEncoder().encodeToString(StripeSignature.hmac(HexFormat.of().parseHex(hexKey),
        fields.dataToSign().getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Whether {@code signature} is the signature of {@code fields} under one of {@code hexKeys} (constant-time per key;
   * a key that is not hex matches nothing, and configuration refuses it at start).
   */
  public static boolean verify(String signature, SignedFields fields, List<String> hexKeys) {
    if (signature == null || hexKeys.isEmpty()) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(signature.trim());
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
    boolean matched = false;
    for (String key : hexKeys) {
      if (isHexKey(key)) {
        matched |= MessageDigest.isEqual(Base64.getDecoder().decode(sign(key, fields)), given);
      }
    }
    return matched;
  }

  /** Whether {@code key} is a usable HMAC key as Adyen's Customer Area shows one: an even number of hex digits. */
  public static boolean isHexKey(String key) {
    return key != null && !key.isEmpty() && key.length() % 2 == 0
        && key.chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }
}
