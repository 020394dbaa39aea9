package dev.sluice.sample.order.inventory;

/** The inventory refused the reservation: {@code insufficient_stock} or {@code unknown_sku}. */
public class ReservationRefusedException extends RuntimeException {

    private final String reason;

    public ReservationRefusedException(String reason, Throwable cause) {
        super(reason, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
