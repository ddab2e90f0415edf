package io.strata.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.strata.core.DiskFullException;
import io.strata.core.ErrorCode;
import io.strata.core.ExpectedRevision;
import io.strata.core.IdempotencyConflictException;
import io.strata.core.InvalidRequestException;
import io.strata.core.StrataException;
import io.strata.core.StreamNotFoundException;
import io.strata.core.TooLargeException;
import io.strata.core.WrongExpectedRevisionException;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProtoErrorsTest {

    @Test
    void wrongExpectedRevisionComesBackWithItsFacts() {
        StrataException back = roundTrip(new WrongExpectedRevisionException("order-7", ExpectedRevision.exactly(3), OptionalLong.of(5)));

        assertThat(back).isInstanceOfSatisfying(WrongExpectedRevisionException.class, wrong -> {
            assertThat(wrong.stream()).isEqualTo("order-7");
            assertThat(wrong.expected()).isEqualTo(ExpectedRevision.exactly(3));
            assertThat(wrong.actual()).hasValue(5);
        });
        StrataException noStream = roundTrip(new WrongExpectedRevisionException("x", ExpectedRevision.EXISTS, OptionalLong.empty()));
        assertThat(((WrongExpectedRevisionException) noStream).actual()).isEmpty();
    }

    @Test
    void theOtherErrorsComeBackAsTheSameExceptionWithTheSameMessage() {
        for (StrataException original : new StrataException[] {
                new StreamNotFoundException("nope"),
                new TooLargeException("event size", 1024, 2048),
                new IdempotencyConflictException("s", "event ids were written to stream 't'"),
                new InvalidRequestException("bad stream name"),
                new DiskFullException("disk full writing segment", null),
                new StrataException(ErrorCode.OVERLOADED, "too many subscribers")}) {
            StrataException back = roundTrip(original);
            assertThat(back).isExactlyInstanceOf(original.getClass());
            assertThat(back.code()).isEqualTo(original.code());
            assertThat(back.getMessage()).isEqualTo(original.getMessage());
        }
        TooLargeException tooLarge = (TooLargeException) roundTrip(new TooLargeException("event size", 1024, 2048));
        assertThat(tooLarge.limit()).isEqualTo(1024);
        assertThat(tooLarge.actual()).isEqualTo(2048);
    }

    @Test
    void everyErrorCodeHasTheStatusOfTheProtoTable() {
        assertThat(ProtoErrors.statusCode(ErrorCode.WRONG_EXPECTED_REVISION)).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(ProtoErrors.statusCode(ErrorCode.STREAM_NOT_FOUND)).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(ProtoErrors.statusCode(ErrorCode.IDEMPOTENCY_CONFLICT)).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(ProtoErrors.statusCode(ErrorCode.TOO_LARGE)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(ProtoErrors.statusCode(ErrorCode.CORRUPTED)).isEqualTo(Status.Code.DATA_LOSS);
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(ProtoErrors.statusCode(code)).isNotIn(Status.Code.OK, Status.Code.UNKNOWN, Status.Code.INTERNAL);
        }
    }

    @Test
    void aStatusWithoutTheTrailerIsNotAStrataError() {
        assertThat(ProtoErrors.fromStatus(Status.UNAVAILABLE.withDescription("io exception").asRuntimeException())).isEmpty();
    }

    private static StrataException roundTrip(StrataException error) {
        StatusRuntimeException status = ProtoErrors.toStatus(error);
        assertThat(status.getStatus().getCode()).isEqualTo(ProtoErrors.statusCode(error.code()));
        return ProtoErrors.fromStatus(status).orElseThrow();
    }
}
