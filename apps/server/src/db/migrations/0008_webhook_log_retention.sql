-- Finished deliveries are pruned after WEBHOOK_LOG_RETENTION_DAYS by the maintenance job: find them by age.
CREATE INDEX webhook_deliveries_finished_idx ON webhook_deliveries (created_at) WHERE status <> 'pending';
