package dev.sluice.starter.registry;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an instance publishes about itself, stored as JSON so that services in other languages can read and write
 * the registry too.
 *
 * @param service  {@code spring.application.name}
 * @param id       unique within the service: {@code host:port} unless configured
 * @param host     where callers reach it
 * @param port     its HTTP port
 * @param secure   whether it speaks HTTPS
 * @param zone     its zone, for zone-affine load balancing
 * @param metadata free-form, such as {@code weight}
 */
public record InstanceRecord(String service, String id, String host, int port, boolean secure, String zone,
        Map<String, String> metadata) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public InstanceRecord {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    /** Parses an entry; null when it is not one (written by something else, or damaged), which readers skip. */
    public static InstanceRecord fromJson(String json) {
        try {
            InstanceRecord parsed = JSON.readValue(json, InstanceRecord.class);
            return parsed.service() == null || parsed.host() == null || parsed.port() <= 0 ? null : parsed;
        }
        catch (JacksonException e) {
            return null;
        }
    }

    /** As Spring Cloud sees it; the zone joins the metadata under {@code zone}, where the load balancer reads it. */
    public ServiceInstance toServiceInstance() {
        Map<String, String> all = new LinkedHashMap<>(metadata);
        if (zone != null) {
            all.put("zone", zone);
        }
        return new DefaultServiceInstance(id, service, host, port, secure, all);
    }
}
