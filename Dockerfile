# Build: docker build -t etl-cdc-pipeline .
# Run:   docker run -p 8000:8000 -v ./config:/app/config -v ./data:/data etl-cdc-pipeline
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q package -DskipTests -pl etl-server -am

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/etl-server/target/etl-server.jar /app/etl-server.jar
# config/ is read from the working directory (mount your cdc.yaml, connectors.yaml, transformations.yaml, quality.yaml);
# state (embedded database, offsets, dead letters) goes to /data unless DATABASE_URL points to PostgreSQL.
ENV PORT=8000 \
    ETL_DATA_DIR=/data \
    ETL_PLUGINS_DIR=/app/plugins \
    LOG_LEVEL=INFO \
    BUFFER_SIZE=10000
RUN mkdir -p /app/config /app/plugins /data
VOLUME ["/data"]
EXPOSE 8000
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/etl-server.jar"]
