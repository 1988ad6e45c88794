/**
 * Card tokens at rest: the key ring that encrypts a payment token for storage (AES-256-GCM, bound to its intent)
 * and opens it with whichever configured key sealed it, and where those keys come from.
 */
package dev.paymentrouter.tokens;
