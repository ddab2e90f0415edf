package io.strata.core;

/** What an acknowledged append means. */
public enum Durability {
    /** fsync'd before the answer. The default. */
    FSYNC("fsync"),
    /** Written before the answer, fsync'd every few milliseconds after it. */
    BATCHED("batched"),
    /** Never fsync'd by the writer: for tests only. */
    NONE("none");

    private final String wireName;

    Durability(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Durability parse(String text) {
        for (Durability d : values()) {
            if (d.wireName.equals(text)) {
                return d;
            }
        }
        throw new InvalidRequestException("durability must be fsync, batched or none, got '" + text + "'");
    }
}
