package dev.paymentrouter.intent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** Group commit: batching, per-write answers, failures kept to their write, and the bound on new intents. */
class IntentWriterTest {

  record Write(String intentId) implements IntentWriter.Keyed {}

  /** Statements that record each batch and can be held until the test lets them go. */
  static final class Recorded implements IntentWriter.Statements<Write, Write> {
    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    final List<String> kinds = new CopyOnWriteArrayList<>();
    final Set<String> taken = Collections.synchronizedSet(new java.util.HashSet<>());
    volatile Sinks.Empty<Void> gate = null;

    @Override
    public Mono<Set<String>> insertAll(List<Write> writes) {
      return run("insert", writes);
    }

    @Override
    public Mono<Set<String>> appendAll(List<Write> writes) {
      return run("append", writes);
    }

    private Mono<Set<String>> run(String kind, List<Write> writes) {
      List<String> ids = writes.stream().map(Write::intentId).toList();
      batches.add(ids);
      kinds.add(kind);
      Mono<Void> wait = gate == null ? Mono.empty() : gate.asMono();
      return wait.then(Mono.defer(() -> {
        if (ids.size() > 1 && ids.stream().anyMatch(id -> id.startsWith("poison"))) {
          return Mono.error(new IllegalStateException("deadlock detected"));
        }
        if (ids.stream().anyMatch(id -> id.startsWith("poison"))) {
          return Mono.error(new IllegalStateException("constraint violated by " + ids));
        }
        // "taken" ids lose their guard: the statement does not write them.
        return Mono.just(ids.stream().filter(id -> !id.startsWith("stale")).collect(Collectors.toSet()));
      }));
    }
  }

  @Test
  void writesThatQueueWhileTheWriterIsBusyGoOutTogetherInOneStatement() {
    Recorded statements = new Recorded();
    statements.gate = Sinks.empty();
    IntentWriter<Write, Write> writer = new IntentWriter<>(statements, 1, 64, 100);

    List<Mono<Boolean>> answers = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      answers.add(writer.insert(new Write("pi_" + i)).cache());
      answers.get(i).subscribe();
    }
    assertThat(statements.batches).containsExactly(List.of("pi_0"));

    Sinks.Empty<Void> gate = statements.gate;
    statements.gate = null;
    gate.tryEmitEmpty();

