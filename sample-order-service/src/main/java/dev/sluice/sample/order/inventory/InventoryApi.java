package dev.sluice.sample.order.inventory;

import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

/**
 * The inventory service's reservation API, as this service calls it. The starter builds the client from
 * {@code sluice.clients.inventory} (see application.yml): load-balanced, with a breaker, a bulkhead and retries.
 */
@HttpExchange("/api/inventory")
public interface InventoryApi {

    record ReservationRequest(String sku, long quantity) {
    }

    /**
     * The TCC try. The key makes a retried try safe: the inventory answers a repeat with the first answer (or 409
     * {@code request_in_progress} while it runs) and never reserves twice.
     */
    @PostExchange("/reservations")
    void reserve(@RequestHeader("Idempotency-Key") String key, @RequestBody ReservationRequest request);
}
