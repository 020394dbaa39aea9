package dev.sluice.gateway.store;

/** Redis did not answer within the store's budget; nothing was written. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
