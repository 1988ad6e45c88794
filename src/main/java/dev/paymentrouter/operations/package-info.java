/**
 * The operator surface, outside the merchant's door: the management port's guard (operator tokens, 404 for the
 * endpoints on the API port) and the {@code intents} endpoint that lists intents waiting for an operator and sends
 * them back to reconciliation, naming the operator on each intent's trail.
 */
package dev.paymentrouter.operations;
