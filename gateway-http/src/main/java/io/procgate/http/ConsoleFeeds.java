package io.procgate.http;

import io.procgate.host.ProcessHost;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The {@link ConsoleFeed} of every process that has consoles open on this listener: the first
 * console of a process subscribes its feed to the host, later ones join it, and a feed left with no
 * console unsubscribes itself at the end of the next read of its process's output.
 *
 * <p>The consoles' permission to see the process is checked (and audited) by each console's own
 * {@code watch}; the feed only carries the output they were let to see.
 */
final class ConsoleFeeds {
    private final ProcessHost host;
    private final ConcurrentMap<String, ConsoleFeed> feeds = new ConcurrentHashMap<>();

    ConsoleFeeds(ProcessHost host) {
        this.host = host;
    }

    /** Adds a console to its process's feed, subscribing one first if there is none. */
    ConsoleFeed join(String name, ConsoleLiveQueue console) {
        return feeds.compute(name, (key, feed) -> {
            if (feed == null) {
                feed = new ConsoleFeed(key, this);
                feed.add(console); // before it is subscribed: an empty feed retires at its first read
                feed.subscribed(host.subscribe(key, feed));
            } else {
                feed.add(console);
            }
            return feed;
        });
    }

    /** On the process's loop: drops a feed that has no console left, unless one joined meanwhile. */
    void retire(ConsoleFeed feed) {
        boolean[] removed = {false};
        feeds.computeIfPresent(feed.name(), (key, current) -> {
            if (current == feed && feed.isEmpty()) {
                removed[0] = true;
                return null;
            }
            return current;
        });
        if (removed[0]) {
            feed.unsubscribe();
        }
    }

    /** Processes with a feed now (for tests). */
    int size() {
        return feeds.size();
    }
}
