package io.strata.cli;

import io.strata.core.Durability;
import io.strata.core.ExpectedRevision;
import io.strata.core.InvalidRequestException;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Turns option values into Strata's types. A value that does not convert is bad usage (exit 2),
 * reported by picocli with the option's name and the reason given here.
 */
final class Converters {
    private Converters() {
    }

    static final class DurabilityConverter implements ITypeConverter<Durability> {
        @Override
        public Durability convert(String value) {
            try {
                return Durability.parse(value);
            } catch (InvalidRequestException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ExpectedRevisionConverter implements ITypeConverter<ExpectedRevision> {
        @Override
        public ExpectedRevision convert(String value) {
            try {
                return ExpectedRevision.parse(value);
            } catch (InvalidRequestException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Stricter than {@link UUID#fromString}, which also takes short forms such as {@code 1-2-3-4-5}. */
    static final class UuidConverter implements ITypeConverter<UUID> {
        private static final Pattern CANONICAL =
                Pattern.compile("\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

        @Override
        public UUID convert(String value) {
            if (!CANONICAL.matcher(value).matches()) {
                throw new TypeConversionException("'" + value + "' is not a UUID such as 0196b2c4-5a3e-7f00-8000-1234567890ab");
            }
            return UUID.fromString(value);
        }
    }

    static final class TimeConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Times.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
