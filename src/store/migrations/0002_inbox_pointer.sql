-- Pointer webhooks (ShipStation) name a batch to fetch later; the pointer is kept with the raw event.
ALTER TABLE inbox_events ADD COLUMN pointer jsonb;
