CREATE TABLE orders
(
    id         VARCHAR(36) PRIMARY KEY,
    sku        VARCHAR(64)  NOT NULL,
    quantity   BIGINT       NOT NULL CHECK (quantity > 0),
    status     VARCHAR(16)  NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'CANCELLED')),
    reason     VARCHAR(64),
    created_at TIMESTAMP(3) NOT NULL,
    updated_at TIMESTAMP(3) NOT NULL
);
CREATE INDEX idx_orders_sku_status ON orders (sku, status);
