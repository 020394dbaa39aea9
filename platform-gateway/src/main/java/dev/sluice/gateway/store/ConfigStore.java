package dev.sluice.gateway.store;

import dev.sluice.gateway.route.RouteJson;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The gateway config in the Redis Cluster: one hash holds the head revision number and the last {@code keep}
 * revisions, so one Lua script can compare-and-set it atomically, and publishes the new number to every node.
 * <p>
 * Calls block up to the store's timeout, so they run on the Admin API's and the sync's own threads, never on an
 * event loop.
 */
public class ConfigStore {

    public static final String KEY = "sluice:{gateway}:config";
    public static final String CHANNEL = "sluice:gateway:config";

    // KEYS[1]: the config hash. ARGV: expected head, revision JSON, summary JSON, revisions kept, channel, the
    // revision's commit time. Returns the new head, or -1 when the head was not the expected one (another writer won).
    private static final RedisScript<Long> COMMIT = RedisScript.of("""
            local head = tonumber(redis.call('HGET', KEYS[1], 'head') or '0')
            if head ~= tonumber(ARGV[1]) then return -1 end
            local next = head + 1
            redis.call('HSET', KEYS[1], 'rev:' .. next, ARGV[2], 'meta:' .. next, ARGV[3], 'head', next,
                'head-time', ARGV[6])
            local old = next - tonumber(ARGV[4])
            if old > 0 then redis.call('HDEL', KEYS[1], 'rev:' .. old, 'meta:' .. old) end
            redis.call('PUBLISH', ARGV[5], next)
            return next
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final Duration timeout;
    private final int keep;
    private final JsonMapper json;

    /**
     * @param keep how many revisions the history keeps; at least 100
     * @param json reads revisions, route documents included: {@code RouteModel.mapper()}
     */
    public ConfigStore(ReactiveStringRedisTemplate redis, Duration timeout, int keep, JsonMapper json) {
        this.json = json;
        this.redis = redis;
        this.timeout = timeout;
        this.keep = Math.max(100, keep);
    }

    /** The head revision number, 0 when the store is empty. */
    public long head() {
        return call(redis.<String, String>opsForHash().get(KEY, "head")).map(Long::parseLong).orElse(0L);
    }

    /**
     * The head revision's number and commit time. The time tells apart two revisions with one number, which only
     * happens when a Redis failover lost an acknowledged commit and a later one reused its number.
     */
    public Head headWithTime() {
        List<String> values = call(redis.<String, String>opsForHash().multiGet(KEY, List.of("head", "head-time")))
                .orElse(List.of());
        String number = values.isEmpty() ? null : values.get(0);
        return new Head(number == null ? 0 : Long.parseLong(number), values.size() > 1 ? values.get(1) : null);
    }

    public record Head(long revision, String time) {
    }

    public Optional<ConfigRevision> load(long revision) {
        return call(redis.<String, String>opsForHash().get(KEY, "rev:" + revision))
                .map(text -> json.readValue(text, ConfigRevision.class));
    }

    /** The newest {@code limit} revisions, newest first. */
    public List<RevisionSummary> history(int limit) {
        long head = head();
        List<String> fields = new ArrayList<>();
        for (long r = head; r > 0 && r > head - Math.min(limit, keep); r--) {
            fields.add("meta:" + r);
        }
        if (fields.isEmpty()) {
            return List.of();
        }
        List<String> found = call(redis.<String, String>opsForHash().multiGet(KEY, fields)).orElse(List.of());
        return found.stream().filter(json -> json != null)
                .map(json -> RouteJson.mapper().readValue(json, RevisionSummary.class)).toList();
    }

    /**
     * Makes {@code next} the head if the head is still {@code next.revision() - 1}.
     *
     * @return the new head, or empty when another writer got there first
     */
    public OptionalLong commit(ConfigRevision next) {
        String json = RouteJson.mapper().writeValueAsString(next);
        String summary = RouteJson.mapper().writeValueAsString(next.summaryOnly());
        long result = call(redis.execute(COMMIT, List.of(KEY),
                List.of(String.valueOf(next.revision() - 1), json, summary, String.valueOf(keep), CHANNEL,
                        String.valueOf(next.time()))).next())
                .orElse(-1L);
        return result < 0 ? OptionalLong.empty() : OptionalLong.of(result);
    }

    private <T> Optional<T> call(Mono<T> call) {
        try {
            return Optional.ofNullable(call.timeout(timeout).block());
        }
        catch (RuntimeException e) {
            throw new StoreUnavailableException("The config store (Redis) did not answer: " + e.getMessage(), e);
        }
    }
}
