package io.strata.eventsourcing.test.projection;

import java.util.List;

/**
 * A line diff of two read-model states ({@link StateText}), aligned on their longest common
 * subsequence, so a wrong value shows as one {@code -} line and one {@code +} line in place:
 * <pre>
 *     byAccount:
 *   -   "account-1" = 5
 *   +   "account-1" = 6
 *       "account-2" = 7
 * </pre>
 * States in tests are small, so the quadratic table is fine.
 */
final class StateDiff {
    private StateDiff() {
    }

    static String diff(Object expected, Object actual) {
        List<String> a = StateText.lines(expected);
        List<String> b = StateText.lines(actual);
        int[][] common = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                common[i][j] = a.get(i).equals(b.get(j)) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                out.append("    ").append(a.get(i++)).append('\n');
                j++;
            } else if (j == b.size() || (i < a.size() && common[i + 1][j] >= common[i][j + 1])) {
                out.append("  - ").append(a.get(i++)).append('\n');
            } else {
                out.append("  + ").append(b.get(j++)).append('\n');
            }
        }
        if (a.equals(b)) {
            out.append("  (the states print alike but are not equal: check equals() of the model, arrays, doubles)\n");
        }
        return out.toString();
    }
}
