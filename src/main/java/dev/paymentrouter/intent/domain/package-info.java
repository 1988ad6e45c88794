/**
 * The payment intent as a pure state machine: its value types, commands, events, and the two functions
 * everything leans on, {@code decide(state, command)} and {@code evolve(state, event)}. No I/O, no framework.
 */
package dev.paymentrouter.intent.domain;
