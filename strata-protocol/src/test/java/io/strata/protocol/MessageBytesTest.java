package io.strata.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.KnownLength;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** {@link MessageBytes} reads a whole message, and reads bytes it handed on without copying them. */
class MessageBytesTest {
    private static final byte[] MESSAGE = {8, 1, 18, 3, 'a', 'b', 'c'};

    @Test
    void bytesHandedOnAreReadBackAsTheSameArray() throws IOException {
        InputStream stream = MessageBytes.stream(MESSAGE);

        assertThat(stream).isInstanceOf(KnownLength.class);
        assertThat(stream.available()).isEqualTo(MESSAGE.length);
        assertThat(MessageBytes.read(stream)).isSameAs(MESSAGE);
        assertThat(stream.available()).isZero();
    }

    @Test
    void bytesHandedOnAndPartlyReadGiveTheRest() throws IOException {
        InputStream stream = MessageBytes.stream(MESSAGE);
        assertThat(stream.read()).isEqualTo(8);

        assertThat(MessageBytes.read(stream)).containsExactly(1, 18, 3, 'a', 'b', 'c');
    }

    @Test
    void aStreamOfKnownLengthIsReadWholeEvenInSmallReads() throws IOException {
        assertThat(MessageBytes.read(new KnownLengthDribble(MESSAGE, MESSAGE.length))).isEqualTo(MESSAGE);
        assertThat(MessageBytes.read(new ByteArrayInputStream(MESSAGE))).isEqualTo(MESSAGE);
    }

    @Test
    void aStreamShorterThanItsLengthIsAnError() {
        assertThatThrownBy(() -> MessageBytes.read(new KnownLengthDribble(MESSAGE, MESSAGE.length + 2)))
                .isInstanceOf(EOFException.class)
                .hasMessage("the message ended after 7 of its 9 bytes");
    }

    /** Gives one byte per read, and says it has {@code length}. */
    private static final class KnownLengthDribble extends FilterInputStream implements KnownLength {
        private final int length;

        KnownLengthDribble(byte[] bytes, int length) {
            super(new ByteArrayInputStream(bytes));
            this.length = length;
        }

        @Override
        public int available() {
            return length;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) throws IOException {
            return super.read(buffer, offset, Math.min(count, 1));
        }
    }
}
