package io.etlcdc.lineage.store;

import io.etlcdc.core.spi.AuditLog;

class InMemoryAuditLogTest extends AuditLogWithMaskingContract {
    @Override
    protected AuditLog newLog() {
        return new InMemoryAuditLog();
    }

    @Override
    protected AuditLog reopen(AuditLog log) {
        return null;
    }
}
