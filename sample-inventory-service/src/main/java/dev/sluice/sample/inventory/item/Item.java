package dev.sluice.sample.inventory.item;

/**
 * One stock-keeping unit. A unit is {@code available} to order, {@code reserved} by an order whose transaction has
 * not settled yet, or {@code sold}.
 */
public record Item(String sku, long available, long reserved, long sold) {
}
