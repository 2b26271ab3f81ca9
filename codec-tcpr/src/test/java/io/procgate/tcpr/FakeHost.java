package io.procgate.tcpr;

import io.netty.buffer.Unpooled;
import io.procgate.host.ExitStatus;
import io.procgate.host.HistorySlice;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessStatus;
import io.procgate.host.StartResult;
import io.procgate.host.StdinResult;
import io.procgate.host.StopResult;
import io.procgate.host.Subscription;
import io.procgate.host.Supervision;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A process host for handler tests: records stdin, lets the test play the process's output. */
final class FakeHost implements ProcessHost {
    final List<String> stdin = new CopyOnWriteArrayList<>();
    final List<LineSubscriber> subscribers = new CopyOnWriteArrayList<>();
    volatile StdinResult stdinResult = StdinResult.WRITTEN;
    private long lineNumber;

    void print(String line) {
        for (LineSubscriber s : subscribers) {
            var content = Unpooled.copiedBuffer(line, StandardCharsets.UTF_8);
            s.onLine(lineNumber++, content);
            content.release();
            s.onLinesEnd(); // one read per line, as a child writing line by line gives
        }
    }

    void exit() {
        subscribers.forEach(s -> s.onExit(new ExitStatus(0, 0)));
    }

    void started() {
        subscribers.forEach(s -> s.onStart(4242));
    }

    @Override
    public CompletableFuture<StartResult> start(String name, ProcessSpec spec, String owner, Supervision supervision) {
        return CompletableFuture.completedFuture(StartResult.failed("fake host"));
    }

    @Override
    public CompletableFuture<StopResult> stop(String name) {
        return CompletableFuture.completedFuture(StopResult.NOT_RUNNING);
    }

    @Override
    public CompletableFuture<StopResult> kill(String name) {
        return CompletableFuture.completedFuture(StopResult.NOT_RUNNING);
    }

    @Override
    public CompletableFuture<StartResult> restart(String name) {
        return CompletableFuture.completedFuture(StartResult.failed("fake host"));
    }

    @Override
    public CompletableFuture<Void> whenStopped(String name) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<ProcessStatus> list() {
        return List.of();
    }

    @Override
    public Optional<ProcessStatus> status(String name) {
        return Optional.empty();
    }

    @Override
    public StdinResult writeStdin(String name, byte[] line) {
        if (stdinResult == StdinResult.WRITTEN) {
            stdin.add(name + ":" + new String(line, StandardCharsets.UTF_8));
        }
        return stdinResult;
    }

    @Override
    public Optional<HistorySlice> read(String name, long fromLine, long maxBytes) {
        return Optional.empty();
    }

    @Override
    public Subscription subscribe(String name, LineSubscriber subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    @Override
    public void close() {}
}
