# Build stage: the Maven wrapper builds the fat jar (dependencies first, for layer caching).
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY conf conf
COPY src src
# the tests (and the tools' sources they compile) stay out of the image build
RUN ./mvnw -B -q package -Dmaven.test.skip=true

# Runtime stage: a JRE, the jar and its defaults, as a non-root user.
FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 --no-create-home roomcast
WORKDIR /app
COPY --from=build /src/target/chat-server.jar /app/chat-server.jar
USER 10001
EXPOSE 8080
# heap from the container's memory limit; the serial collector for the 1-2 CPUs a chat pod usually gets (measured in
# docs/performance.md: G1 costs about 10 % more CPU per delivered message there, and the C2 compiler is kept)
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
# exec form: the JVM is PID 1 and receives SIGTERM
ENTRYPOINT ["java", "-jar", "/app/chat-server.jar"]
