package dev.sluice.sample.order.order;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An order; {@code reason} says why a CANCELLED one was rolled back. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Order(String id, String sku, long quantity, OrderStatus status, String reason) {
}
