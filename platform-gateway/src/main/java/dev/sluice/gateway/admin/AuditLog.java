package dev.sluice.gateway.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sluice.gateway.route.RouteJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Every Admin API write, accepted or rejected: kept in a capped list in Redis, shared by all nodes, and always
 * logged on the node (logger {@code sluice.audit}), so a write refused because Redis is away is still on record.
 */
public class AuditLog {

    static final String KEY = "sluice:{gateway}:audit";
    private static final Logger log = LoggerFactory.getLogger("sluice.audit");

    /**
     * @param status   the answer's status code
     * @param revision the revision the write created, if it created one
     * @param detail   the summary of an accepted write, or why it was refused
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String time, String node, String actor, String method, String path, int status, Long revision,
            String detail) {
    }

    private final ReactiveStringRedisTemplate redis;
    private final String node;
    private final int keep;
    private final Duration timeout;

    public AuditLog(ReactiveStringRedisTemplate redis, String node, int keep, Duration timeout) {
        this.redis = redis;
        this.node = node;
        this.keep = Math.max(1, keep);
        this.timeout = timeout;
    }

    public void record(String actor, String method, String path, int status, Long revision, String detail) {
        Entry entry = new Entry(Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), node, actor, method, path,
                status, revision, detail);
        String json = RouteJson.mapper().writeValueAsString(entry);
        log.info(json);
        redis.opsForList().leftPush(KEY, json)
                .then(redis.opsForList().trim(KEY, 0, keep - 1))
                .timeout(timeout)
                .subscribe(done -> { }, error -> log.warn("Audit entry kept in this log only, Redis did not take it: {}",
                        error.toString()));
    }

    /** The newest entries, newest first. */
    public Mono<List<Entry>> recent(int limit) {
        return redis.opsForList().range(KEY, 0, Math.max(0, Math.min(limit, keep) - 1))
                .map(json -> RouteJson.mapper().readValue(json, Entry.class))
                .collectList()
                .timeout(timeout);
    }
}
