/**
 * What makes a runtime object a process: a bounded mailbox that hands messages to their handler one at a time,
 * without a thread of its own and without ever blocking the sender.
 */
package dev.paymentrouter.process;
