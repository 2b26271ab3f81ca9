package io.procgate.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.procgate.core.testing.FakeProcessHost;
import io.procgate.host.LineSubscriber;
import io.procgate.host.Subscription;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeferredProcessHostTest {
    /** Records subscribe and close calls. */
    private static final class RecordingHost extends FakeProcessHost {
        final List<String> events = new ArrayList<>();

        @Override
        public synchronized Subscription subscribe(String name, LineSubscriber subscriber) {
            events.add("subscribe " + name);
            return () -> {
                synchronized (this) {
                    events.add("close " + name);
                }
            };
        }
    }

    private static final LineSubscriber NOTHING = (long lineNumber, ByteBuf content) -> {};

    @Test
    void aSubscriptionMadeBeforeTheHostIsSetIsAttachedWhenItIs() {
        DeferredProcessHost deferred = new DeferredProcessHost();
        Subscription early = deferred.subscribe("game", NOTHING);
        RecordingHost host = new RecordingHost();
        deferred.set(host);
        assertThat(host.events).containsExactly("subscribe game");
        early.close();
        early.close();
        assertThat(host.events).containsExactly("subscribe game", "close game");
    }

    @Test
    void anEarlySubscriptionClosedBeforeTheHostIsSetIsNeverAttached() {
        DeferredProcessHost deferred = new DeferredProcessHost();
        deferred.subscribe("game", NOTHING).close();
        RecordingHost host = new RecordingHost();
        deferred.set(host);
        assertThat(host.events).isEmpty();
    }

    @Test
    void aSubscriptionAfterTheHostIsSetGoesStraightToIt() {
        DeferredProcessHost deferred = new DeferredProcessHost();
        RecordingHost host = new RecordingHost();
        deferred.set(host);
        deferred.subscribe("game", NOTHING).close();
        assertThat(host.events).containsExactly("subscribe game", "close game");
    }
}
