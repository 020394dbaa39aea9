package dev.sluice.sample.order.placement;

import dev.sluice.sample.order.inventory.InventoryClient;
import dev.sluice.sample.order.inventory.InventoryUnavailableException;
import dev.sluice.sample.order.inventory.ReservationRefusedException;
import dev.sluice.sample.order.order.Order;
import dev.sluice.sample.order.order.OrderCreation;
import dev.sluice.sample.order.order.OrderRepository;
import dev.sluice.sample.order.order.OrderStatus;
import dev.sluice.tcc.transaction.GlobalTransactionException;
import dev.sluice.tcc.transaction.GlobalTransactions;
import org.springframework.stereotype.Service;

import java.util.Optional;
import java.util.UUID;

/**
 * Placing an order, top to bottom. One Seata global transaction holds two TCC branches:
 * <ol>
 * <li>this service's {@link OrderCreation}: the order is written PENDING;</li>
 * <li>the inventory's reservation, over HTTP: the units move from available to reserved.</li>
 * </ol>
 * If both tries succeed the TC commits, and each service's confirm runs (CONFIRMED; reserved → sold). If either try
 * fails the TC rolls back, and each cancel runs (CANCELLED; reserved → available). Should a service crash in
 * between, the TC keeps retrying phase 2 until it has run, so no order stays PENDING.
 */
@Service
public class OrderPlacement {

    private final GlobalTransactions transactions;
    private final OrderCreation orderCreation;
    private final InventoryClient inventory;
    private final OrderRepository orders;

    OrderPlacement(GlobalTransactions transactions, OrderCreation orderCreation, InventoryClient inventory,
            OrderRepository orders) {
        this.transactions = transactions;
        this.orderCreation = orderCreation;
        this.inventory = inventory;
        this.orders = orders;
    }

    /**
     * Returns the order: CONFIRMED, or PENDING if the TC could not be reached to settle it (it settles the order
     * later, either way). Throws {@link OrderRejectedException} for an order that was cancelled or never written.
     */
    public Order place(String sku, long quantity) {
        String orderId = UUID.randomUUID().toString();
        try {
            transactions.execute("place-order", () -> {
                orderCreation.create(null, orderId, sku, quantity);
                inventory.reserve(orderId, sku, quantity);
                return null;
            });
        }
        catch (ReservationRefusedException e) {
            throw rejected(orderId, sku, quantity, e.reason());
        }
        catch (InventoryUnavailableException e) {
            throw rejected(orderId, sku, quantity, "inventory_unavailable");
        }
        catch (GlobalTransactionException e) {
            // The coordination failed (the TC went away mid-commit, say): answer with what the order really is.
            Optional<Order> current = orders.find(orderId);
            if (current.isPresent() && current.get().status() != OrderStatus.CANCELLED) {
                return current.get(); // CONFIRMED, or PENDING until the TC settles it
            }
            throw rejected(orderId, sku, quantity,
                    e.outcome() == GlobalTransactions.Outcome.TIMED_OUT ? "timed_out" : "transaction_failed");
        }
        return orders.find(orderId).orElseThrow();
    }

    private OrderRejectedException rejected(String orderId, String sku, long quantity, String reason) {
        orders.recordRejection(orderId, sku, quantity, reason);
        return new OrderRejectedException(orderId, orders.find(orderId).map(Order::status).orElse(null), reason);
    }
}
