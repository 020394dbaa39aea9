package dev.sluice.tcc.transaction;

/** The coordination of a global transaction failed, or the business code threw a checked exception. */
public class GlobalTransactionException extends RuntimeException {

    private final GlobalTransactions.Outcome outcome;
    private final String xid;

    public GlobalTransactionException(GlobalTransactions.Outcome outcome, String xid, Throwable cause) {
        super("Global transaction " + (xid == null ? "" : xid + " ") + "ended " + outcome + ": " + cause.getMessage(), cause);
        this.outcome = outcome;
        this.xid = xid;
    }

    public GlobalTransactions.Outcome outcome() {
        return outcome;
    }

    public String xid() {
        return xid;
    }
}
