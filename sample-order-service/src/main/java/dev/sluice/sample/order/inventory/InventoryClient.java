package dev.sluice.sample.order.inventory;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpStatusCodeException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Calls the inventory service's reservation (its TCC try) through load-balanced discovery. The XID travels in the
 * {@code TX_XID} header, added by platform-tcc to every RestClient built from Spring's builder.
 */
@Component
public class InventoryClient {

    private final RestClient inventory;

    InventoryClient(RestClient inventoryRestClient) {
        this.inventory = inventoryRestClient;
    }

    record ReservationRequest(String sku, long quantity) {
    }

    /** Reserves stock inside the current global transaction, or says precisely why it could not. */
    public void reserve(String sku, long quantity) {
        try {
            inventory.post().uri("/api/inventory/reservations").body(new ReservationRequest(sku, quantity))
                    .retrieve().toBodilessEntity();
        }
        catch (HttpStatusCodeException e) {
            if (e.getStatusCode().isSameCodeAs(HttpStatus.CONFLICT)) {
                throw new ReservationRefusedException("insufficient_stock", e);
            }
            if (e.getStatusCode().isSameCodeAs(HttpStatus.NOT_FOUND)) {
                throw new ReservationRefusedException("unknown_sku", e);
            }
            throw new InventoryUnavailableException("inventory answered " + e.getStatusCode().value(), e);
        }
        catch (ResourceAccessException e) {
            // Refused, reset or timed out: no instance answered in time.
            throw new InventoryUnavailableException("inventory unreachable: " + e.getMessage(), e);
        }
        catch (RestClientException e) {
            // No instance known to discovery, for example.
            throw new InventoryUnavailableException(e.getMessage(), e);
        }
    }
}
