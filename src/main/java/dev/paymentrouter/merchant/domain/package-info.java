/**
 * Merchants and their API keys: key format, generation from given randomness, and the one-way hash under which
 * keys are stored. Pure: no I/O, no framework.
 */
package dev.paymentrouter.merchant.domain;
