/**
 * Strata's vocabulary: events, streams, revisions, positions, expected revisions, read and
 * subscribe options, errors with stable codes, and the {@link io.strata.core.EventStore} interface
 * that every engine implements.
 *
 * <pre>
 *   service ──append(stream, expected, events)──▶ EventStore ──▶ one global log ($all)
 *                                                   │              position 0, 1, 2, …
 *   reader  ◀──readStream / readAll / subscribe────┘   each event: stream + revision 0, 1, 2, …
 * </pre>
 */
package io.strata.core;
