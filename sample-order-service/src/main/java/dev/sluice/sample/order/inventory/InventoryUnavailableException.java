package dev.sluice.sample.order.inventory;

/** The inventory service could not be reached, or failed, within the timeout. */
public class InventoryUnavailableException extends RuntimeException {

    public InventoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
