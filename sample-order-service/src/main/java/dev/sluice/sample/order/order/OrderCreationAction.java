package dev.sluice.sample.order.order;

import org.apache.seata.rm.tcc.api.BusinessActionContext;
import org.apache.seata.rm.tcc.api.BusinessActionContextParameter;
import org.springframework.stereotype.Component;

@Component
class OrderCreationAction implements OrderCreation {

    private final OrderRepository orders;

    OrderCreationAction(OrderRepository orders) {
        this.orders = orders;
    }

    // The annotations repeat the interface's: Seata reads them from the implementation to fill the context.
    @Override
    public void create(BusinessActionContext context, @BusinessActionContextParameter("orderId") String orderId,
            @BusinessActionContextParameter("sku") String sku, @BusinessActionContextParameter("quantity") long quantity) {
        orders.insertPending(orderId, sku, quantity);
    }

    @Override
    public boolean confirm(BusinessActionContext context) {
        return orders.settle(context.getActionContext("orderId", String.class), OrderStatus.CONFIRMED);
    }

    @Override
    public boolean cancel(BusinessActionContext context) {
        return orders.settle(context.getActionContext("orderId", String.class), OrderStatus.CANCELLED);
    }
}
