package dev.paymentrouter.simulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The charges a simulated provider recorded, in one shape for every dialect, indexed by id and reference.
 * Idempotency is the engine's job, not the ledger's: every decision that records a charge appends one entry.
 */
public final class SimulatorLedger {

    /**
     * A charge plus what a front end needs to show it again: the insertion order and the request it answered,
     * in the dialect's own parsed form.
     */
    record Entry(long sequence, SimulatorCharge charge, Object request) {
    }

    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    // Several charges can share a reference: a router retrying with a new idempotency key makes a new one.
    private final Map<String, List<Entry>> byReference = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    SimulatorLedger() {
    }

    /** All recorded charges in the order they were recorded. */
    public List<SimulatorCharge> charges() {
        return entries().stream().map(Entry::charge).toList();
    }

    /** How many approved charges carry this reference: more than one is a double charge. */
    public long approvedCountFor(String reference) {
        return entriesFor(reference).stream().filter(entry -> entry.charge().approved()).count();
    }

    /**
     * The charge a provider would report for this reference: the latest approved one if any, else the latest
     * other one, because an approval is what a reconciling router must not miss.
     */
    public Optional<SimulatorCharge> byReference(String reference) {
        List<Entry> entries = entriesFor(reference);
        Optional<Entry> approved = entries.stream()
                .filter(entry -> entry.charge().approved())
                .max(Comparator.comparingLong(Entry::sequence));
        return approved.or(() -> entries.stream().max(Comparator.comparingLong(Entry::sequence)))
                .map(Entry::charge);
    }

    public Optional<SimulatorCharge> byId(String id) {
        return entryById(id).map(Entry::charge);
    }

    /** Forgets every charge. */
    public void reset() {
        byId.clear();
        byReference.clear();
    }

    Optional<Entry> entryById(String id) {
        return Optional.ofNullable(id == null ? null : byId.get(id));
    }

    /** Every entry in the order recorded. */
    List<Entry> entries() {
        return byId.values().stream().sorted(Comparator.comparingLong(Entry::sequence)).toList();
    }

    /** Appends the charge; the engine's claim on the idempotency key makes this happen once per decision. */
    Entry record(SimulatorCharge charge, Object request) {
        Entry entry = new Entry(sequence.incrementAndGet(), charge, request);
        byId.put(charge.id(), entry);
        byReference.compute(charge.reference(), (reference, entries) -> {
            List<Entry> next = entries == null ? new ArrayList<>(1) : new ArrayList<>(entries);
            next.add(entry);
            return List.copyOf(next);
        });
        return entry;
    }

    private List<Entry> entriesFor(String reference) {
        return reference == null ? List.of() : byReference.getOrDefault(reference, List.of());
    }
}
