/**
 * What the router says to a provider and what it can learn back: requests, the kinds of outcome (the router's own
 * refusal kept apart from the provider's), the answer of a status query, and how a call scores for the provider's
 * success rate. Pure types: no I/O, no framework.
 */
package dev.paymentrouter.provider.domain;
