package dev.sluice.gateway.problem;

import dev.sluice.starter.problem.ProblemJson;
import dev.sluice.starter.problem.Problems;
import dev.sluice.starter.problem.StatusCodes;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.http.HttpStatusCode;
import reactor.netty.NettyPipeline;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Requests Netty cannot decode never reach the gateway's filters: a request line or URI over the limit (414), headers
 * over the limit (431), or bytes that are not HTTP (400). Reactor Netty would answer those with an empty body. This
 * handler sits right after the HTTP codec and answers them as problem+json instead, then closes the connection (the
 * codec discards the rest of a message it could not decode).
 */
public class DecodeFailureProblems extends ChannelInboundHandlerAdapter {

    public static final String NAME = "sluice.decodeFailureProblems";

    /** Puts a handler on every HTTP/1.1 connection of the server it customizes, right after the codec. */
    public static NettyServerCustomizer customizer() {
        return server -> server.doOnChannelInit((observer, channel, remote) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, NAME, new DecodeFailureProblems());
            }
        });
    }

    private static final long LINGER_MILLIS = 2_000;

    private boolean failed;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpObject http && http.decoderResult().isFailure()) {
            failed = true;
            Throwable cause = http.decoderResult().cause();
            ReferenceCountUtil.release(msg);
            ctx.writeAndFlush(problem(cause)).addListener(written -> closeGently(ctx));
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Closing with unread request bytes makes the kernel reset the connection, and a reset can destroy the answer
     * before the client reads it. So the output is shut first, the rest of the request is read and dropped (the
     * codec discards it), and the connection closes a moment later.
     */
    private static void closeGently(ChannelHandlerContext ctx) {
        if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive()) {
            duplex.shutdownOutput();
            ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        }
        else {
            ctx.close();
        }
    }

    static FullHttpResponse problem(Throwable cause) {
        int status;
        String detail;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            detail = "The request line (method, URI and version) is longer than the gateway accepts";
        }
        else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            status = 431;
            detail = "The request's headers are larger than the gateway accepts";
        }
        else {
            status = 400;
            detail = "The request is not valid HTTP";
        }
        byte[] body = ProblemJson.toJson(Problems.of(HttpStatusCode.valueOf(status), StatusCodes.code(status), detail))
                .getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
