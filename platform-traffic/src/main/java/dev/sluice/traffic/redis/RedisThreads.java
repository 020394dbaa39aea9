package dev.sluice.traffic.redis;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.function.Supplier;

/**
 * Where a Redis command is issued. A command takes the connection factory's shared connection, which Spring Data
 * Redis (re)connects synchronously, under a lock, when it has none. On a thread that must not block, above all a
 * Lettuce event loop (where a command's result arrives, so where a command chained on another would run), that
 * wait can never end: the connection it waits for needs that very thread. No timeout operator cuts it short on the
 * issuing thread either. So commands start on a worker.
 */
public final class RedisThreads {

    private RedisThreads() {
    }

    /** {@code command}, assembled and subscribed on a worker thread. */
    public static <T> Mono<T> onWorker(Supplier<Mono<T>> command) {
        return Mono.defer(command).subscribeOn(Schedulers.boundedElastic());
    }
}
