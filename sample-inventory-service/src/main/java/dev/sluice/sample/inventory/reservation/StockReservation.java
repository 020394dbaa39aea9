package dev.sluice.sample.inventory.reservation;

import org.apache.seata.rm.tcc.api.BusinessActionContext;
import org.apache.seata.rm.tcc.api.BusinessActionContextParameter;
import org.apache.seata.rm.tcc.api.LocalTCC;
import org.apache.seata.rm.tcc.api.TwoPhaseBusinessAction;

/**
 * The inventory's TCC action. Try sets units aside (available → reserved); confirm sells them (reserved → sold);
 * cancel puts them back (reserved → available). The fence makes confirm and cancel idempotent, turns a cancel that
 * arrives before its try into a no-op, and then refuses that late try.
 */
@LocalTCC
public interface StockReservation {

    @TwoPhaseBusinessAction(name = "inventory-reserve", commitMethod = "confirm", rollbackMethod = "cancel",
            useTCCFence = true)
    void reserve(BusinessActionContext context, @BusinessActionContextParameter("sku") String sku,
            @BusinessActionContextParameter("quantity") long quantity);

    boolean confirm(BusinessActionContext context);

    boolean cancel(BusinessActionContext context);
}
