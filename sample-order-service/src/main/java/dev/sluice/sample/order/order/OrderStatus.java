package dev.sluice.sample.order.order;

/** PENDING while its global transaction runs; then CONFIRMED (committed) or CANCELLED (rolled back), for good. */
public enum OrderStatus {
    PENDING, CONFIRMED, CANCELLED
}
