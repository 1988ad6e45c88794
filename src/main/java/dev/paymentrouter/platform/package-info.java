/**
 * Start-up plumbing shared by every module: the clock, the database settings derived from one R2DBC URL, the
 * refusal to start without a database, and the JDK-only health probe that containers run.
 */
package dev.paymentrouter.platform;
