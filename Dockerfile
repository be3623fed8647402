# One image for every service: java -jar engine.jar COMMAND (all, service NAME --cluster, simulator, ...)
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY simulator/pom.xml simulator/
COPY common/pom.xml common/
COPY db-writer/pom.xml db-writer/
COPY query-generator/pom.xml query-generator/
COPY search-workers/pom.xml search-workers/
COPY analyzer/pom.xml analyzer/
COPY summarizer/pom.xml summarizer/
COPY gateway/pom.xml gateway/
COPY engine/pom.xml engine/
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 engine
WORKDIR /app
COPY --from=build /src/engine/target/engine.jar /app/engine.jar
COPY deploy/docker-entrypoint.sh /app/docker-entrypoint.sh
USER engine
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75" \
    HTTP_PORT=8080
EXPOSE 8080 9100 5701
ENTRYPOINT ["/app/docker-entrypoint.sh"]
CMD ["all"]
