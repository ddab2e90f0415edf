package io.strata.cli;

import io.strata.client.HttpEventStore;
import io.strata.core.StrataException;
import java.io.PrintWriter;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns failures into the exit codes and messages of spec/cli.md: a failed operation is exit 1
 * with {@code code: message} on standard error; bad usage is exit 2 with a hint. Stack traces only
 * with {@code --verbose}: an expected error is a sentence, not a trace.
 */
final class FailureHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
    static final int FAILED = 1;
    static final int BAD_USAGE = 2;

    @Override
    public int handleExecutionException(Exception exception, CommandLine command, ParseResult parseResult) {
        Throwable failure = unwrap(exception);
        PrintWriter err = command.getErr();
        command.getOut().flush();
        boolean verbose = verbose(parseResult);
        if (failure instanceof HttpEventStore.RemoteException remote) {
            err.println(remote.wireCode() + ": " + remote.getMessage());
        } else if (failure instanceof StrataException strata) {
            err.println(strata.code().wireName() + ": " + strata.getMessage());
        } else {
            err.println("error: " + describe(failure) + (verbose ? "" : " (unexpected; --verbose shows the stack trace)"));
        }
        if (verbose) {
            failure.printStackTrace(err);
        }
        err.flush();
        return FAILED;
    }

    @Override
    public int handleParseException(ParameterException exception, String[] args) {
        CommandLine command = exception.getCommandLine();
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        err.println(name + ": " + usageMessage(exception));
        UnmatchedArgumentException.printSuggestions(exception, err);
        err.println("Run '" + name + " --help' for usage.");
        err.flush();
        return BAD_USAGE;
    }

    /** picocli's words, except for a mistyped command, where "unmatched argument" says too little. */
    private static String usageMessage(ParameterException exception) {
        if (exception instanceof UnmatchedArgumentException unmatched
                && !exception.getCommandLine().getSubcommands().isEmpty()
                && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().getFirst().startsWith("-")) {
            return "unknown command '" + unmatched.getUnmatched().getFirst() + "'";
        }
        return exception.getMessage();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException
                || current instanceof CommandLine.ExecutionException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
