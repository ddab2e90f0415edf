package io.strata.server.groups;

import io.strata.core.Position;
import java.util.Objects;

/**
 * Where a new consumer group starts in its source. Resolved once, when the group is created: a group
 * created with {@link #END} does not move its start when it is reopened later.
 */
public sealed interface StartFrom permits StartFrom.Start, StartFrom.End, StartFrom.At {
    /** The first event of the source. */
    StartFrom START = new Start();
    /** Only events appended after the group was created. */
    StartFrom END = new End();

    /** Events at or after {@code position} in the global log (for a stream source: its events at or after it). */
    static StartFrom at(Position position) {
        return new At(position);
    }

    /** Parses the wire form: {@code "start"}, {@code "end"} or a position token. */
    static StartFrom parse(String wire) {
        Objects.requireNonNull(wire, "wire");
        return switch (wire) {
            case "start" -> START;
            case "end" -> END;
            default -> at(Position.parse(wire));
        };
    }

    /** The wire form: {@code "start"}, {@code "end"} or the position token. */
    String wireValue();

    record Start() implements StartFrom {
        @Override
        public String wireValue() {
            return "start";
        }
    }

    record End() implements StartFrom {
        @Override
        public String wireValue() {
            return "end";
        }
    }

    record At(Position position) implements StartFrom {
        public At {
            Objects.requireNonNull(position, "position");
        }

        @Override
        public String wireValue() {
            return position.token();
        }
    }
}
