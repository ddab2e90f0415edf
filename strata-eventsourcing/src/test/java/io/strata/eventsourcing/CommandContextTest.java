package io.strata.eventsourcing;

import io.strata.eventsourcing.serialization.EventMetadata;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandContextTest {

    @Test
    void aNewCommandStartsItsOwnConversation() {
        CommandContext context = CommandContext.create();

        assertThat(context.correlationId()).isEqualTo(context.commandId());
        assertThat(CommandContext.create().commandId()).isNotEqualTo(context.commandId());
    }

    @Test
    void theEventsOfACommandAreCausedByItWithinItsConversation() {
        CommandContext context = new CommandContext("cmd-2", "request-1", Map.of("tenant", "acme"));

        assertThat(context.eventMetadata()).isEqualTo(
                new EventMetadata(Optional.of("request-1"), Optional.of("cmd-2"), Map.of("tenant", "acme")));
    }

    @Test
    void aFollowUpKeepsTheConversationAndEntriesButIsANewCommand() {
        CommandContext first = CommandContext.withCommandId("cmd-1").with("user", "ada");

        CommandContext next = first.followUp();

        assertThat(next.commandId()).isNotEqualTo("cmd-1");
        assertThat(next.correlationId()).isEqualTo("cmd-1");
        assertThat(next.entries()).containsEntry("user", "ada");
    }

    @Test
    void reservedMetadataKeysAreRefusedWhereTheyAreWritten() {
        assertThatThrownBy(() -> CommandContext.create().with("correlationId", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
    }
}
