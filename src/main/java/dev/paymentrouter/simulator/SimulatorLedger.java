package dev.paymentrouter.simulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The charges a simulated provider recorded, keyed by idempotency key and indexed by reference and id. */
public final class SimulatorLedger {

    /** A charge plus what is needed to replay it: the insertion order and the request it answered. */
    record Entry(long sequence, SimulatorCharge charge, ChargeRequest request) {
    }

    private final Map<String, Entry> byIdempotencyKey = new ConcurrentHashMap<>();
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    // Several charges can share a reference: a router retrying with a new idempotency key makes a new one.
    private final Map<String, List<Entry>> byReference = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    SimulatorLedger() {
    }

    /** All recorded charges in the order they were recorded. */
    public List<SimulatorCharge> charges() {
        return byIdempotencyKey.values().stream()
                .sorted(Comparator.comparingLong(Entry::sequence))
                .map(Entry::charge)
                .toList();
    }

    /** How many approved charges carry this reference: more than one is a double charge. */
    public long approvedCountFor(String reference) {
        return entriesFor(reference).stream().filter(entry -> entry.charge().approved()).count();
    }

    /**
     * The charge a provider would report for this reference: the latest approved one if any, else the latest
     * declined one, because an approval is what a reconciling router must not miss.
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
        return Optional.ofNullable(id == null ? null : byId.get(id)).map(Entry::charge);
    }

    /** Forgets every charge, so the next request under a known idempotency key is processed afresh. */
    public void reset() {
        byIdempotencyKey.clear();
        byId.clear();
        byReference.clear();
    }

    Optional<Entry> byIdempotencyKey(String idempotencyKey) {
        return Optional.ofNullable(byIdempotencyKey.get(idempotencyKey));
    }

    /** Records the charge unless its key is already taken, and returns the entry that holds the key. */
    Entry record(SimulatorCharge charge, ChargeRequest request) {
        Entry candidate = new Entry(sequence.incrementAndGet(), charge, request);
        Entry existing = byIdempotencyKey.putIfAbsent(charge.idempotencyKey(), candidate);
        if (existing != null) {
            return existing;
        }
        byId.put(charge.id(), candidate);
        byReference.compute(charge.reference(), (reference, entries) -> {
            List<Entry> next = entries == null ? new ArrayList<>(1) : new ArrayList<>(entries);
            next.add(candidate);
            return List.copyOf(next);
        });
        return candidate;
    }

    private List<Entry> entriesFor(String reference) {
        return reference == null ? List.of() : byReference.getOrDefault(reference, List.of());
    }
}
