package io.strata.server.groups;

import java.util.Objects;

/**
 * The result of {@link ConsumerGroups#create}.
 *
 * @param created true when this call created the group; false when it already existed with the same
 *                settings (HTTP: 201 versus 200)
 */
public record GroupCreation(ConsumerGroup group, boolean created) {
    public GroupCreation {
        Objects.requireNonNull(group, "group");
    }
}
