/**
 * Events as Java objects ↔ bytes in the log: an explicit {@link
 * io.strata.eventsourcing.serialization.EventTypeRegistry} (type name ↔ class, with a schema
 * version), {@link io.strata.eventsourcing.serialization.JsonEventSerializer} over Jackson 3,
 * {@link io.strata.eventsourcing.serialization.Upcaster}s that lift old shapes on read, and
 * {@link io.strata.eventsourcing.serialization.EventMetadata} with correlation and causation ids.
 *
 * <pre>
 *            write                                         read
 *  record ─▶ EventTypeRegistry ─▶ EventData      RecordedEvent ─▶ UpcasterChain ─▶ EventTypeRegistry
 *            (name, version)       data: JSON                       (v1 → v2 → v3)    (name → class)
 *            EventMetadata  ─────▶ metadata:                                            │
 *                                  {correlationId, causationId,                         ▼
 *                                   schemaVersion, …entries}                       DecodedEvent
 * </pre>
 *
 * <p>Rules this package keeps: stored bytes are never rewritten (upcasting is on read only);
 * an unknown type is an {@link io.strata.eventsourcing.serialization.UnknownEventTypeException},
 * never a silent skip; an event whose version has no upcaster path, or is newer than the code, is an
 * {@link io.strata.eventsourcing.serialization.EventDecodingException} rather than a half-filled
 * object. Everything here is immutable and thread-safe once built.
 */
package io.strata.eventsourcing.serialization;
