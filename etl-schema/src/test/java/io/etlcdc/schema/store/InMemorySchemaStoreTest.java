package io.etlcdc.schema.store;

class InMemorySchemaStoreTest extends SchemaStoreContract {
    @Override
    protected SchemaStore newStore() {
        return new InMemorySchemaStore();
    }

    @Override
    protected SchemaStore reopen(SchemaStore store) {
        return null;
    }
}
