package dev.sluice.gateway.stream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes the client's connection once no byte has gone either way for the idle timeout. Sits first in the Netty
 * pipeline, under HTTP or WebSocket framing alike, for as long as the stream lasts; taken off again when the
 * exchange ends, so that a kept-alive connection's next requests are not timed by it.
 */
final class IdleConnectionCloser extends IdleStateHandler {

    static final String NAME = "sluice-stream-idle";

    private IdleConnectionCloser(Duration idle) {
        super(0, 0, idle.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        ctx.close();
    }

    /** @return the channel it was put on, or {@code null} when the request did not come through Reactor Netty */
    static Channel install(ServerWebExchange exchange, Duration idle) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        if (!(nativeRequest instanceof Connection connection)) {
            return null;
        }
        Channel channel = connection.channel();
        if (channel.pipeline().get(NAME) == null) {
            channel.pipeline().addFirst(NAME, new IdleConnectionCloser(idle));
        }
        return channel;
    }

    /** Whether the connection now speaks WebSocket: the HTTP codec is gone from its pipeline. */
    static boolean upgraded(Channel channel) {
        return channel.pipeline().get(NettyPipeline.HttpCodec) == null;
    }

    static void remove(Channel channel) {
        if (channel != null && channel.pipeline().get(NAME) != null) {
            try {
                channel.pipeline().remove(NAME);
            }
            catch (java.util.NoSuchElementException alreadyGone) {
                // the channel closed and took it
            }
        }
    }
}
