package dev.sluice.sample.order.inventory;

import dev.sluice.starter.client.ClientCallException;
import dev.sluice.starter.client.UpstreamProblemException;
import org.springframework.stereotype.Component;

/**
 * Reserves stock through {@link InventoryApi} and says precisely why it could not. The XID travels in the
 * {@code TX_XID} header, which platform-tcc adds to every RestClient Spring Boot configures.
 */
@Component
public class InventoryClient {

    private final InventoryApi inventory;

    InventoryClient(InventoryApi inventory) {
        this.inventory = inventory;
    }

    /**
     * Reserves stock inside the current global transaction.
     *
     * @param orderId keys the reservation, so that a retry of it is answered, not run again
     */
    public void reserve(String orderId, String sku, long quantity) {
        try {
            inventory.reserve("reserve-" + orderId, new InventoryApi.ReservationRequest(sku, quantity));
        }
        catch (UpstreamProblemException e) {
            switch (e.code()) {
                case "insufficient_stock" -> throw new ReservationRefusedException("insufficient_stock", e);
                case "item_not_found" -> throw new ReservationRefusedException("unknown_sku", e);
                default -> throw new InventoryUnavailableException("inventory answered " + e.status() + " " + e.code(), e);
            }
        }
        catch (ClientCallException e) {
            // Refused by the breaker or the bulkhead, or no instance answered in time: the order cannot go on.
            throw new InventoryUnavailableException(e.getMessage(), e);
        }
    }
}
