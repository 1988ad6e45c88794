package dev.paymentrouter.operations;

/** The replica's name in the operators' trail ({@code operator_actions.node}): where an action was taken. */
record OperatorNode(String name) {}
