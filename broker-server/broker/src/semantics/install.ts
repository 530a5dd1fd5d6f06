// Placeholder owned by the broker-semantics work (retry/DLQ, delay, transactions, reply, locks, SQL92, admin):
// it will register that work's processors, put-message hooks and services on the controller.
export function installMessagingSemantics(_controller: unknown): void {}
