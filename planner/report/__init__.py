"""Results to what people read: rich tables, JSON, CSV, Excel, charts. Never computes."""
