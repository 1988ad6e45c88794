/**
 * What operators use beyond health and metrics: the {@code intents} actuator endpoint that lists intents waiting
 * for an operator and sends them back to reconciliation.
 */
package dev.paymentrouter.operations;
