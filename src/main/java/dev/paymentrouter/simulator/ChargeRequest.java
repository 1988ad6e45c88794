package dev.paymentrouter.simulator;

import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A validated {@code POST /v1/charges} body; record equality is what "same body" means for idempotency.
 * {@code manualCapture} is {@code "captureMethod": "manual"}: authorize only ({@code "automatic"} or none: capture).
 */
record ChargeRequest(long amount, String currency, String token, String reference, boolean manualCapture) {

    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final int MAX_TEXT_LENGTH = 255;

    /** Thrown for a body the simulator refuses with 400 {@code invalid_request}. */
    static final class InvalidRequestException extends RuntimeException {
        InvalidRequestException(String message) {
            super(message, null, false, false);
        }
    }

    static ChargeRequest from(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("body must be a JSON object");
        }
        JsonNode amount = body.get("amount");
        // Money is whole minor units: 12.99 or "1299" would hide a unit mistake in the caller.
        if (amount == null || !amount.isIntegralNumber() || !amount.canConvertToLong() || amount.longValue() <= 0) {
            throw new InvalidRequestException("amount must be a positive integer in minor units");
        }
        String currency = text(body, "currency");
        if (!CURRENCY.matcher(currency).matches()) {
            throw new InvalidRequestException("currency must be a 3-letter upper-case ISO 4217 code");
        }
        JsonNode captureMethod = body.get("captureMethod");
        boolean manual = captureMethod != null && "manual".equals(captureMethod.asString(""));
        if (captureMethod != null && !manual && !"automatic".equals(captureMethod.asString(""))) {
            throw new InvalidRequestException("captureMethod must be automatic or manual");
        }
        return new ChargeRequest(amount.longValue(), currency, text(body, "token"), text(body, "reference"), manual);
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.isString() || node.stringValue().isBlank()) {
            throw new InvalidRequestException(field + " must be a non-blank string");
        }
        if (node.stringValue().length() > MAX_TEXT_LENGTH) {
            throw new InvalidRequestException(field + " must be at most " + MAX_TEXT_LENGTH + " characters");
        }
        return node.stringValue();
    }
}
