/**
 * Start-up plumbing shared by every module: the clock, the database settings derived from one R2DBC URL, and
 * the refusal to start without a database.
 */
package dev.paymentrouter.platform;
