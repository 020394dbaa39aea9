package dev.sluice.sample.inventory.item;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Stock levels: {@code PUT} sets what is available, {@code GET} reads an item. */
@RestController
@RequestMapping("/api/inventory/items")
@Validated
class ItemController {

    static final String SKU = "[A-Za-z0-9._-]{1,64}";

    private final ItemRepository items;

    ItemController(ItemRepository items) {
        this.items = items;
    }

    record StockLevel(@NotNull @PositiveOrZero Long available) {
    }

    @GetMapping("/{sku}")
    Item get(@PathVariable @Pattern(regexp = SKU) String sku) {
        return items.find(sku).orElseThrow(() -> new ItemNotFoundException(sku));
    }

    @PutMapping("/{sku}")
    Item put(@PathVariable @Pattern(regexp = SKU) String sku, @Valid @RequestBody StockLevel stock) {
        return items.setAvailable(sku, stock.available());
    }
}
