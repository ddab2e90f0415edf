package io.strata.cli;

import io.strata.core.AppendResult;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Text for people: one line per event, short sentences for results. */
final class HumanFormat {
    private HumanFormat() {
    }

    /**
     * One event on one line: position, stream@revision, recorded time, type, data, then the valid
     * time and metadata when present, e.g.
     * {@code 17  order-42@0  2026-11-27T10:15:30.123456Z  OrderPlaced  {"sku":"A"}}.
     */
    static String event(RecordedEvent event) {
        StringBuilder line = new StringBuilder(96 + event.data().length)
                .append(event.position().token()).append("  ")
                .append(event.stream()).append('@').append(event.revision()).append("  ")
                .append(Times.recorded(event.recordedTime())).append("  ")
                .append(event.type()).append("  ")
                .append(payload(event.data(), event.contentType()));
        event.validTime().ifPresent(time -> line.append("  validTime=").append(Times.plain(time)));
        if (event.hasMetadata()) {
            line.append("  metadata=").append(payload(event.metadata(), "application/json"));
        }
        return line.toString();
    }

    static String appendResult(AppendResult result) {
        if (result.firstRevision() == result.lastRevision()) {
            return "appended " + result.stream() + "@" + result.firstRevision()
                    + " at position " + result.firstPosition().token();
        }
        return "appended " + result.stream() + "@" + result.firstRevision() + ".." + result.lastRevision()
                + " at positions " + result.firstPosition().token() + ".." + result.lastPosition().token();
    }

    static String info(StoreInfo info) {
        return String.join(System.lineSeparator(),
                "version        " + info.version(),
                "engine         " + info.engine(),
                "durability     " + info.durability().wireName(),
                "head position  " + info.headPosition().map(p -> p.token()).orElse("none (the log is empty)"),
                "streams        " + info.streams(),
                "events         " + info.events(),
                "started at     " + Times.recorded(info.startedAt()),
                "dedup window   " + duration(info.dedupWindow()) + " or the last " + info.dedupWindowEvents()
                        + " events, whichever is less");
    }

    /**
     * JSON is shown as its stored text; anything else only by size and type. Line breaks become
     * spaces so an event stays on one line: in valid JSON they can only be whitespace between tokens.
     */
    private static String payload(byte[] bytes, String contentType) {
        if ("application/json".equals(contentType)) {
            return new String(bytes, StandardCharsets.UTF_8).replace('\n', ' ').replace('\r', ' ');
        }
        return "<" + bytes.length + " bytes of " + contentType + ">";
    }

    private static String duration(Duration duration) {
        if (duration.toSeconds() % 3600 == 0) {
            return duration.toHours() + " h";
        }
        if (duration.toSeconds() % 60 == 0) {
            return duration.toMinutes() + " min";
        }
        return duration.toString();
    }
}
