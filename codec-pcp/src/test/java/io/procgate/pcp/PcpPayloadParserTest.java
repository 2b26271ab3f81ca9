package io.procgate.pcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PcpPayloadParserTest {
    private final PcpPayloadParser parser = new PcpPayloadParser();

    private PcpPayload parse(String line) {
        return parser.parse(line.getBytes(StandardCharsets.UTF_8));
    }

    private void assertViolation(String line, PcpViolation violation) {
        assertThatThrownBy(() -> parse(line))
                .isInstanceOf(PcpCodecException.class)
                .extracting(e -> ((PcpCodecException) e).violation())
                .isEqualTo(violation);
    }

    @Test
    void parsesPairsInOrder() {
        PcpPayload p = parse("request=start&name=lobby&command=java%20-jar%20server.jar&path=/srv/lobby");
        assertThat(p.size()).isEqualTo(4);
        assertThat(p.pair(0).key()).isEqualTo("request");
        assertThat(p.value("request")).isEqualTo("start");
        assertThat(p.value("command")).isEqualTo("java -jar server.jar");
        assertThat(p.value("path")).isEqualTo("/srv/lobby");
        assertThat(p.hasQueries()).isFalse();
    }

    @Test
    void ignoresSpacesAndTabsAroundTokens() {
        assertThat(parse(" \trequest = status &\tname= lobby \t")).isEqualTo(parse("request=status&name=lobby"));
    }

    @Test
    void removesSpacesAndTabsEverywhereAsTheSpecSays() {
        assertThat(parse("na me=lob\tby")).isEqualTo(parse("name=lobby"));
    }

    @Test
    void removesCommentsAnywhereEvenInsideAKey() {
        assertThat(parse("#hello#re#x#quest=st#y#atus#c#&name=lobby#trailing.comment:{}#"))
                .isEqualTo(parse("request=status&name=lobby"));
        assertThat(parse("request=status&name=lob#split%20#by")).isEqualTo(parse("request=status&name=lobby"));
        assertThat(parse("a=b #c# & #d# c=d")).isEqualTo(parse("a=b&c=d"));
    }

    @Test
    void acceptsEveryTextByteInKeysAndValues() {
        String text = "azAZ09._:@/\\{}-";
        PcpPayload p = parse(text + "%41=" + text);
        assertThat(p.pair(0).key()).isEqualTo(text + "%41");
        assertThat(p.pair(0).value()).isEqualTo(text);
    }

    @Test
    void decodesPercentEscapesInValuesOnly() {
        PcpPayload p = parse("k%20=%e2%82%AC%25%00%0d%0A");
        assertThat(p.pair(0).key()).isEqualTo("k%20");
        assertThat(p.pair(0).valueBytes()).containsExactly(0xe2 - 256, 0x82 - 256, 0xac - 256, '%', 0, '\r', '\n');
        assertThat(p.pair(0).value()).isEqualTo("€%\0\r\n");
    }

    @Test
    void readsQueries() {
        PcpPayload p = parse("request=status&name=lobby&state=?&pid= ? ");
        assertThat(p.hasQueries()).isTrue();
        assertThat(p.asks("state")).isTrue();
        assertThat(p.asks("pid")).isTrue();
        assertThat(p.asks("name")).isFalse();
        assertThat(p.value("state")).isNull();
        assertThat(p.value("name")).isEqualTo("lobby");
    }

    @Test
    void anEscapedQuestionMarkIsAValueNotAQuery() {
        PcpPayload p = parse("name=%3F");
        assertThat(p.pair(0).isQuery()).isFalse();
        assertThat(p.value("name")).isEqualTo("?");
    }

    @Test
    void firstOccurrenceOfADuplicateKeyWins() {
        assertThat(parse("name=a&name=b").value("name")).isEqualTo("a");
    }

    @Test
    void acceptsSixtyFourPairs() {
        assertThat(parse(pairs(64)).size()).isEqualTo(64);
    }

    @Test
    void acceptsTwoHundredFiftySixBytes() {
        String line = "k=" + "v".repeat(254);
        assertThat(parse(line).value("k")).hasSize(254);
    }

    @Test
    void rejectsMoreThanTwoHundredFiftySixBytes() {
        assertViolation("k=" + "v".repeat(255), PcpViolation.TOO_LONG);
    }

    @Test
    void rejectsSixtyFivePairs() {
        // 65 pairs need at least 259 bytes, so on the wire they are always too long as well
        assertViolation(pairs(65), PcpViolation.TOO_LONG);
        assertThatThrownBy(() -> new PcpPayloadParser(1024).parse(pairs(65).getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOfSatisfying(
                        PcpCodecException.class, e -> assertThat(e.violation()).isEqualTo(PcpViolation.TOO_MANY_PAIRS));
        assertThat(new PcpPayloadParser(1024)
                        .parse(pairs(64).getBytes(StandardCharsets.US_ASCII))
                        .size())
                .isEqualTo(64);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t \t", "#comment#", " #a# #b# "})
    void rejectsEmptyPayloads(String line) {
        assertViolation(line, PcpViolation.EMPTY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"&a=b", "a=b&", "a=b&&c=d", "&", "a=b & & c=d", "a=b&#c#"})
    void rejectsMisplacedAmpersands(String line) {
        assertViolation(line, PcpViolation.MISPLACED_AMPERSAND);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nonsense", "a=b&c", "request"})
    void rejectsMissingEquals(String line) {
        assertViolation(line, PcpViolation.MISSING_EQUALS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"=b", "a=b&=c", " = c", "=?", "="})
    void rejectsEmptyKeys(String line) {
        assertViolation(line, PcpViolation.EMPTY_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=", "a=b&c=", "a= #x# "})
    void rejectsEmptyValues(String line) {
        assertViolation(line, PcpViolation.EMPTY_VALUE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a=b=c", "a=b?", "a=??", "a?=b", "a=b!", "a=b\r", "a=\nb", "a=b;c=d", "a=\"b\"", "a=b,c", "a=é",
                        "a=b\0",
                "a=b~", "a=(b)", "a=[b]", "a=b+c", "a=b*", "a=b'", "a=b|c", "a=<b>", "a=b^", "a=`b`", "a=b$", "\u007f=b"
            })
    void rejectsBytesOutsideText(String line) {
        assertViolation(line, PcpViolation.BAD_BYTE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=b##", "a=b#with space#", "a=b#tab\there#", "#!#a=b", "a=#?#b", "a=b#é#", "a=b#=#"})
    void rejectsCommentsWhoseContentIsNotText(String line) {
        assertViolation(line, PcpViolation.BAD_COMMENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=b#", "#a=b", "a=b#c#d=e#f", "a#=b"})
    void rejectsUnterminatedComments(String line) {
        assertViolation(line, PcpViolation.UNTERMINATED_COMMENT);
    }

    @ParameterizedTest
    @CsvSource({"a=%zz", "a=%4", "a=%", "a=b%", "a=%g0", "a=%0g", "a=x%4"})
    void rejectsMalformedEscapes(String line) {
        assertViolation(line, PcpViolation.BAD_ESCAPE);
    }

    @Test
    void parsesFromABufferRegionWithoutMovingItsIndexes() {
        io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.copiedBuffer("xxa=b&c=dyy", StandardCharsets.US_ASCII);
        try {
            PcpPayload p = parser.parse(buf, 2, 7);
            assertThat(p).isEqualTo(parse("a=b&c=d"));
            assertThat(buf.readerIndex()).isZero();
        } finally {
            buf.release();
        }
    }

    @Test
    void parserIsReusableAfterAnError() {
        assertViolation("a=%zz", PcpViolation.BAD_ESCAPE);
        assertThat(parse("a=b").value("a")).isEqualTo("b");
    }

    static String pairs(int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sb.append('&');
            }
            sb.append('k').append('=').append('v');
        }
        return sb.toString();
    }
}
