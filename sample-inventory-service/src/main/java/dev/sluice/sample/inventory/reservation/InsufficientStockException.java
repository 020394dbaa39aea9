package dev.sluice.sample.inventory.reservation;

import dev.sluice.starter.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** 409 {@code insufficient_stock}: nothing was reserved. */
public class InsufficientStockException extends ErrorResponseException {

    public InsufficientStockException(String sku, long quantity) {
        super(HttpStatus.CONFLICT, Problems.of(HttpStatus.CONFLICT, "insufficient_stock",
                "Fewer than " + quantity + " units of " + sku + " are available"), null);
    }
}
