package io.strata.cli;

import io.strata.core.ErrorCode;
import io.strata.core.StrataException;

/** What the commands that need {@code strata-server} say until it exists: the truth, exit 1. */
final class ServerModule {
    private ServerModule() {
    }

    static StrataException missing(String command) {
        return new StrataException(ErrorCode.UNAVAILABLE, command + " needs the server module, which is not built yet");
    }
}
