package io.strata.core;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StreamNamesTest {

    @Test
    void acceptsNamesUpToTheLimitInUtf8Bytes() {
        assertThatCode(() -> StreamNames.checkStream("order-42")).doesNotThrowAnyException();
        // 'é' is 2 UTF-8 bytes, '€' 3, '😀' (a surrogate pair) 4: 500 + 999 + 1000 bytes
        assertThatCode(() -> StreamNames.checkStream("é".repeat(500))).doesNotThrowAnyException();
        assertThatCode(() -> StreamNames.checkStream("€".repeat(333))).doesNotThrowAnyException();
        assertThatCode(() -> StreamNames.checkStream("😀".repeat(250))).doesNotThrowAnyException();
        assertThatCode(() -> StreamNames.checkType("t".repeat(StreamNames.MAX_TYPE_BYTES))).doesNotThrowAnyException();
    }

    @Test
    void rejectsNamesOverTheLimitCountingUtf8Bytes() {
        assertThatThrownBy(() -> StreamNames.checkStream("é".repeat(501)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("is 1002 UTF-8 bytes, over the limit of 1000");
        assertThatThrownBy(() -> StreamNames.checkStream("😀".repeat(250) + "a"))
                .hasMessageContaining("is 1001 UTF-8 bytes");
        assertThatThrownBy(() -> StreamNames.checkType("t".repeat(StreamNames.MAX_TYPE_BYTES + 1)))
                .hasMessageContaining("event type is 257 UTF-8 bytes, over the limit of 256");
    }

    @Test
    void rejectsEmptyNamesControlCharactersAndLoneSurrogates() {
        assertThatThrownBy(() -> StreamNames.checkStream("")).hasMessage("stream name must not be empty");
        assertThatThrownBy(() -> StreamNames.checkStream("a\nb"))
                .hasMessage("stream name must not contain control characters (found U+000A at index 1)");
        assertThatThrownBy(() -> StreamNames.checkStream("a\u007f")).hasMessageContaining("U+007F at index 1");
        assertThatThrownBy(() -> StreamNames.checkStream("a\u0085")).hasMessageContaining("U+0085 at index 1");
        assertThatThrownBy(() -> StreamNames.checkStream("ab\uD83D"))
                .hasMessage("stream name is not valid UTF-16 text (lone surrogate at index 2)");
        assertThatThrownBy(() -> StreamNames.checkStream("\uDE00x"))
                .hasMessage("stream name is not valid UTF-16 text (lone surrogate at index 0)");
    }

    @Test
    void reservesDollarStreamsForTheStoreOnly() {
        assertThatThrownBy(() -> StreamNames.checkWritableStream("$all")).hasMessageContaining("reserved");
        assertThatCode(() -> StreamNames.checkStream("$all")).doesNotThrowAnyException();
    }
}
