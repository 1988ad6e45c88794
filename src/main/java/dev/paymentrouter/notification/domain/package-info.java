/**
 * Incoming provider notifications, the pure part: Stripe's and Adyen's signature checks (time comes in as data) and
 * what a verified notification asks of the intent's owner. No HTTP, JSON or database here.
 */
package dev.paymentrouter.notification.domain;
