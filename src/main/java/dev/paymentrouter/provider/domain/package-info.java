/**
 * What the router says to a provider and what it can learn back: requests, the four kinds of outcome and the
 * answer of a status query. Pure types: no I/O, no framework.
 */
package dev.paymentrouter.provider.domain;
