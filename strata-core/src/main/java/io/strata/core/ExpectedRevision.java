package io.strata.core;

/**
 * What an append expects of its stream's last revision: the optimistic concurrency check.
 * Wire forms: {@code any}, {@code no_stream}, {@code exists}, or a revision number.
 */
public sealed interface ExpectedRevision {
    /** No check. */
    ExpectedRevision ANY = new Any();
    /** The stream must have no events. */
    ExpectedRevision NO_STREAM = new NoStream();
    /** The stream must have at least one event. */
    ExpectedRevision EXISTS = new Exists();

    static ExpectedRevision exactly(long revision) {
        return new Exact(revision);
    }

    /** Parses the wire form; an {@link InvalidRequestException} for anything else. */
    static ExpectedRevision parse(String text) {
        return switch (text) {
            case "any" -> ANY;
            case "no_stream" -> NO_STREAM;
            case "exists" -> EXISTS;
            default -> {
                try {
                    yield exactly(Long.parseLong(text));
                } catch (NumberFormatException e) {
                    throw new InvalidRequestException("expected revision must be any, no_stream, exists or a revision number, got '" + text + "'");
                }
            }
        };
    }

    record Any() implements ExpectedRevision {
        @Override
        public String toString() {
            return "any";
        }
    }

    record NoStream() implements ExpectedRevision {
        @Override
        public String toString() {
            return "no_stream";
        }
    }

    record Exists() implements ExpectedRevision {
        @Override
        public String toString() {
            return "exists";
        }
    }

    record Exact(long revision) implements ExpectedRevision {
        public Exact {
            if (revision < 0) {
                throw new InvalidRequestException("an expected revision is not negative, got " + revision);
            }
        }

        @Override
        public String toString() {
            return Long.toString(revision);
        }
    }
}
