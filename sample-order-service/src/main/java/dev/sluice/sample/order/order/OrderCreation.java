package dev.sluice.sample.order.order;

import org.apache.seata.rm.tcc.api.BusinessActionContext;
import org.apache.seata.rm.tcc.api.BusinessActionContextParameter;
import org.apache.seata.rm.tcc.api.LocalTCC;
import org.apache.seata.rm.tcc.api.TwoPhaseBusinessAction;

/** The order service's own TCC action: try writes the order PENDING, confirm makes it CONFIRMED, cancel CANCELLED. */
@LocalTCC
public interface OrderCreation {

    @TwoPhaseBusinessAction(name = "order-create", commitMethod = "confirm", rollbackMethod = "cancel", useTCCFence = true)
    void create(BusinessActionContext context, @BusinessActionContextParameter("orderId") String orderId,
            @BusinessActionContextParameter("sku") String sku, @BusinessActionContextParameter("quantity") long quantity);

    boolean confirm(BusinessActionContext context);

    boolean cancel(BusinessActionContext context);
}
