package io.strata.client;

import java.util.Objects;

/**
 * What {@link ConsumerGroupClient#create} found or made.
 *
 * @param created true when this call created the group; false when it existed with the same settings
 */
public record ConsumerGroupCreation(ConsumerGroupStatus group, boolean created) {
    public ConsumerGroupCreation {
        Objects.requireNonNull(group, "group");
    }
}
