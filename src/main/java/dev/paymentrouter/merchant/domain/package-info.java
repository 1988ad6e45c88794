/**
 * Merchants and their API keys (format, generation from given randomness, the one-way hash they are stored under) and
 * per-merchant settings: inbound limit, active-intent share, allowed providers, own routing rules. Pure: no I/O, no
 * framework.
 */
package dev.paymentrouter.merchant.domain;
