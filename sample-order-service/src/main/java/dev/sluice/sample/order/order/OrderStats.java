package dev.sluice.sample.order.order;

/** Orders of one SKU by status, and the units the confirmed ones sold. */
public record OrderStats(long pending, long confirmed, long cancelled, long confirmedQuantity) {
}
