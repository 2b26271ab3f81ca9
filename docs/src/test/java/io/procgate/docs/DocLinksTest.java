package io.procgate.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every relative link in docs/ points to a file that exists, and every #anchor to a heading in it. */
class DocLinksTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");

    /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
    static String slug(String heading) {
        return heading.strip()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-');
    }

    static Set<String> anchors(Path file) {
        Set<String> out = new HashSet<>();
        Matcher m = HEADING.matcher(Docs.read(file));
        while (m.find()) {
            out.add(slug(m.group(1)));
        }
        return out;
    }

    @Test
    void relativeLinksAndAnchorsResolve() {
        int checked = 0;
        for (Path file : Docs.markdownFiles()) {
            Matcher m = LINK.matcher(Docs.read(file));
            while (m.find()) {
                String link = m.group(1);
                if (link.matches("^[a-z]+:.*")) {
                    continue; // http:, https:, mailto:
                }
                int hash = link.indexOf('#');
                String path = hash < 0 ? link : link.substring(0, hash);
                Path target =
                        path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                assertThat(target).as(file + " links to " + link).exists();
                if (hash >= 0) {
                    assertThat(anchors(target)).as(file + " links to " + link).contains(link.substring(hash + 1));
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10);
    }
}
