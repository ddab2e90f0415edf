package io.strata.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A forwarding store passes every call on, so a method added to EventStore later is not silently served by a default. */
class ForwardingEventStoreTest {
    @Test
    void everyMethodOfEventStoreIsForwarded() {
        List<String> notForwarded = Arrays.stream(EventStore.class.getMethods())
                .filter(method -> !Modifier.isStatic(method.getModifiers()))
                .filter(method -> !declaredByForwardingEventStore(method))
                .map(Method::getName)
                .toList();

        assertThat(notForwarded).isEmpty();
    }

    @Test
    void callsReachTheDelegateAndCloseClosesIt() {
        InMemoryEventStore real = new InMemoryEventStore();
        EventStore forwarding = new ForwardingEventStore(real) {
        };

        forwarding.append("s", ExpectedRevision.NO_STREAM, List.of(EventData.json("T", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertThat(real.readStream("s", ReadStreamOptions.forwards()).events()).hasSize(1);
        assertThat(forwarding.readAll(ReadAllOptions.forwards()).events()).hasSize(1);

        forwarding.close();
        assertThatThrownBy(() -> real.readAll(ReadAllOptions.forwards())).isInstanceOf(StoreUnavailableException.class);
    }

    private static boolean declaredByForwardingEventStore(Method method) {
        try {
            ForwardingEventStore.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
