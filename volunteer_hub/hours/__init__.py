"""Service hours: organizers confirm attendance into an append-only ledger of service records
(《志愿服务记录与证明出具办法》 §7), corrections, volunteers' disputes, anomaly flags and deadlines."""