    assertThat(statements.batches).hasSize(2);
    assertThat(statements.batches.get(1)).hasSize(10);
    for (Mono<Boolean> answer : answers) {
      assertThat(answer.block(Duration.ofSeconds(1))).isTrue();
    }
  }

  @Test
  void aBatchIsNeverLargerThanMaxBatch() {
    Recorded statements = new Recorded();
    statements.gate = Sinks.empty();
    IntentWriter<Write, Write> writer = new IntentWriter<>(statements, 1, 4, 100);
    for (int i = 0; i < 10; i++) {
      writer.append(new Write("pi_" + i)).subscribe();
    }
    Sinks.Empty<Void> gate = statements.gate;
    statements.gate = null;
    gate.tryEmitEmpty();

    assertThat(statements.batches).extracting(List::size).containsExactly(1, 4, 4, 1);
  }

  @Test
  void eachWriteLearnsWhetherItsOwnGuardHeld() {
    Recorded statements = new Recorded();
    statements.gate = Sinks.empty();
    IntentWriter<Write, Write> writer = new IntentWriter<>(statements, 1, 64, 100);
    writer.append(new Write("pi_first")).subscribe();
    Mono<Boolean> fresh = writer.append(new Write("pi_fresh")).cache();
    Mono<Boolean> stale = writer.append(new Write("stale_1")).cache();
    fresh.subscribe();
    stale.subscribe();
    statements.gate.tryEmitEmpty();

    assertThat(statements.batches.get(1)).containsExactly("pi_fresh", "stale_1");
    assertThat(fresh.block(Duration.ofSeconds(1))).isTrue();
    assertThat(stale.block(Duration.ofSeconds(1))).isFalse();
  }

  @Test
  void whenABatchFailsEachWriteIsTriedAloneAndOnlyTheCulpritFails() {
    Recorded statements = new Recorded();
    statements.gate = Sinks.empty();
    IntentWriter<Write, Write> writer = new IntentWriter<>(statements, 1, 64, 100);
    writer.insert(new Write("pi_first")).subscribe();
    Mono<Boolean> good = writer.insert(new Write("pi_good")).cache();
    Mono<Boolean> poison = writer.insert(new Write("poison")).cache();
    Mono<Boolean> alsoGood = writer.insert(new Write("pi_also_good")).cache();
    good.subscribe();
    poison.subscribe(ok -> {}, error -> {});
    alsoGood.subscribe();
    Sinks.Empty<Void> gate = statements.gate;
    statements.gate = null;
    gate.tryEmitEmpty();

    assertThat(good.block(Duration.ofSeconds(1))).isTrue();
    assertThat(alsoGood.block(Duration.ofSeconds(1))).isTrue();
    assertThatThrownBy(() -> poison.block(Duration.ofSeconds(1))).hasMessageContaining("constraint violated");
    assertThat(statements.batches).containsExactly(List.of("pi_first"), List.of("pi_good", "poison",
        "pi_also_good"), List.of("pi_good"), List.of("poison"), List.of("pi_also_good"));
  }

  /**
   * A statement can fail before it reaches the database, while it is built (a write that cannot be encoded, an error
   * thrown on the way): the batch's writes are then tried alone as after any failed batch, each learns its own
   * answer, and the writer goes on with the next writes. Thrown past the writer instead, it reached only the write
   * that started the statement: the others waited for good, and the writer's slot stayed taken.
   */
  @Test
  void aStatementThatFailsWhileItIsBuiltAnswersEveryWriteAndFreesItsWriter() {
    Recorded recorded = new Recorded();
    recorded.gate = Sinks.empty();
    java.util.concurrent.atomic.AtomicInteger builds = new java.util.concurrent.atomic.AtomicInteger();
    IntentWriter.Statements<Write, Write> statements = new IntentWriter.Statements<>() {
      @Override
      public Mono<Set<String>> insertAll(List<Write> writes) {
        return recorded.insertAll(writes);
      }

      @Override
      public Mono<Set<String>> appendAll(List<Write> writes) {
        // The first statement built for the batch fails as it is built (a lock its encoding may not wait for, in a
        // test run); so does every one that holds the write nothing can encode.
        if (builds.incrementAndGet() == 2 || writes.stream().anyMatch(w -> w.intentId().startsWith("unencodable"))) {
          throw new IllegalStateException("cannot build a statement for " + writes.stream().map(Write::intentId)
              .toList());
        }
        return recorded.appendAll(writes);
      }
    };
    IntentWriter<Write, Write> writer = new IntentWriter<>(statements, 1, 64, 100);
    writer.append(new Write("pi_first")).subscribe();
    Mono<Boolean> good = writer.append(new Write("pi_good")).cache();
    Mono<Boolean> unencodable = writer.append(new Write("unencodable")).cache();
    Mono<Boolean> alsoGood = writer.append(new Write("pi_also_good")).cache();
    good.subscribe();
    unencodable.subscribe(ok -> {}, error -> {});
    alsoGood.subscribe();
    Sinks.Empty<Void> gate = recorded.gate;
    recorded.gate = null;
    gate.tryEmitEmpty();

    assertThat(good.block(Duration.ofSeconds(1))).isTrue();
    assertThat(alsoGood.block(Duration.ofSeconds(1))).isTrue();
    assertThatThrownBy(() -> unencodable.block(Duration.ofSeconds(1)))
        .hasMessageContaining("cannot build a statement for [unencodable]");
    // The one writer is free again: a later write goes out.
    assertThat(writer.append(new Write("pi_later")).block(Duration.ofSeconds(1))).isTrue();
    assertThat(recorded.batches).containsExactly(List.of("pi_first"), List.of("pi_good"), List.of("pi_also_good"),
        List.of("pi_later"));
  }

  /** A new intent whose creator may give up waiting before it is sent. */
  record Withdrawable(String intentId, java.util.concurrent.atomic.AtomicInteger state) implements IntentWriter.Keyed {
    static final int WAITING = 0;
    static final int SENT = 1;
    static final int WITHDRAWN = 2;

    Withdrawable(String intentId) {
      this(intentId, new java.util.concurrent.atomic.AtomicInteger(WAITING));
    }

    boolean withdraw() {
      return state.compareAndSet(WAITING, WITHDRAWN);
    }

    @Override
    public boolean send() {
      return state.compareAndSet(WAITING, SENT);
    }
  }

  @Test
  void aNewIntentWithdrawnWhileItWaitsIsNeverSentAndOneAlreadySentCannotBeWithdrawn() {
    List<List<String>> sent = new CopyOnWriteArrayList<>();
    Sinks.Empty<Void> gate = Sinks.empty();
    IntentWriter.Statements<Withdrawable, Withdrawable> statements = new IntentWriter.Statements<>() {
      @Override
      public Mono<Set<String>> insertAll(List<Withdrawable> writes) {
        List<String> ids = writes.stream().map(Withdrawable::intentId).toList();
        sent.add(ids);
        return gate.asMono().then(Mono.just(Set.copyOf(ids)));
      }

      @Override
      public Mono<Set<String>> appendAll(List<Withdrawable> writes) {
        return Mono.error(new AssertionError("no transitions here"));
      }
    };
    IntentWriter<Withdrawable, Withdrawable> writer = new IntentWriter<>(statements, 1, 64, 10);
    // The only writer is busy with the first intent's statement; the second waits in the queue.
    Withdrawable busy = new Withdrawable("pi_busy");
    Withdrawable waiting = new Withdrawable("pi_waiting");
    Mono<Boolean> busyAnswer = writer.insert(busy).cache();
    busyAnswer.subscribe();
    Mono<Boolean> waitingAnswer = writer.insert(waiting).cache();
    waitingAnswer.subscribe();

    // The statement carrying the first may commit at any moment: it can no longer be withdrawn.
    assertThat(busy.withdraw()).isFalse();
    // The second has not been sent: withdrawing it means it will never be.
    assertThat(waiting.withdraw()).isTrue();
    gate.tryEmitEmpty();

    assertThat(busyAnswer.block(Duration.ofSeconds(1))).isTrue();
    assertThat(waitingAnswer.blockOptional(Duration.ofSeconds(1))).isEmpty();
    assertThat(sent).containsExactly(List.of("pi_busy"));
    assertThat(writer.pendingCreates()).isZero();
  }

  @Test
  void transitionsOfLiveIntentsGoBeforeNewIntents() {
    Recorded statements = new Recorded();
    statements.gate = Sinks.empty();
    IntentWriter<Write, Write> writer = new IntentWriter<>(statements, 1, 64, 100);
    writer.insert(new Write("pi_busy")).subscribe();
    writer.insert(new Write("pi_new")).subscribe();
    writer.append(new Write("pi_live")).subscribe();
    Sinks.Empty<Void> gate = statements.gate;
    statements.gate = null;
    gate.tryEmitEmpty();

    assertThat(statements.kinds).containsExactly("insert", "append", "insert");
    assertThat(statements.batches).containsExactly(List.of("pi_busy"), List.of("pi_live"), List.of("pi_new"));
  }

  @Test
  void newIntentsAreRefusedWhileTooManyWaitForTheDatabase() {
    Recorded statements = new Recorded();
    statements.gate = Sinks.empty();
    IntentWriter<Write, Write> writer = new IntentWriter<>(statements, 1, 64, 3);
    writer.insert(new Write("pi_busy")).subscribe();
    assertThat(writer.acceptsNewIntents()).isTrue();
    for (int i = 0; i < 3; i++) {
      writer.insert(new Write("pi_" + i)).subscribe();
    }
    assertThat(writer.pendingCreates()).isEqualTo(3);
    assertThat(writer.acceptsNewIntents()).isFalse();
    // Transitions of live intents are not refused: the work they finish was accepted already.
    Mono<Boolean> transition = writer.append(new Write("pi_live")).cache();
    transition.subscribe();

    Sinks.Empty<Void> gate = statements.gate;
    statements.gate = null;
    gate.tryEmitEmpty();
    assertThat(transition.block(Duration.ofSeconds(1))).isTrue();
    assertThat(writer.pendingCreates()).isZero();
    assertThat(writer.acceptsNewIntents()).isTrue();
  }

  @Test
  void manyWritersAtOnceNeverRunMoreStatementsThanAllowedAndAnswerEveryWrite() {
    java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    IntentWriter.Statements<Write, Write> slow = new IntentWriter.Statements<>() {
      @Override
      public Mono<Set<String>> insertAll(List<Write> writes) {
        return appendAll(writes);
      }

      @Override
      public Mono<Set<String>> appendAll(List<Write> writes) {
        return Mono.defer(() -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          return Mono.delay(Duration.ofMillis(2))
              .then(Mono.fromSupplier(() -> writes.stream().map(Write::intentId).collect(Collectors.toSet())))
              .doOnTerminate(running::decrementAndGet);
        });
      }
    };
    IntentWriter<Write, Write> writer = new IntentWriter<>(slow, 3, 16, 10_000);
    List<Boolean> answers = Flux.range(0, 2_000)
        .parallel(4)
        .runOn(reactor.core.scheduler.Schedulers.parallel())
        .flatMap(i -> i % 2 == 0 ? writer.insert(new Write("pi_" + i)) : writer.append(new Write("pi_" + i)))
        .sequential()
        .collectList()
        .block(Duration.ofSeconds(30));

    assertThat(answers).hasSize(2_000).containsOnly(true);
    assertThat(most.get()).isBetween(1, 3);
    assertThat(writer.pendingCreates()).isZero();
  }
}
