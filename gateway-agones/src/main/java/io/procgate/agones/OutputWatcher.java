package io.procgate.agones;

import io.netty.buffer.ByteBuf;
import io.procgate.host.ExitStatus;
import io.procgate.host.LineSubscriber;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the declared process's output as the host delivers it (lines already read for its
 * history, on the process's event loop) and tells the {@link AgonesLink} what it means: the first
 * ready line of a run, player joins and leaves, the first value of each label in a run. Matchers
 * are reused and a line is decoded only while some pattern may still match it; the line is never
 * held back, since the host delivers it to its history and other subscribers regardless.
 */
final class OutputWatcher implements LineSubscriber {
    private final AgonesLink link;
    private final LineText text = new LineText();
    private final Matcher ready;
    private final Matcher join;
    private final Matcher leave;
    private final List<String> labelKeys = new ArrayList<>();
    private final List<Matcher> labelMatchers = new ArrayList<>();
    /** Per run: whether the ready line was seen, and which labels have their value. */
    private boolean readySeen;

    private final boolean[] labelSeen;
    private int labelsLeft;

    OutputWatcher(AgonesSettings settings, AgonesLink link) {
        this.link = link;
        this.ready = matcher(settings.readyPattern());
        this.join =
                settings.players() == null ? null : matcher(settings.players().join());
        this.leave =
                settings.players() == null ? null : matcher(settings.players().leave());
        for (Map.Entry<String, Pattern> e : settings.labels().entrySet()) {
            labelKeys.add(e.getKey());
            labelMatchers.add(matcher(e.getValue()));
        }
        this.labelSeen = new boolean[labelKeys.size()];
        this.labelsLeft = labelSeen.length;
        this.readySeen = ready == null;
    }

    private static Matcher matcher(Pattern pattern) {
        return pattern == null ? null : pattern.matcher("");
    }

    @Override
    public void onStart(long pid) {
        readySeen = ready == null;
        Arrays.fill(labelSeen, false);
        labelsLeft = labelSeen.length;
        link.started(pid);
    }

    @Override
    public void onLine(long lineNumber, ByteBuf content) {
        if (readySeen && join == null && labelsLeft == 0) {
            return; // nothing left to look for in this run
        }
        CharSequence line = text.decode(content);
        if (!readySeen && ready.reset(line).find()) {
            readySeen = true;
            link.readyLine();
        }
        if (join != null) {
            if (join.reset(line).find()) {
                link.joined(nonEmpty(join.group(AgonesSettings.PLAYER_GROUP)));
            } else if (leave.reset(line).find()) {
                link.left(nonEmpty(leave.group(AgonesSettings.PLAYER_GROUP)));
            }
        }
        for (int i = 0; labelsLeft > 0 && i < labelSeen.length; i++) {
            Matcher m = labelMatchers.get(i);
            if (!labelSeen[i] && m.reset(line).find()) {
                labelSeen[i] = true;
                labelsLeft--;
                String value = m.group(AgonesSettings.LABEL_GROUP);
                link.label(labelKeys.get(i), value == null ? "" : value);
            }
        }
    }

    /** A group that took part in no match (an optional one) names nobody: null. */
    private static String nonEmpty(String name) {
        return name == null || name.isEmpty() ? null : name;
    }

    @Override
    public void onExit(ExitStatus status) {
        link.exited(status);
    }
}
