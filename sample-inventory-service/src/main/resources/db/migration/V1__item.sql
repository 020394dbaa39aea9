-- Every unit of stock is in exactly one column, so available + reserved + sold = stocked at all times.
CREATE TABLE item
(
    sku       VARCHAR(64) PRIMARY KEY,
    available BIGINT NOT NULL CHECK (available >= 0),
    reserved  BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    sold      BIGINT NOT NULL DEFAULT 0 CHECK (sold >= 0)
);
