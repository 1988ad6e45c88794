package dev.paymentrouter.provider.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paymentrouter.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatusQueryTurnsTest {

  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void givesEveryTurnedAwayQueryATurnOfItsOwnOneRateIntervalAfterThePrevious() {
    StatusQueryTurns turns = new StatusQueryTurns(10);
    Instant now = clock.instant();

    // Three queries turned away in the same instant: at 10 per second they come back 100 ms apart, not together.
    assertThat(turns.next(now)).isEqualTo(now.plusMillis(100));
    assertThat(turns.next(now)).isEqualTo(now.plusMillis(200));
    assertThat(turns.next(now)).isEqualTo(now.plusMillis(300));

    // One turned away a little later still queues behind them: the backlog has not cleared yet.
    clock.advance(Duration.ofMillis(50));
    assertThat(turns.next(clock.instant())).isEqualTo(now.plusMillis(400));
  }

  @Test
  void startsFromNowAgainOnceTheBacklogHasCleared() {
    StatusQueryTurns turns = new StatusQueryTurns(2);
    turns.next(clock.instant());
    turns.next(clock.instant());

    // Every turn handed out (the last at +1 s) has passed: a new waiter is not sent behind old ones.
    clock.advance(Duration.ofSeconds(5));
    assertThat(turns.next(clock.instant())).isEqualTo(clock.instant().plusMillis(500));
  }

  @Test
  void neverGivesTheSameTurnToTwoWaitersAskingAtOnce() {
    StatusQueryTurns turns = new StatusQueryTurns(1000);
    Instant now = clock.instant();
    Set<Instant> given = ConcurrentHashMap.newKeySet();

    IntStream.range(0, 4000).parallel().forEach(i -> given.add(turns.next(now)));

    assertThat(given).hasSize(4000);
    assertThat(given).allMatch(turn -> !turn.isAfter(now.plusSeconds(4)) && turn.isAfter(now));
  }
}
