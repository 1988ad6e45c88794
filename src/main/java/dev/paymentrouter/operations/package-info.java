/**
 * The operator surface, outside the merchant's door: the management port's guard (operator tokens, Bearer or Basic;
 * 404 for the endpoints on the API port), the {@code intents} endpoint, and the operator page and actions (breaker,
 * drain, re-drive) whose provider controls every replica applies and whose every use is recorded with the operator.
 */
package dev.paymentrouter.operations;
