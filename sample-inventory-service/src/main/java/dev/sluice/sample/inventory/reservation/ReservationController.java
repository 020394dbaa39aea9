package dev.sluice.sample.inventory.reservation;

import dev.sluice.starter.problem.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import org.apache.seata.core.context.RootContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/inventory/reservations}: the try of {@link StockReservation}, called by the order service inside
 * its global transaction (the XID arrives in the {@code TX_XID} header). The TC confirms or cancels it later.
 */
@RestController
@RequestMapping("/api/inventory/reservations")
class ReservationController {

    private final StockReservation reservation;

    ReservationController(StockReservation reservation) {
        this.reservation = reservation;
    }

    record ReservationRequest(@NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,64}") String sku,
            @NotNull @Positive @Max(10_000) Long quantity) {
    }

    record Reservation(String sku, long quantity, String xid) {
    }

    @PostMapping
    ResponseEntity<Reservation> reserve(@Valid @RequestBody ReservationRequest request) {
        String xid = RootContext.getXID();
        if (xid == null) {
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST, Problems.of(HttpStatus.BAD_REQUEST,
                    "transaction_required", "A reservation is part of a global transaction: send its XID in "
                            + RootContext.KEY_XID), null);
        }
        reservation.reserve(null, request.sku(), request.quantity());
        return ResponseEntity.status(HttpStatus.CREATED).body(new Reservation(request.sku(), request.quantity(), xid));
    }
}
