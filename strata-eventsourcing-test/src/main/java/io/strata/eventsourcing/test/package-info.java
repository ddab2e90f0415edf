/**
 * Test fixtures for the event-sourcing toolkit, free of any test framework: failures are plain
 * {@link java.lang.AssertionError}s with readable reports.
 *
 * <pre>
 *   DeciderFixture.forDecider(decider)      [.withSerializer(serializer)]
 *       .given(e1, e2)        ─fold─▶ state
 *       .when(command)        ─decide─▶ events | rejection
 *       .then(e3)             ─equals? else diff (- expected, + actual)
 *       .thenNothing()        ─no events, no rejection
 *       .thenRejected(X.class)─the rejection, for further checks
 * </pre>
 */
package io.strata.eventsourcing.test;
