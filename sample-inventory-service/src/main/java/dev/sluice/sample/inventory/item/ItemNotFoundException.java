package dev.sluice.sample.inventory.item;

import dev.sluice.starter.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** 404 {@code item_not_found}. */
public class ItemNotFoundException extends ErrorResponseException {

    public ItemNotFoundException(String sku) {
        super(HttpStatus.NOT_FOUND, Problems.of(HttpStatus.NOT_FOUND, "item_not_found", "No item with SKU " + sku), null);
    }
}
