package io.strata.eventsourcing.test;

import java.util.List;

/**
 * A line-by-line diff of two event lists, one event per line, aligned on their longest common
 * subsequence (by {@code equals}), so one wrong event in the middle shows as one {@code -} and one
 * {@code +} line rather than as everything after it:
 * <pre>
 *       Incremented[by=1]
 *     - Incremented[by=2]
 *     + Incremented[by=3]
 *       WasReset[from=6]
 * </pre>
 * Event lists in tests are short, so the quadratic table is fine.
 */
final class EventDiff {
    private static final String INDENT = "    ";

    private EventDiff() {
    }

    static String diff(List<?> expected, List<?> actual) {
        int[][] common = commonSuffixLengths(expected, actual);
        StringBuilder out = new StringBuilder();
        int i = 0;
        int j = 0;
        boolean alike = false;
        while (i < expected.size() || j < actual.size()) {
            if (i < expected.size() && j < actual.size() && expected.get(i).equals(actual.get(j))) {
                line(out, ' ', actual.get(j));
                i++;
                j++;
            } else if (j == actual.size() || (i < expected.size() && common[i + 1][j] >= common[i][j + 1])) {
                alike |= j < actual.size() && EventText.of(expected.get(i)).equals(EventText.of(actual.get(j)));
                line(out, '-', expected.get(i++));
            } else {
                line(out, '+', actual.get(j++));
            }
        }
        if (alike) {
            out.append("Note: some events print alike but are not equal; check how their fields compare (arrays, doubles).\n");
        }
        return out.toString();
    }

    /** The events as an indented list, one per line. */
    static String list(List<?> events) {
        StringBuilder out = new StringBuilder();
        for (Object event : events) {
            line(out, ' ', event);
        }
        return out.toString();
    }

    /** {@code lengths[i][j]}: the longest common subsequence of {@code a[i..]} and {@code b[j..]}. */
    private static int[][] commonSuffixLengths(List<?> a, List<?> b) {
        int[][] lengths = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lengths[i][j] = a.get(i).equals(b.get(j)) ? lengths[i + 1][j + 1] + 1 : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
            }
        }
        return lengths;
    }

    private static void line(StringBuilder out, char marker, Object event) {
        String text = EventText.of(event).replace("\n", "\n" + INDENT + "  ");
        out.append(INDENT).append(marker).append(' ').append(text).append('\n');
    }
}
