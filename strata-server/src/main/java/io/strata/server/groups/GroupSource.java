package io.strata.server.groups;

import io.strata.core.EventFilter;
import io.strata.core.InvalidRequestException;
import io.strata.core.StreamNames;
import java.util.Objects;
import java.util.TreeSet;

/** What a consumer group consumes: one stream, or {@code $all} through a filter. */
public sealed interface GroupSource permits GroupSource.Stream, GroupSource.All {

    /** Every event of one stream, in revision order. */
    static GroupSource stream(String name) {
        return new Stream(name);
    }

    /** Every event of the global log. */
    static GroupSource all() {
        return new All(EventFilter.ALL);
    }

    /** The events of the global log that {@code filter} keeps, in position order. */
    static GroupSource all(EventFilter filter) {
        return new All(filter);
    }

    /** A short description for messages and logs, e.g. {@code stream 'order-42'}. */
    String describe();

    /** One stream, by name; it need not exist yet. */
    record Stream(String name) implements GroupSource {
        public Stream {
            StreamNames.checkStream(name);
            if (name.equals(StreamNames.ALL)) {
                throw new InvalidRequestException("a group over '$all' takes the source {\"all\": {…}}, not a stream named '$all'");
            }
        }

        @Override
        public String describe() {
            return "stream '" + name + "'";
        }
    }

    /** The global log, filtered. */
    record All(EventFilter filter) implements GroupSource {
        public All {
            Objects.requireNonNull(filter, "filter");
            for (String type : filter.types()) {
                StreamNames.checkType(type);
            }
            if (filter.category().isPresent() && filter.category().get().isEmpty()) {
                throw new InvalidRequestException("a category filter must not be empty");
            }
            if (filter.streamPrefix().isPresent() && filter.streamPrefix().get().isEmpty()) {
                throw new InvalidRequestException("a streamPrefix filter must not be empty");
            }
        }

        @Override
        public String describe() {
            if (filter.isAll()) {
                return "$all";
            }
            StringBuilder text = new StringBuilder("$all (");
            String separator = "";
            if (!filter.types().isEmpty()) {
                text.append("type in ").append(new TreeSet<>(filter.types()));
                separator = ", ";
            }
            if (filter.category().isPresent()) {
                text.append(separator).append("category '").append(filter.category().get()).append('\'');
                separator = ", ";
            }
            if (filter.streamPrefix().isPresent()) {
                text.append(separator).append("streamPrefix '").append(filter.streamPrefix().get()).append('\'');
            }
            return text.append(')').toString();
        }
    }
}
