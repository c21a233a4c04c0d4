package io.etlcdc.core.config;

import io.etlcdc.core.error.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionStringTest {

    @Test
    void parsesTheSpecsForm() {
        ConnectionString c = ConnectionString.parse("postgresql://user:pass@localhost/db");
        assertThat(c.scheme()).isEqualTo("postgresql");
        assertThat(c.user()).contains("user");
        assertThat(c.password()).contains("pass");
        assertThat(c.host()).isEqualTo("localhost");
        assertThat(c.port(5432)).isEqualTo(5432);
        assertThat(c.database()).contains("db");
        assertThat(c.toString()).isEqualTo("postgresql://user:****@localhost/db");
    }

    @Test
    void parsesSeveralHostsParamsAndEncodedCredentials() {
        ConnectionString c = ConnectionString.parse("mongodb://adm%40x:p%3Ass@h1:27017,h2:27018/shop?replicaSet=rs0&authSource=admin");
        assertThat(c.user()).contains("adm@x");
        assertThat(c.password()).contains("p:ss");
        assertThat(c.hosts()).containsExactly(new ConnectionString.HostPort("h1", 27017), new ConnectionString.HostPort("h2", 27018));
        assertThat(c.params()).containsExactlyInAnyOrderEntriesOf(Map.of("replicaSet", "rs0", "authSource", "admin"));
        assertThat(c.masked()).doesNotContain("p%3Ass");
    }

    @Test
    void refusesBadStringsNamingTheKeyWithThePasswordMasked() {
        for (String bad : List.of("localhost:5432/db", "postgresql://u:secret@host:99999/db", "postgresql://u:secret@/db", "postgresql://u:secret@h:abc/db")) {
            assertThatThrownBy(() -> ConnectionString.parse(bad))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("connection_string")
                    .hasMessageNotContaining("secret");
        }
    }

    @Test
    void masksPasswordsInAnyText() {
        assertThat(Secrets.maskText("failed to connect to mysql://root:s3cr3t@db:3306/app (password=s3cr3t&ssl=true)"))
                .doesNotContain("s3cr3t").contains("mysql://root:****@db:3306/app").contains("password=****");
        assertThat(Secrets.maskValues(Map.of("api_token", "abc", "nested", Map.of("password", "x"), "url", "pg://a:b@c/d")))
                .containsEntry("api_token", "****").containsEntry("nested", Map.of("password", "****")).containsEntry("url", "pg://a:****@c/d");
    }
}
