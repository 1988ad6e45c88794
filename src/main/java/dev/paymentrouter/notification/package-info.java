/**
 * Incoming provider notifications (Stripe, Adyen): verified at the edge, stored once per provider event, and handed
 * to the intent's owner process as a reconciliation message, never written to an intent directly.
 */
package dev.paymentrouter.notification;
