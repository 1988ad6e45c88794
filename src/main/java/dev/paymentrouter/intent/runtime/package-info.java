/**
 * The intents' runtime: one {@link dev.paymentrouter.intent.runtime.IntentProcess} per active intent, the
 * {@link dev.paymentrouter.intent.runtime.IntentRegistry} of live ones, and their store in PostgreSQL.
 */
package dev.paymentrouter.intent.runtime;
