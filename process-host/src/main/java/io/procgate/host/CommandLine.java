package io.procgate.host;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into arguments the way a POSIX shell tokenizes words, without any
 * expansion: whitespace separates words; single quotes keep everything literally; double quotes
 * keep everything but {@code \"}, {@code \\}, {@code \$}, {@code \`} and a backslash-newline;
 * an unquoted backslash escapes the next character. No globbing, variables or substitutions: a
 * {@code $} or {@code *} is an ordinary character.
 */
public final class CommandLine {
    private enum State {
        BETWEEN_WORDS,
        IN_WORD,
        SINGLE_QUOTED,
        DOUBLE_QUOTED
    }

    private CommandLine() {}

    /**
     * @throws IllegalArgumentException on an unterminated quote, a trailing backslash, or a line
     *     with no words
     */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        State state = State.BETWEEN_WORDS;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            switch (state) {
                case BETWEEN_WORDS, IN_WORD -> {
                    if (c == ' ' || c == '\t' || c == '\n') {
                        if (state == State.IN_WORD) {
                            words.add(word.toString());
                            word.setLength(0);
                            state = State.BETWEEN_WORDS;
                        }
                    } else if (c == '\'') {
                        state = State.SINGLE_QUOTED;
                    } else if (c == '"') {
                        state = State.DOUBLE_QUOTED;
                    } else if (c == '\\') {
                        if (++i == line.length()) {
                            throw new IllegalArgumentException("command line ends in a backslash");
                        }
                        if (line.charAt(i) != '\n') { // backslash-newline joins lines
                            word.append(line.charAt(i));
                        }
                        state = State.IN_WORD;
                    } else {
                        word.append(c);
                        state = State.IN_WORD;
                    }
                }
                case SINGLE_QUOTED -> {
                    if (c == '\'') {
                        state = State.IN_WORD;
                    } else {
                        word.append(c);
                    }
                }
                case DOUBLE_QUOTED -> {
                    if (c == '"') {
                        state = State.IN_WORD;
                    } else if (c == '\\' && i + 1 < line.length() && "\"\\$`\n".indexOf(line.charAt(i + 1)) >= 0) {
                        char next = line.charAt(++i);
                        if (next != '\n') {
                            word.append(next);
                        }
                    } else {
                        word.append(c);
                    }
                }
            }
        }
        if (state == State.SINGLE_QUOTED || state == State.DOUBLE_QUOTED) {
            throw new IllegalArgumentException("unterminated quote in command line");
        }
        if (state == State.IN_WORD) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("empty command line");
        }
        return words;
    }

    /** The inverse of {@link #split}: words quoted where needed so that splitting gives them back. */
    public static String join(List<String> words) {
        StringBuilder out = new StringBuilder();
        for (String w : words) {
            if (out.length() > 0) {
                out.append(' ');
            }
            if (!w.isEmpty() && w.chars().allMatch(CommandLine::isPlain)) {
                out.append(w);
            } else {
                out.append('\'').append(w.replace("'", "'\\''")).append('\'');
            }
        }
        return out.toString();
    }

    private static boolean isPlain(int c) {
        return Character.isLetterOrDigit(c) || "-_./=:,+@%".indexOf(c) >= 0;
    }
}
