package io.strata.storage;

import java.util.Optional;

/**
 * The result of {@link LogVerifier#verify}: how much was checked and the first problem, if any.
 *
 * @param records       records whose checksum and hash-chain link were checked
 * @param segments      segment files read
 * @param firstProblem  a sentence naming the first bad record (segment, offset, position) and what is wrong
 */
public record VerifyReport(long records, int segments, Optional<String> firstProblem) {
    public boolean intact() {
        return firstProblem.isEmpty();
    }
}
