package dev.paymentrouter.simulator;

import dev.paymentrouter.simulator.ModificationRules.Refusal;
import dev.paymentrouter.simulator.SimulatorModification.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The charges a simulated provider recorded, in one shape for every dialect, indexed by id and reference, and the
 * captures, cancels and refunds recorded against them. Idempotency is the engine's job, not the ledger's: every
 * decision that records a charge or a modification appends one entry; the money rules of a modification are checked
 * and applied here, in one step, so two racing refunds cannot both fit.
 */
public final class SimulatorLedger {

    /**
     * A charge plus what a front end needs to show it again: the insertion order and the request it answered,
     * in the dialect's own parsed form.
     */
    record Entry(long sequence, SimulatorCharge charge, Object request) {
    }

    /** A modification plus the request it answered, in the dialect's own parsed form. */
    record ModificationEntry(long sequence, SimulatorModification modification, Object request) {
    }

    /**
     * Per charge money, in minor units: captured (an approval captures at once), voided (released: a cancel, or the
     * rest of a smaller capture) and refunded.
     */
    public record Totals(long captured, long voided, long refunded) {
        static final Totals NONE = new Totals(0, 0, 0);

        Totals plus(Totals other) {
            return new Totals(captured + other.captured, voided + other.voided, refunded + other.refunded);
        }
    }

    /**
     * What applying a modification did: {@code entry} is its record (null when refused and not recorded),
     * {@code refusal} null when it succeeded; {@code charge} is the charge's entry, null when none exists.
     */
    record Application(Entry charge, ModificationEntry entry, Refusal refusal) {
    }

    /** Builds the modification to record once the rules have spoken. */
    interface ModificationFactory {
        SimulatorModification build(SimulatorCharge charge, long amount, String status, String code);
    }

    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    // Several charges can share a reference: a router retrying with a new idempotency key makes a new one.
    private final Map<String, List<Entry>> byReference = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, List<ModificationEntry>> modificationsByCharge = new ConcurrentHashMap<>();
    private final Map<String, ModificationEntry> modificationsById = new ConcurrentHashMap<>();
    private final Map<String, ModificationEntry> modificationsByReference = new ConcurrentHashMap<>();
    // The rules read a charge's modifications and then append one: the check and the append are one step.
    private final Object modificationLock = new Object();

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
     * The charge a provider would report for this reference: the latest approved (or authorized) one if any, else
     * the latest other one, because an approval is what a reconciling router must not miss.
     */
    public Optional<SimulatorCharge> byReference(String reference) {
        List<Entry> entries = entriesFor(reference);
        Optional<Entry> approved = entries.stream()
                .filter(entry -> entry.charge().approved() || entry.charge().authorized())
                .max(Comparator.comparingLong(Entry::sequence));
        return approved.or(() -> entries.stream().max(Comparator.comparingLong(Entry::sequence)))
                .map(Entry::charge);
    }

    public Optional<SimulatorCharge> byId(String id) {
        return entryById(id).map(Entry::charge);
    }

    /** Every recorded modification (refusals included where the dialect records them), in the order recorded. */
    public List<SimulatorModification> modifications() {
        return modificationsById.values().stream()
                .sorted(Comparator.comparingLong(ModificationEntry::sequence))
                .map(ModificationEntry::modification)
                .toList();
    }

    /** The modifications of one charge, in the order recorded. */
    public List<SimulatorModification> modificationsOf(String chargeId) {
        return modificationEntriesOf(chargeId).stream().map(ModificationEntry::modification).toList();
    }

    /** The modification recorded under the router's reference for it (the native lookup). */
    public Optional<SimulatorModification> modificationByReference(String reference) {
        return Optional.ofNullable(reference == null ? null : modificationsByReference.get(reference))
                .map(ModificationEntry::modification);
    }

    /** Captured, voided and refunded amounts of one charge. */
    public Totals totalsOf(String chargeId) {
        return entryById(chargeId)
                .map(entry -> ModificationRules.totals(entry.charge(), modificationsOf(chargeId)))
                .orElse(Totals.NONE);
    }

    /**
     * Captured, voided and refunded amounts of the charges carrying this router reference, summed: for the chaos
     * audit to hold against the router's records (more than one charge per reference is a double charge anyway).
     */
    public Totals totalsFor(String reference) {
        return entriesFor(reference).stream()
                .map(entry -> totalsOf(entry.charge().id()))
                .reduce(Totals.NONE, Totals::plus);
    }

    public long capturedFor(String reference) {
        return totalsFor(reference).captured();
    }

    public long voidedFor(String reference) {
        return totalsFor(reference).voided();
    }

    public long refundedFor(String reference) {
        return totalsFor(reference).refunded();
    }

    /** Forgets every charge and modification. */
    public void reset() {
        synchronized (modificationLock) {
            byId.clear();
            byReference.clear();
            modificationsByCharge.clear();
            modificationsById.clear();
            modificationsByReference.clear();
        }
    }

    List<ModificationEntry> modificationEntriesOf(String chargeId) {
        return chargeId == null ? List.of() : modificationsByCharge.getOrDefault(chargeId, List.of());
    }

    Optional<ModificationEntry> modificationEntryById(String id) {
        return Optional.ofNullable(id == null ? null : modificationsById.get(id));
    }

    /**
     * Checks the money rules of {@code kind} for {@code requested} on the charge and, when they allow it, records the
     * modification the factory builds; a refusal is recorded (as {@code refused}) only when {@code recordRefusal}.
     */
    Application apply(String chargeId, Kind kind, Long requested, boolean recordRefusal, Object request,
            ModificationFactory factory) {
        synchronized (modificationLock) {
            Entry charge = entryById(chargeId).orElse(null);
            SimulatorCharge recorded = charge == null ? null : charge.charge();
            List<SimulatorModification> done = modificationsOf(chargeId);
            long amount = recorded == null ? 0 : ModificationRules.amountOf(recorded, done, kind, requested);
            Optional<Refusal> refusal = ModificationRules.refusal(recorded, done, kind, amount);
            if (refusal.isPresent() && (charge == null || !recordRefusal)) {
                return new Application(charge, null, refusal.get());
            }
            SimulatorModification modification = refusal.isPresent()
                    ? factory.build(recorded, amount, SimulatorModification.REFUSED, refusal.get().code())
                    : factory.build(recorded, amount, SimulatorModification.SUCCEEDED, null);
            ModificationEntry entry = new ModificationEntry(sequence.incrementAndGet(), modification, request);
            modificationsById.put(modification.id(), entry);
            if (!modification.reference().isEmpty()) {
                modificationsByReference.put(modification.reference(), entry);
            }
            modificationsByCharge.compute(chargeId, (id, entries) -> {
                List<ModificationEntry> next = entries == null ? new ArrayList<>(1) : new ArrayList<>(entries);
                next.add(entry);
                return List.copyOf(next);
            });
            return new Application(charge, entry, refusal.orElse(null));
        }
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
