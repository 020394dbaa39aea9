package dev.sluice.sample.inventory.reservation;

import dev.sluice.sample.inventory.item.ItemNotFoundException;
import dev.sluice.sample.inventory.item.ItemRepository;
import dev.sluice.tcc.transaction.TccPhaseTwo;
import org.apache.seata.rm.tcc.api.BusinessActionContext;
import org.apache.seata.rm.tcc.api.BusinessActionContextParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

@Component
class StockReservationAction implements StockReservation {

    private static final Logger log = LoggerFactory.getLogger(StockReservationAction.class);

    private static final String ACTION = "inventory-reserve";

    private final ItemRepository items;
    private final TccPhaseTwo phaseTwo;

    StockReservationAction(ItemRepository items, TccPhaseTwo phaseTwo) {
        this.items = items;
        this.phaseTwo = phaseTwo;
    }

    // The annotations repeat the interface's: Seata reads them from the implementation to fill the context.
    @Override
    public void reserve(BusinessActionContext context, @BusinessActionContextParameter("sku") String sku,
            @BusinessActionContextParameter("quantity") long quantity) {
        if (!items.reserve(sku, quantity)) {
            if (items.find(sku).isEmpty()) {
                throw new ItemNotFoundException(sku);
            }
            throw new InsufficientStockException(sku, quantity);
        }
    }

    @Override
    public boolean confirm(BusinessActionContext context) {
        return phaseTwo.confirm(ACTION, () -> settle(context, "confirm", items::confirm));
    }

    @Override
    public boolean cancel(BusinessActionContext context) {
        return phaseTwo.cancel(ACTION, () -> settle(context, "cancel", items::release));
    }

    /** False makes the TC retry phase 2; the fence guarantees a successful one is never applied twice. */
    private boolean settle(BusinessActionContext context, String phase, Move move) {
        String sku = context.getActionContext("sku", String.class);
        long quantity = ((Number) context.getActionContext("quantity")).longValue();
        boolean moved = move.apply(sku, quantity);
        if (!moved) {
            log.error("{} of {} x {} found too few reserved units (xid {}, branch {})", phase, quantity, sku,
                    context.getXid(), context.getBranchId());
        }
        return moved;
    }

    @FunctionalInterface
    private interface Move {
        boolean apply(String sku, long quantity);
    }
}
