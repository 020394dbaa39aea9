package dev.sluice.sample.order.order;

import dev.sluice.sample.order.placement.OrderPlacement;
import dev.sluice.starter.problem.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;

/**
 * {@code POST /api/orders} places an order (the {@code Idempotency-Key} header is required and enforced by the
 * platform's idempotency filter); {@code GET} reads one order or the statistics of a SKU.
 */
@RestController
@RequestMapping("/api/orders")
@Validated
class OrderController {

    private static final String SKU = "[A-Za-z0-9._-]{1,64}";

    private final OrderPlacement placement;
    private final OrderRepository orders;

    OrderController(OrderPlacement placement, OrderRepository orders) {
        this.placement = placement;
        this.orders = orders;
    }

    record PlaceOrder(@NotNull @Pattern(regexp = SKU) String sku, @NotNull @Positive @Max(10_000) Long quantity) {
    }

    /** 201 with a CONFIRMED order; 202 with a PENDING one the TC will settle (poll its Location); 409 if cancelled. */
    @PostMapping
    ResponseEntity<Order> place(@Valid @RequestBody PlaceOrder request) {
        Order order = placement.place(request.sku(), request.quantity());
        URI location = URI.create("/api/orders/" + order.id());
        return order.status() == OrderStatus.PENDING ? ResponseEntity.accepted().location(location).body(order)
                : ResponseEntity.created(location).body(order);
    }

    @GetMapping("/stats")
    OrderStats stats(@RequestParam @Pattern(regexp = SKU) String sku) {
        return orders.stats(sku);
    }

    @GetMapping("/{id}")
    Order get(@PathVariable @Pattern(regexp = "[0-9a-f-]{36}") String id) {
        return orders.find(id).orElseThrow(() -> new ErrorResponseException(HttpStatus.NOT_FOUND,
                Problems.of(HttpStatus.NOT_FOUND, "order_not_found", "No order " + id), null));
    }
}
