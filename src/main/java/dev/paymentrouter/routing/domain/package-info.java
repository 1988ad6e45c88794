/**
 * Which providers an intent should try, in which order: a pure function of the intent's facts and a snapshot of
 * provider health. Holds no state and does no I/O.
 */
package dev.paymentrouter.routing.domain;
