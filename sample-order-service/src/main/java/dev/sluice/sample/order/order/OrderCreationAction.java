package dev.sluice.sample.order.order;

import dev.sluice.tcc.transaction.TccPhaseTwo;
import org.apache.seata.rm.tcc.api.BusinessActionContext;
import org.apache.seata.rm.tcc.api.BusinessActionContextParameter;
import org.springframework.stereotype.Component;

@Component
class OrderCreationAction implements OrderCreation {

    private static final String ACTION = "order-create";

    private final OrderRepository orders;
    private final TccPhaseTwo phaseTwo;

    OrderCreationAction(OrderRepository orders, TccPhaseTwo phaseTwo) {
        this.orders = orders;
        this.phaseTwo = phaseTwo;
    }

    // The annotations repeat the interface's: Seata reads them from the implementation to fill the context.
    @Override
    public void create(BusinessActionContext context, @BusinessActionContextParameter("orderId") String orderId,
            @BusinessActionContextParameter("sku") String sku, @BusinessActionContextParameter("quantity") long quantity) {
        orders.insertPending(orderId, sku, quantity);
    }

    @Override
    public boolean confirm(BusinessActionContext context) {
        return phaseTwo.confirm(ACTION,
                () -> orders.settle(context.getActionContext("orderId", String.class), OrderStatus.CONFIRMED));
    }

    @Override
    public boolean cancel(BusinessActionContext context) {
        return phaseTwo.cancel(ACTION,
                () -> orders.settle(context.getActionContext("orderId", String.class), OrderStatus.CANCELLED));
    }
}
