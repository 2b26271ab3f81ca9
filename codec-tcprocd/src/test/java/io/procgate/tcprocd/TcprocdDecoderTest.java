package io.procgate.tcprocd;

import static io.procgate.tcprocd.TcprocdWire.ascii;
import static io.procgate.tcprocd.TcprocdWire.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TcprocdDecoderTest {

    private static List<Object> decodeAll(EmbeddedChannel channel) {
        List<Object> messages = new ArrayList<>();
        for (Object m; (m = channel.readInbound()) != null; ) {
            messages.add(m);
            ReferenceCountUtil.release(m);
        }
        return messages;
    }

    private static List<Object> decode(byte[]... chunks) {
        EmbeddedChannel channel = new EmbeddedChannel(new TcprocdDecoder());
        for (byte[] chunk : chunks) {
            channel.writeInbound(Unpooled.wrappedBuffer(chunk));
        }
        List<Object> messages = decodeAll(channel);
        assertFalse(channel.finish());
        return messages;
    }

    private static List<Object> decodeByteByByte(TcprocdDecoder decoder, byte[] bytes) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        for (byte b : bytes) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        List<Object> messages = decodeAll(channel);
        assertFalse(channel.finish());
        return messages;
    }

    @Test
    void decodesTheManualsExamples() {
        assertThat(decode(ascii("04list"))).containsExactly(TcprocdListRequest.INSTANCE);
        assertThat(
                        decode(
                                ascii(
                                        "05start08myserver048java -jar minecraft_server.1.8.jar -server nogui024/home/minecraft/myserver")))
                .containsExactly(new TcprocdStartRequest(
                        "myserver", "java -jar minecraft_server.1.8.jar -server nogui", "/home/minecraft/myserver"));
        assertThat(decode(ascii("04kill08myserver"))).containsExactly(new TcprocdKillRequest("myserver"));
        assertThat(decode(ascii("03cat08myserver10"))).containsExactly(new TcprocdCatRequest("myserver", 0));
        assertThat(decode(ascii("03cat08myserver3120"))).containsExactly(new TcprocdCatRequest("myserver", 120));
        assertThat(decode(ascii("03cat08myserver42723"))).containsExactly(new TcprocdCatRequest("myserver", 2723));
        // The manual prints 011 here, but "kick r4lph" has 10 bytes; the length is the field's byte count.
        assertThat(decode(ascii("07command08myserver010kick r4lph")))
                .containsExactly(TcprocdCommandRequest.of("myserver", "kick r4lph"));
        assertThat(decode(ascii("06attach08myserver"))).containsExactly(new TcprocdAttachRequest("myserver"));
    }

    @Test
    void decodesTheStatsExtension() {
        assertThat(decode(ascii("05stats08myserver"))).containsExactly(new TcprocdStatsRequest("myserver"));
        assertThat(decodeByteByByte(new TcprocdDecoder(), ascii("05stats01a04list")))
                .containsExactly(new TcprocdStatsRequest("a"), TcprocdListRequest.INSTANCE);
    }

    @Test
    void startWithAnEmptyPath() {
        assertThat(decode(ascii("05start02mc005a b c000"))).containsExactly(new TcprocdStartRequest("mc", "a b c", ""));
    }

    @Test
    void lengthsCountUtf8Bytes() {
        byte[] request = concat(ascii("05start01x"), TcprocdWire.field(3, "echo é€𝄞"), ascii("000"));
        assertThat(new String(request, StandardCharsets.ISO_8859_1)).startsWith("05start01x014");
        assertThat(decode(request)).containsExactly(new TcprocdStartRequest("x", "echo é€𝄞", ""));
    }

    @Test
    void largestFieldsAreAccepted() {
        String name = "n".repeat(64);
        String line = "l".repeat(999);
        assertThat(decode(TcprocdWire.start(name, line, line)))
                .containsExactly(new TcprocdStartRequest(name, line, line));
        assertThat(decode(TcprocdWire.cat(name, 999_999_999L)))
                .containsExactly(new TcprocdCatRequest(name, 999_999_999L));
    }

    @Test
    void lineBreaksBetweenRequestsAreIgnored() {
        assertThat(decode(ascii("04list\n04list\r\n\r\n04kill01a\n")))
                .containsExactly(TcprocdListRequest.INSTANCE, TcprocdListRequest.INSTANCE, new TcprocdKillRequest("a"));
    }

    @Test
    void requestsSplitAcrossReads() {
        assertThat(decode(
                        ascii("0"),
                        ascii("4li"),
                        ascii("st04"),
                        ascii("kill0"),
                        ascii("1a03cat01a"),
                        ascii("3"),
                        ascii("12"),
                        ascii("3")))
                .containsExactly(
                        TcprocdListRequest.INSTANCE, new TcprocdKillRequest("a"), new TcprocdCatRequest("a", 123));
    }

    @Test
    void oneByteAtATime() {
        RandomRequests random = new RandomRequests(7);
        List<TcprocdRequest> requests = new ArrayList<>();
        List<byte[]> wire = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            TcprocdRequest request = random.request();
            if (request instanceof TcprocdAttachRequest) {
                continue;
            }
            requests.add(request);
            wire.add(TcprocdWire.encode(request));
            wire.add(random.separator());
        }
        List<Object> decoded = decodeByteByByte(new TcprocdDecoder(), concat(wire.toArray(new byte[0][])));
        assertThat(decoded).containsExactlyElementsOf(requests);
    }

    @Test
    void everySplitPointOfSeededRandomRequests() {
        RandomRequests random = new RandomRequests(20103);
        for (int n = 0; n < 50; n++) {
            TcprocdRequest request = random.request();
            byte[] bytes = concat(TcprocdWire.encode(request), TcprocdWire.list());
            for (int split = 0; split <= bytes.length; split++) {
                assertThat(decode(Arrays.copyOfRange(bytes, 0, split), Arrays.copyOfRange(bytes, split, bytes.length)))
                        .as("%s split at %d", request, split)
                        .containsExactlyElementsOf(
                                request instanceof TcprocdAttachRequest
                                        ? List.of(request)
                                        : List.of(request, TcprocdListRequest.INSTANCE));
            }
        }
    }

    @Test
    void everySplitPointOfSeededRandomCredentials() {
        RandomRequests random = new RandomRequests(42);
        for (int n = 0; n < 60; n++) {
            boolean tcp = n % 2 == 0;
            TcprocdAuthRequest credentials = random.credentials(tcp);
            byte[] bytes = TcprocdWire.encode(credentials);
            for (int split = 0; split <= bytes.length; split++) {
                EmbeddedChannel channel = new EmbeddedChannel(
                        new TcprocdDecoder(tcp ? TcprocdDecoder.Mode.USER_AND_PASSWORD : TcprocdDecoder.Mode.PASSWORD));
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
                assertThat(decodeAll(channel)).containsExactly(credentials);
                assertFalse(channel.finish());
            }
        }
    }

    @Test
    void tcpCredentialsFromTheManual() {
        List<Object> decoded = decodeByteByByte(
                new TcprocdDecoder(TcprocdDecoder.Mode.USER_AND_PASSWORD), ascii("06knoppo21myultrasecretpassword"));
        assertThat(decoded).containsExactly(new TcprocdAuthRequest("knoppo", ascii("myultrasecretpassword")));
    }

    @Test
    void unixSocketPasswordFromTheManual() {
        List<Object> decoded =
                decodeByteByByte(new TcprocdDecoder(TcprocdDecoder.Mode.PASSWORD), ascii("21myultrasecretpassword"));
        assertThat(decoded).containsExactly(new TcprocdAuthRequest(null, ascii("myultrasecretpassword")));
    }

    @Test
    void credentialsDecoderHoldsWhatFollowsUntilRemovedThenPassesItOn() {
        TcprocdDecoder credentials = new TcprocdDecoder(TcprocdDecoder.Mode.USER_AND_PASSWORD);
        List<Object> received = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(credentials, new TcprocdDecoder(), new Collect(received));
        channel.writeInbound(Unpooled.wrappedBuffer(ascii("01u01p04list\n04kill01a")));
        assertThat(received).containsExactly(new TcprocdAuthRequest("u", ascii("p")));
        assertThat(credentials.isHolding()).isTrue();

        channel.writeInbound(Unpooled.wrappedBuffer(ascii("04list")));
        assertThat(received).hasSize(1);

        channel.pipeline().remove(credentials);
        assertThat(received)
                .containsExactly(
                        new TcprocdAuthRequest("u", ascii("p")),
                        TcprocdListRequest.INSTANCE,
                        new TcprocdKillRequest("a"),
                        TcprocdListRequest.INSTANCE);
        assertThat(channel.pipeline().names()).hasSize(3); // decoder, collector, and the tail
        assertFalse(channel.finish());
    }

    @Test
    void holdModeHoldsEverythingUntilReplaced() {
        TcprocdDecoder hold = new TcprocdDecoder(TcprocdDecoder.Mode.HOLD);
        List<Object> received = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(hold, new TcprocdDecoder(), new Collect(received));
        channel.writeInbound(Unpooled.wrappedBuffer(ascii("07secret!04list")));
        assertThat(received).isEmpty();
        assertThat(hold.isHolding()).isTrue();
        // Asked for a password after all: a password decoder takes over what was sent.
        channel.pipeline().replace(hold, "password", new TcprocdDecoder(TcprocdDecoder.Mode.PASSWORD));
        assertThat(received).containsExactly(new TcprocdAuthRequest(null, ascii("secret!")));
        channel.pipeline().remove("password");
        assertThat(received).endsWith(TcprocdListRequest.INSTANCE);
        assertFalse(channel.finish());
    }

    @Test
    void attachHoldsWhatFollows() {
        TcprocdDecoder decoder = new TcprocdDecoder();
        List<Object> received = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new Collect(received));
        channel.writeInbound(Unpooled.wrappedBuffer(ascii("04list06attach01a04list")));
        assertThat(received).containsExactly(TcprocdListRequest.INSTANCE, new TcprocdAttachRequest("a"));
        assertThat(decoder.isHolding()).isTrue();
        assertFalse(channel.finish());
    }

    @Test
    void heldBytesAreBounded() {
        EmbeddedChannel channel = new EmbeddedChannel(new TcprocdDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(ascii("06attach01a")));
        assertThat(decodeAll(channel)).containsExactly(new TcprocdAttachRequest("a"));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[TcprocdConstants.MAX_HELD_BYTES]));
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[1])))
                .isInstanceOf(TcprocdCodecException.class);
        assertFalse(channel.finish());
    }

    @Test
    void aRequestCutShortByCloseDecodesNothing() {
        EmbeddedChannel channel = new EmbeddedChannel(new TcprocdDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(ascii("05start08myserver048java")));
        assertThat(decodeAll(channel)).isEmpty();
        assertFalse(channel.finish());
    }

    /** One case per kind of malformed input, with what came before it valid. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "x",
                "0x",
                "4list",
                " 04list",
                "-1list",
                "00",
                "02ls",
                "08commandx",
                "99",
                "04lisp",
                "04LIST",
                "05stop!",
                "04kill00",
                "04kill65",
                "04kill0x",
                "04kill08my serve",
                "04kill03a/b",
                "04kill03..\u00e9",
                "04kill02a\n",
                "05start01aXX",
                "05start01a00x",
                "05start01a003abc0x0",
                "03cat01a0",
                "03cat01ax",
                "03cat01a3x",
                "03cat01a31x",
                "03cat01a2-1",
                "07command01a1x",
                "07command01a99x",
                "06attach01\u0000",
                "05stats00",
                "05stats65",
                "05stats03a/b",
                "05STATS01a",
                "05statz01a",
                "06status01a",
            })
    void malformedRequestIsRefusedAtOnce(String request) {
        EmbeddedChannel channel = new EmbeddedChannel(new TcprocdDecoder());
        byte[] bytes = ascii(request);
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(bytes)))
                .isInstanceOf(TcprocdCodecException.class);
        // Whatever follows an error is discarded.
        channel.writeInbound(Unpooled.wrappedBuffer(ascii("04list")));
        assertThat(decodeAll(channel)).isEmpty();
        assertFalse(channel.finish());
    }

    @Test
    void commandLineMustBeUtf8() {
        assertMalformed(concat(ascii("05start01a002"), new byte[] {(byte) 0xc3, (byte) 0x28}, ascii("000")));
    }

    @Test
    void pathMustBeUtf8() {
        assertMalformed(concat(ascii("05start01a001x001"), new byte[] {(byte) 0xff}));
    }

    @Test
    void usernameMustBeUtf8() {
        assertMalformed(
                TcprocdDecoder.Mode.USER_AND_PASSWORD, concat(ascii("01"), new byte[] {(byte) 0x80}, ascii("00")));
    }

    @Test
    void garbageBeforeCredentials() {
        assertMalformed(TcprocdDecoder.Mode.USER_AND_PASSWORD, ascii("GET / HTTP/1.1\r\n"));
        assertMalformed(TcprocdDecoder.Mode.PASSWORD, ascii("hello"));
    }

    @Test
    void theManualsCommandExampleWaitsForItsEleventhByte() {
        assertThat(decode(ascii("07command08myserver011kick r4lph"))).isEmpty();
        assertThat(decode(ascii("07command08myserver011kick r4lph!")))
                .containsExactly(TcprocdCommandRequest.of("myserver", "kick r4lph!"));
    }

    @Test
    void commandsBeforeCredentialsAreReadAsCredentials() {
        List<Object> decoded =
                decodeByteByByte(new TcprocdDecoder(TcprocdDecoder.Mode.USER_AND_PASSWORD), ascii("04list04list"));
        assertThat(decoded).containsExactly(new TcprocdAuthRequest("list", ascii("list")));
    }

    @Test
    void stdinLineMayHoldAnyBytes() {
        byte[] line = {0, 1, (byte) 0xff, '\n', '\r', '0'};
        assertThat(decode(TcprocdWire.command("a", line))).containsExactly(new TcprocdCommandRequest("a", line));
    }

    private static void assertMalformed(byte[] bytes) {
        assertMalformed(TcprocdDecoder.Mode.COMMANDS, bytes);
    }

    private static void assertMalformed(TcprocdDecoder.Mode mode, byte[] bytes) {
        EmbeddedChannel channel = new EmbeddedChannel(new TcprocdDecoder(mode));
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(bytes)))
                .isInstanceOf(TcprocdCodecException.class);
        assertThat(decodeAll(channel)).isEmpty();
        assertFalse(channel.finish());
    }

    private static final class Collect extends SimpleChannelInboundHandler<Object> {
        private final List<Object> received;

        Collect(List<Object> received) {
            super(false);
            this.received = received;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            received.add(msg);
            if (msg instanceof ByteBuf) {
                ((ByteBuf) msg).release();
            }
        }
    }
}
