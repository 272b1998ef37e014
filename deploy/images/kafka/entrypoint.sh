#!/bin/sh
# Single-node KRaft broker, as bin/parcel runs it: the same server.properties, with the listeners for a network.
# First start formats the storage (cluster id made once, kept in meta.properties in the volume).
set -eu
DATA=${KAFKA_DATA_DIR:-/var/lib/kafka/data}
CONF=${KAFKA_CONF_DIR:-/tmp/kafka-config}
HOST=${KAFKA_ADVERTISED_HOST:-kafka}
PORT=${KAFKA_PORT:-9092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
mkdir -p "$CONF" "$DATA"
cat > "$CONF/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://0.0.0.0:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA
num.partitions=4
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
# bin/parcel's levels, to the console instead of a file
cat > "$CONF/log4j2.properties" <<PROPS
appender.out.type=Console
appender.out.name=out
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.out.ref=out
logger.kafka.name=kafka
logger.kafka.level=WARN
logger.kafka-server.name=kafka.server.KafkaRaftServer
logger.kafka-server.level=INFO
logger.org.name=org.apache.kafka
logger.org.level=WARN
PROPS
set -- java $KAFKA_HEAP_OPTS ${KAFKA_JVM_OPTS:-} -XX:+ExitOnOutOfMemoryError \
  -Dlog4j2.configurationFile="$CONF/log4j2.properties" -cp '/opt/kafka/libs/*'
if [ ! -f "$DATA/meta.properties" ]; then
  # Kafka's cluster id: 16 random bytes, base64url without padding (what `StorageTool random-uuid` prints);
  # made here rather than with a second JVM start.
  id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22)
  echo "entrypoint: formatting $DATA (cluster id $id)" >&2
  "$@" kafka.tools.StorageTool format --config "$CONF/server.properties" --cluster-id "$id" >&2
fi
exec "$@" kafka.Kafka "$CONF/server.properties"
