package io.etlcdc.connect.it;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Starts in-JVM distributed Connect clusters (a KRaft broker plus workers) that load the assembled plugin directory. */
final class ConnectClusters {
    private ConnectClusters() {}

    /** The plugin directory {@code mvn package} assembled, as a worker's plugin.path. */
    static Path pluginDir() {
        String dir = System.getProperty("etl.connect.plugin.dir");
        if (dir == null || !Files.isDirectory(Path.of(dir))) {
            throw new IllegalStateException("the assembled plugin directory is missing (" + dir + "); run through 'mvn verify'");
        }
        return Path.of(dir);
    }

    static EmbeddedConnectCluster start(String name, int workers) {
        Map<String, String> worker = new HashMap<>();
        worker.put("plugin.path", pluginDir().toString());
        worker.put("plugin.discovery", "hybrid_warn");
        worker.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("key.converter.schemas.enable", "true");
        worker.put("value.converter.schemas.enable", "true");
        worker.put("offset.flush.interval.ms", "1000");
        worker.put("scheduled.rebalance.max.delay.ms", "1000");
        worker.put("exactly.once.source.support", "enabled");
        Properties broker = new Properties();
        broker.put("auto.create.topics.enable", "true");
        broker.put("group.initial.rebalance.delay.ms", "0");
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name(name)
                .numWorkers(workers)
                .numBrokers(1)
                .workerProps(worker)
                .brokerProps(broker)
                .build();
        cluster.start();
        return cluster;
    }
}
