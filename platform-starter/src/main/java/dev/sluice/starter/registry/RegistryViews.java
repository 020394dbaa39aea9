package dev.sluice.starter.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry as plain maps, for the actuator endpoint and the gateway's Admin API. */
public final class RegistryViews {

    private RegistryViews() {
    }

    /** Each service with its instances: id, address, zone, metadata, joined, age, silence, and whether it is live. */
    public static Map<String, Object> describe(Map<String, List<RegisteredInstance>> services, Duration ttl) {
        Map<String, Object> out = new LinkedHashMap<>();
        services.forEach((service, instances) -> out.put(service, instances.stream().map(i -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("id", i.instance().id());
            one.put("uri", (i.instance().secure() ? "https://" : "http://") + i.instance().host() + ":" + i.instance().port());
            one.put("zone", i.instance().zone());
            one.put("metadata", i.instance().metadata());
            one.put("registeredAt", Instant.ofEpochMilli(i.registeredAt()).toString());
            one.put("ageSeconds", i.ageMillis() / 1000);
            one.put("lastHeartbeatMillisAgo", i.silentMillis());
            one.put("live", i.silentMillis() <= ttl.toMillis());
            return one;
        }).toList()));
        return out;
    }
}
