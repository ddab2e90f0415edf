/**
 * A fixture for projections: given events, then the read model, with a line diff of expected and
 * actual state on failure. No test framework needed (plain {@link java.lang.AssertionError}).
 *
 * <pre>
 *   ProjectionFixture.of(newModel, model -&gt; projection)
 *       .given(stream, events…)  ──▶ RecordedEvents (positions 0…, revisions per stream)
 *       .and(stream, events…)          │ Projection.handle (filter, decoding, upcasting)
 *       .expectState(expected)   ◀─────┘ model  ── mismatch: AssertionError with a diff
 * </pre>
 */
package io.strata.eventsourcing.test.projection;
