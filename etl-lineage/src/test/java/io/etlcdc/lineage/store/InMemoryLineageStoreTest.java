package io.etlcdc.lineage.store;

import io.etlcdc.core.spi.LineageStore;

class InMemoryLineageStoreTest extends LineageStoreWithOriginsContract {
    @Override
    protected LineageStore newStore() {
        return new InMemoryLineageStore();
    }

    @Override
    protected LineageStore reopen(LineageStore store) {
        return null;
    }
}
